/*
 * src/pg/chart_window.c
 *
 * spc.chart(chart, x, n, baseline, exclude, rules, improvement), a window
 * function.  The first call in a partition reads every row once, forms
 * subgroups from peer rows, and computes the whole partition in the core;
 * every call then returns its row's subgroup point.  O(rows) time; memory
 * per subgroup (its point and where it ends), not per row, in the
 * partition's memory context, so a partition may hold as many rows as the
 * window API can address (WinGetFuncArgInPartition takes an int position).
 */
#include "spc_pg.h"

#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "windowapi.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"			/* VARDATA_ANY: in postgres.h up to 15 */
#endif

/* Argument positions of spc.chart. */
enum
{
	ARG_CHART = 0, ARG_X, ARG_N, ARG_BASELINE, ARG_EXCLUDE, ARG_RULES, ARG_IMPROVEMENT
};

/*
 * Where a per-row argument comes from: a constant of the call (read once) or
 * each row (read through the window API).
 */
typedef struct RowArg
{
	bool		is_const;
	bool		isnull;
	Datum		value;
} RowArg;

/* Arguments that apply to a whole partition, and their names. */
static const int partition_args[] = {ARG_CHART, ARG_RULES, ARG_IMPROVEMENT};
static const char *const partition_arg_names[] = {"chart", "x", "n", "baseline", "exclude",
"rules", "improvement"};

/* Per-query state, in fn_mcxt. */
typedef struct ChartQuery
{
	TupleDesc	tupdesc;
	SpcArgs		args;
	RowArg		row_arg[ARG_EXCLUDE + 1];	/* x, n, baseline, exclude */
	bool		text_is_const[ARG_IMPROVEMENT + 1]; /* chart, rules, improvement */
	SpcPointCache cache;
} ChartQuery;

/*
 * Per-partition state: partition-local memory, with arrays allocated in the
 * same (partition) context, freed when the partition ends.
 */
typedef struct ChartPartition
{
	bool		computed;
	int64		nrows;
	int64		nsub;
	int64	   *subgroup_end;	/* one past the last row of each subgroup */
	SpcPoint   *points;			/* one per subgroup */
	int64		cursor;			/* subgroup of the row last returned */
} ChartPartition;

/* The largest partition the window API can read: positions are int. */
#define CHART_MAX_ROWS ((int64) PG_INT32_MAX + 1)

/* Note which of x, n, baseline and exclude are constants of the call. */
static void
classify_row_args(FunctionCallInfo fcinfo, ChartQuery *q)
{
	WindowFunc *wfunc = (WindowFunc *) fcinfo->flinfo->fn_expr;

	for (int argno = ARG_X; argno <= ARG_EXCLUDE; argno++)
	{
		Node	   *arg = (wfunc && IsA(wfunc, WindowFunc) && argno < list_length(wfunc->args))
			? (Node *) list_nth(wfunc->args, argno) : NULL;

		q->row_arg[argno].is_const = arg != NULL && IsA(arg, Const);
		if (q->row_arg[argno].is_const)
		{
			/* x, n and the flags are pass-by-value (float8, bool) */
			q->row_arg[argno].isnull = ((Const *) arg)->constisnull;
			q->row_arg[argno].value = ((Const *) arg)->constvalue;
		}
	}
	for (int k = 0; k < (int) lengthof(partition_args); k++)
	{
		int			argno = partition_args[k];
		Node	   *arg = (wfunc && IsA(wfunc, WindowFunc) && argno < list_length(wfunc->args))
			? (Node *) list_nth(wfunc->args, argno) : NULL;

		/* an omitted argument is its default, a constant */
		q->text_is_const[argno] = arg == NULL || IsA(arg, Const);
	}
}

static Datum
row_arg(WindowObject winobj, const ChartQuery *q, int argno, int64 pos, bool *isnull)
{
	bool		isout;

	if (q->row_arg[argno].is_const)
	{
		*isnull = q->row_arg[argno].isnull;
		return q->row_arg[argno].value;
	}
	/* pos < CHART_MAX_ROWS, checked for the partition */
	return WinGetFuncArgInPartition(winobj, argno, (int) pos, WINDOW_SEEK_HEAD, false, isnull, &isout);
}

static double
arg_float(WindowObject winobj, const ChartQuery *q, int argno, int64 pos, bool *isnull)
{
	Datum		d = row_arg(winobj, q, argno, pos, isnull);

	return *isnull ? 0.0 : DatumGetFloat8(d);
}

