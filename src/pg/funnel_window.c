/*
 * src/pg/funnel_window.c
 *
 * spc.funnel(chart, x, n, overdispersion), a window function over a
 * partition of units: every row is one unit (a facility, a ward) with its
 * count x and size n.  The first call of a partition reads its rows once and
 * computes them all in the core (src/core/funnel.c); every call then returns
 * its own row's unit.  O(rows) memory, in partition-local memory; O(rows log
 * rows) time (the winsorising sort).
 */
#include "spc_pg.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "../core/funnel.h"

enum
{
	ARG_CHART = 0, ARG_X, ARG_N, ARG_OVERDISPERSION
};

#define FUNNEL_COLUMNS 15

typedef struct FunnelQuery
{
	TupleDesc	tupdesc;
	char	   *chart_text;		/* the parsed chart, cached while it repeats */
	SpcFunnelSpec spec;
} FunnelQuery;

typedef struct FunnelPartition
{
	bool		computed;
	SpcFunnelSummary summary;
	SpcFunnelUnit *units;
} FunnelPartition;

static void
parse_funnel_arg(const char *text, SpcFunnelSpec *spec)
{
	char		bad[SPC_PARSE_ERR_LEN];
	SpcParseErrorText say = {
		.argname = "chart",
		.name_noun = "funnel chart",
		.option_noun = "option",
		.option_of = " for a funnel",
		.name_hint = spc_funnel_options_hint(),
		.hint = spc_funnel_options_hint(),
	};

	SpcReportParseError(spc_parse_funnel(text, spec, bad, sizeof(bad)), text, bad, &say);
}

static double
row_float(WindowObject winobj, int argno, int64 pos)
{
	bool		isnull,
				isout;
	Datum		d = WinGetFuncArgInPartition(winobj, argno, pos, WINDOW_SEEK_HEAD,
											 false, &isnull, &isout);

	return isnull ? NAN : DatumGetFloat8(d);
}

/*
 * chart and overdispersion describe the whole partition: a row that says
 * otherwise is a mistake in the query, reported rather than ignored.
 */
static void
check_same_on_every_row(WindowObject winobj, int nargs, int64 nrows, const char *chart, bool overdispersion)
{
	for (int64 pos = 1; pos < nrows; pos++)
	{
		bool		isnull,
					isout;
		Datum		d;

		d = WinGetFuncArgInPartition(winobj, ARG_CHART, pos, WINDOW_SEEK_HEAD, false, &isnull, &isout);
		if (isnull || strcmp(TextDatumGetCString(d), chart) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument chart of spc.funnel differs between rows of one partition"),
					 errdetail("Row %lld has %s%s%s, the first row \"%s\".", (long long) pos + 1,
							   isnull ? "NULL" : "\"", isnull ? "" : TextDatumGetCString(d),
							   isnull ? "" : "\"", chart),
					 errhint("Pass one chart per partition (PARTITION BY the column that chooses it).")));
		if (nargs > ARG_OVERDISPERSION)
		{
			d = WinGetFuncArgInPartition(winobj, ARG_OVERDISPERSION, pos, WINDOW_SEEK_HEAD, false, &isnull, &isout);
			if ((isnull ? false : DatumGetBool(d)) != overdispersion)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("argument overdispersion of spc.funnel differs between rows of one partition"),
						 errhint("Pass one value per partition.")));
		}
	}
}

PG_FUNCTION_INFO_V1(spc_funnel_window);