/* A NULL flag takes its default: baseline true, exclude false. */
static bool
arg_bool(WindowObject winobj, const ChartQuery *q, int argno, int64 pos, bool if_null)
{
	bool		isnull;
	Datum		d = row_arg(winobj, q, argno, pos, &isnull);

	return isnull ? if_null : DatumGetBool(d);
}

/*
 * chart, rules and improvement apply to the whole partition: they are read
 * from its first row, so a row that says otherwise is an error, not a value
 * silently ignored.  Compared as bytes, never parsed again.
 */
static void
check_partition_arg(WindowObject winobj, int argno, int64 pos, Datum first, bool first_isnull)
{
	bool		isnull,
				isout;
	Datum		d = WinGetFuncArgInPartition(winobj, argno, pos, WINDOW_SEEK_HEAD, false,
											 &isnull, &isout);
	bool		same;

	if (isnull || first_isnull)
		same = isnull == first_isnull;
	else
	{
		struct varlena *a = PG_DETOAST_DATUM_PACKED(first);
		struct varlena *b = PG_DETOAST_DATUM_PACKED(d);

		same = VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
			memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
	}
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s of spc.chart differs between rows of one partition",
						partition_arg_names[argno]),
				 errdetail("Row %lld of the partition has %s, its first row %s.",
						   (long long) pos + 1,
						   isnull ? "NULL" : quote_literal_cstr(TextDatumGetCString(d)),
						   first_isnull ? "NULL" : quote_literal_cstr(TextDatumGetCString(first))),
				 errhint("chart, rules and improvement apply to a whole partition: "
						 "give one value per partition, or add the argument to PARTITION BY.")));
}

static char *
current_text_arg(WindowObject winobj, int argno)
{
	bool		isnull;
	Datum		d = WinGetFuncArgCurrent(winobj, argno, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* Room for one more subgroup in both per-subgroup arrays. */
static void
reserve_subgroup(SpcSubgroup **subgroups, ChartPartition *part, int64 *capacity, int64 nsub)
{
	if (nsub < *capacity)
		return;
	*capacity *= 2;
	*subgroups = repalloc_huge(*subgroups, mul_size(*capacity, sizeof(SpcSubgroup)));
	part->subgroup_end = repalloc_huge(part->subgroup_end, mul_size(*capacity, sizeof(int64)));
}

/* Read the partition, form subgroups, compute the points. */
static void
compute_partition(WindowObject winobj, ChartQuery *q, ChartPartition *part)
{
	SpcChartType chart = q->args.spec.type;
	int64		nrows = part->nrows;
	MemoryContext partcontext = GetMemoryChunkContext(part);
	MemoryContext work,
				old;
	SpcSubgroup *subgroups;
	SpcAccum	acc;
	int64		nsub = 0;
	int64		capacity = 64;
	size_t		scratch_size;
	Datum		first_arg[ARG_IMPROVEMENT + 1] = {0};
	bool		first_isnull[ARG_IMPROVEMENT + 1] = {0};

	work = AllocSetContextCreate(CurrentMemoryContext, "spc.chart partition",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	subgroups = palloc(capacity * sizeof(SpcSubgroup));
	part->subgroup_end = MemoryContextAlloc(partcontext, capacity * sizeof(int64));

	for (int k = 0; k < (int) lengthof(partition_args); k++)
	{
		int			argno = partition_args[k];
		bool		isout;

		/* copied: the next fetch reuses the slot the datum points into */
		if (!q->text_is_const[argno])
		{
			Datum		d = WinGetFuncArgInPartition(winobj, argno, 0, WINDOW_SEEK_HEAD,
													 false, &first_isnull[argno], &isout);

			if (!first_isnull[argno])
				first_arg[argno] = datumCopy(d, false, -1);
		}
	}

	spc_accum_init(&acc);
	spc_accum_configure(&acc, &q->args.spec);
	for (int64 pos = 0; pos < nrows; pos++)
	{
		SpcRow		row;

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < (int) lengthof(partition_args) && pos > 0; k++)
			if (!q->text_is_const[partition_args[k]])
				check_partition_arg(winobj, partition_args[k], pos,
									first_arg[partition_args[k]],
									first_isnull[partition_args[k]]);
		if (pos > 0 && !WinRowsArePeers(winobj, pos - 1, pos))
		{
			reserve_subgroup(&subgroups, part, &capacity, nsub);
			spc_subgroup_finish(&acc, chart, &subgroups[nsub]);
			part->subgroup_end[nsub++] = pos;
			spc_accum_init(&acc);
			spc_accum_configure(&acc, &q->args.spec);
		}
		row.x = arg_float(winobj, q, ARG_X, pos, &row.x_isnull);
		row.n = arg_float(winobj, q, ARG_N, pos, &row.n_isnull);
		row.baseline = arg_bool(winobj, q, ARG_BASELINE, pos, true);
		row.exclude = arg_bool(winobj, q, ARG_EXCLUDE, pos, false);
		spc_accum_row(&acc, chart, &row);
	}
	reserve_subgroup(&subgroups, part, &capacity, nsub);
	spc_subgroup_finish(&acc, chart, &subgroups[nsub]);
	part->subgroup_end[nsub++] = nrows;

	scratch_size = spc_scratch_size(nsub);
	if (scratch_size == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partition of %lld rows is too large for spc.chart",
						(long long) nrows)));
	part->points = MemoryContextAllocHuge(partcontext, mul_size(nsub, sizeof(SpcPoint)));
	spc_compute(&q->args.spec, &q->args.rules, q->args.improvement,
				subgroups, nsub, part->points, NULL,
				palloc_extended(scratch_size, MCXT_ALLOC_HUGE));

	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
	part->nsub = nsub;
	part->cursor = 0;
	part->computed = true;
}

/*
 * The subgroup of a row: rows come in order, so the cursor moves forward;
 * any other order is found by binary search.
 */
static int64
subgroup_of(ChartPartition *part, int64 pos)
{
	int64		lo = 0,
				hi = part->nsub - 1;

	if (part->subgroup_end[part->cursor] > pos &&
		(part->cursor == 0 || part->subgroup_end[part->cursor - 1] <= pos))
		return part->cursor;
	if (part->cursor + 1 < part->nsub && part->subgroup_end[part->cursor] <= pos &&
		part->subgroup_end[part->cursor + 1] > pos)
		return ++part->cursor;
	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (part->subgroup_end[mid] > pos)
			hi = mid;
		else
			lo = mid + 1;
	}
	return part->cursor = lo;
}

PG_FUNCTION_INFO_V1(spc_chart_window);

/* spc.chart window function. */
Datum
spc_chart_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	ChartQuery *q = (ChartQuery *) fcinfo->flinfo->fn_extra;
	ChartPartition *part;
	int64		nrows,
				curpos;

	if (q == NULL)
	{
		q = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ChartQuery));
		q->tupdesc = SpcResultTupleDesc(fcinfo, fcinfo->flinfo->fn_mcxt);
		classify_row_args(fcinfo, q);
		SpcPointCacheInit(&q->cache, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = q;
	}

	/* Spools the whole partition, which the computation needs anyway. */
	part = (ChartPartition *) WinGetPartitionLocalMemory(winobj, sizeof(ChartPartition));
	if (!part->computed)
	{
		nrows = WinGetPartitionRowCount(winobj);
		if (nrows > CHART_MAX_ROWS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("partition of %lld rows is too large for spc.chart",
							(long long) nrows),
					 errdetail("PostgreSQL's window functions read at most %lld rows of a partition.",
							   (long long) CHART_MAX_ROWS),
					 errhint("Partition the window by series and phase.")));

		/* chart, rules and improvement: the partition's first row (checked) */
		SpcArgsUpdate(&q->args, fcinfo->flinfo->fn_mcxt,
					  current_text_arg(winobj, ARG_CHART),
					  current_text_arg(winobj, ARG_RULES),
					  current_text_arg(winobj, ARG_IMPROVEMENT));
		/* n omitted or a NULL literal: an argument error, not missing data */
		if (q->row_arg[ARG_N].is_const && q->row_arg[ARG_N].isnull &&
			spc_chart_needs_n(q->args.spec.type))
			SpcReportMissingN(q->args.spec.type);
		part->nrows = nrows;
		compute_partition(winobj, q, part);
	}

	curpos = WinGetCurrentPosition(winobj);
	/* No row before this one is read again. */
	WinSetMarkPosition(winobj, curpos);
	PG_RETURN_DATUM(SpcPointDatum(q->tupdesc, &part->points[subgroup_of(part, curpos)], &q->cache));
}