Datum
spc_funnel_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	FunnelQuery *q = (FunnelQuery *) fcinfo->flinfo->fn_extra;
	FunnelPartition *part;
	int64		nrows,
				curpos;
	Size		size;
	SpcFunnelUnit *u;
	Datum		values[FUNNEL_COLUMNS];
	bool		nulls[FUNNEL_COLUMNS] = {0};

	if (q == NULL)
	{
		q = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FunnelQuery));
		q->tupdesc = SpcResultTupleDesc(fcinfo, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = q;
	}

	nrows = WinGetPartitionRowCount(winobj);
	size = add_size(MAXALIGN(sizeof(FunnelPartition)), mul_size(nrows, sizeof(SpcFunnelUnit)));
	if (!AllocSizeIsValid(size) || spc_funnel_scratch_size((size_t) nrows) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partition of %lld rows is too large for spc.funnel", (long long) nrows),
				 errhint("Aggregate the rows to one per unit first.")));
	part = (FunnelPartition *) WinGetPartitionLocalMemory(winobj, size);
	if (!part->computed)
	{
		bool		isnull;
		Datum		chart_datum = WinGetFuncArgCurrent(winobj, ARG_CHART, &isnull);
		char	   *chart;
		bool		overdispersion = false;
		MemoryContext work,
					old;
		double	   *x,
				   *n;

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument chart of spc.funnel must not be null"),
					 errhint("%s", spc_funnel_options_hint())));
		chart = TextDatumGetCString(chart_datum);
		if (q->chart_text == NULL || strcmp(q->chart_text, chart) != 0)
		{
			parse_funnel_arg(chart, &q->spec);
			if (q->chart_text)
				pfree(q->chart_text);
			q->chart_text = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, chart);
		}
		if (PG_NARGS() > ARG_OVERDISPERSION)
		{
			Datum		d = WinGetFuncArgCurrent(winobj, ARG_OVERDISPERSION, &isnull);

			overdispersion = isnull ? false : DatumGetBool(d);
		}

		work = AllocSetContextCreate(CurrentMemoryContext, "spc.funnel partition",
									 ALLOCSET_DEFAULT_SIZES);
		old = MemoryContextSwitchTo(work);
		check_same_on_every_row(winobj, PG_NARGS(), nrows, chart, overdispersion);
		x = palloc_extended(mul_size(nrows > 0 ? nrows : 1, sizeof(double)), MCXT_ALLOC_HUGE);
		n = palloc_extended(mul_size(nrows > 0 ? nrows : 1, sizeof(double)), MCXT_ALLOC_HUGE);
		for (int64 pos = 0; pos < nrows; pos++)
		{
			CHECK_FOR_INTERRUPTS();
			x[pos] = row_float(winobj, ARG_X, pos);
			n[pos] = row_float(winobj, ARG_N, pos);
		}
		part->units = (SpcFunnelUnit *) ((char *) part + MAXALIGN(sizeof(FunnelPartition)));
		spc_funnel_compute(&q->spec, overdispersion, x, n, (size_t) nrows, part->units,
						   &part->summary,
						   palloc_extended(spc_funnel_scratch_size((size_t) nrows), MCXT_ALLOC_HUGE));
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
		part->computed = true;
	}

	curpos = WinGetCurrentPosition(winobj);
	WinSetMarkPosition(winobj, curpos);
	u = &part->units[curpos];
	values[0] = SpcFloatDatum(u->y, &nulls[0]);
	values[1] = SpcFloatDatum(u->target, &nulls[1]);
	values[2] = SpcFloatDatum(u->sigma, &nulls[2]);
	values[3] = SpcFloatDatum(u->z, &nulls[3]);
	values[4] = SpcFloatDatum(u->z_adjusted, &nulls[4]);
	values[5] = SpcFloatDatum(u->lower95, &nulls[5]);
	values[6] = SpcFloatDatum(u->upper95, &nulls[6]);
	values[7] = SpcFloatDatum(u->lower998, &nulls[7]);
	values[8] = SpcFloatDatum(u->upper998, &nulls[8]);
	nulls[9] = nulls[0] || nulls[5];
	values[9] = BoolGetDatum(!nulls[9] && (u->y < u->lower95 || u->y > u->upper95));
	nulls[10] = nulls[0] || nulls[7];
	values[10] = BoolGetDatum(!nulls[10] && (u->y < u->lower998 || u->y > u->upper998));
	values[11] = SpcFloatDatum(part->summary.phi, &nulls[11]);
	values[12] = SpcFloatDatum(part->summary.tau2, &nulls[12]);
	values[13] = BoolGetDatum(part->summary.adjusted);
	values[14] = Int32GetDatum(part->summary.units);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(q->tupdesc, values, nulls)));
}
