/*
 * src/pg/chart_renderer_worker.c
 *
 * learning_network's chart renderer, the worker (DESIGN.md, "The chart
 * renderer"): one per database, launched by a miss (chart_renderer.c), it
 * keeps its plans for its life and serves one request at a time: it imports
 * the requester's exported snapshot, takes its acting role (the role setting
 * the policies read), its current user and security context (those of the
 * SECURITY DEFINER chart functions) and its time zone, runs the renderer the
 * requester would have run, keeps the chart in chart_cache and replies.  It
 * leaves when idle past spc.chart_renderer_idle_timeout or when its database
 * is dropped.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "chart_renderer.h"

static int	my_slot = -1;
static uint32 my_generation = 0;

static void
release_slot(int code, Datum arg)
{
	RendererSlot *slot = &spc_renderer->slot[DatumGetInt32(arg)];

	SpinLockAcquire(&spc_renderer->mutex);
	if (slot->generation != my_generation)
	{
		SpinLockRelease(&spc_renderer->mutex);
		return;					/* given up on while starting: not ours */
	}
	renderer_slot_reset(slot, InvalidOid);
	SpinLockRelease(&spc_renderer->mutex);
}

/* Act as the requester in the current transaction: its time zone, its
 * acting role (the setting the policies read), its current user and security
 * context; and never wait long on a lock (the requester may hold it while it
 * waits).  The settings end with the transaction. */
static void
act_as_requester(const RenderRequest *req, Oid *saved_userid, int *saved_sec_context)
{
	(void) set_config_option("TimeZone", req->timezone, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_LOCAL, true, ERROR, false);
	(void) set_config_option("role", req->role, PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_LOCAL, true, ERROR, false);
	(void) set_config_option("lock_timeout", "1000", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_LOCAL, true, ERROR, false);
	GetUserIdAndSecContext(saved_userid, saved_sec_context);
	SetUserIdAndSecContext(req->userid, req->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

/* A drawn chart: what the reply says, and what keeping it needs. */
typedef struct DrawnChart
{
	RenderReplyHeader header;
	struct varlena *doc[2];		/* chart_json, chart_svg (NULL: none) */
	bool		facility_visible;
	int32		facility_id;
	bool		own;			/* the caller may write the facility's data */
} DrawnChart;

/* The renderer the requester would otherwise run itself, in one statement
 * (one snapshot): the documents, the data version, the date they are for,
 * and the project's facility and the variant, as the caller sees them. */
static const char *const render_query =
	"SELECT d.chart_json, d.chart_svg, learning_network_internal.chart_data_version($1), current_date, "
	"f.facility_id, learning_network_internal.may_write(f.facility_id) "
	"FROM learning_network_internal.render_chart($1, $2, NULL, NULL, 'both') d "
	"LEFT JOIN LATERAL (SELECT p.facility_id FROM learning_network.project p WHERE p.project_id = $1) f ON true";

static const char *const keep_query =
	"INSERT INTO learning_network.chart_cache "
	"(project_id, measure_id, variant, version, as_of_week, facility_id, chart_json, chart_svg) "
	"VALUES ($1, $2, $3, $4, learning_network.week_start($5), $6, $7, $8)";

/* The worker's two statements, planned once for its life (PostgreSQL
 * replans a kept plan when what it depends on changes). */
static SPIPlanPtr render_plan = NULL;
static SPIPlanPtr keep_plan = NULL;

static SPIPlanPtr
prepared(SPIPlanPtr *plan, const char *query, int nargs, Oid *argtypes)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(query, nargs, argtypes);

		if (p == NULL)
			elog(ERROR, "spc chart renderer: could not prepare \"%s\": %s", query,
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		*plan = p;
	}
	return *plan;
}

/* Draw in the requester's snapshot, read only; the documents are copied to
 * the caller's memory context (they outlive the transaction). */
static void
draw(const RenderRequest *req, DrawnChart *chart)
{
	MemoryContext request_cxt = CurrentMemoryContext;
	Oid			saved_userid;
	int			saved_sec_context;
	Oid			argtypes[2] = {INT4OID, INT4OID};
	Datum		args[2] = {Int32GetDatum(req->project_id), Int32GetDatum(req->measure_id)};
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	Datum		d;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	/* what SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY and
	 * SET TRANSACTION SNAPSHOT do, before any snapshot is taken */
	XactIsoLevel = XACT_REPEATABLE_READ;
	XactReadOnly = true;
	ImportSnapshot(req->snapshot);
	act_as_requester(req, &saved_userid, &saved_sec_context);
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_plan(prepared(&render_plan, render_query, 2, argtypes), args, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "spc chart renderer: the renderer returned no row");
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	d = SPI_getbinval(row, desc, 3, &isnull);
	chart->header.drawn = !isnull;
	chart->header.data_version = isnull ? 0 : DatumGetInt64(d);
	chart->header.today = DatumGetDateADT(SPI_getbinval(row, desc, 4, &isnull));
	d = SPI_getbinval(row, desc, 5, &isnull);
	chart->facility_visible = !isnull;
	chart->facility_id = isnull ? 0 : DatumGetInt32(d);
	d = SPI_getbinval(row, desc, 6, &isnull);
	chart->own = !isnull && DatumGetBool(d);
	/* the documents as they are in memory (jsonb and text): neither side
	 * prints or parses them */
	for (int i = 0; i < 2; i++)
	{
		d = SPI_getbinval(row, desc, i + 1, &isnull);
		chart->doc[i] = NULL;
		if (!isnull)
		{
			struct varlena *v = pg_detoast_datum((struct varlena *) DatumGetPointer(d));

			chart->doc[i] = MemoryContextAlloc(request_cxt, VARSIZE_ANY(v));
			memcpy(chart->doc[i], v, VARSIZE_ANY(v));
		}
	}
	chart->header.json_len = chart->doc[0] ? (int32) VARSIZE_ANY(chart->doc[0]) : -1;
	chart->header.svg_len = chart->doc[1] ? (int32) VARSIZE_ANY(chart->doc[1]) : -1;
	PopActiveSnapshot();
	SPI_finish();
	SetUserIdAndSecContext(saved_userid, saved_sec_context);
	CommitTransactionCommand();
	MemoryContextSwitchTo(request_cxt);
}

/* Keep the chart in chart_cache, as draw_and_keep_chart would, in a transaction of
 * its own before the reply, so the requester's next statement finds it.  It
 * holds nothing the requester wrote (it wrote nothing), and the row is
 * tagged with the version it was drawn at, so it is only ever served at that
 * version.  Its commit does not wait for the WAL to reach disk: a cache row
 * lost in a crash is only drawn again. */
static void
keep(const RenderRequest *req, const DrawnChart *chart)
{
	Oid			saved_userid;
	int			saved_sec_context;
	Oid			argtypes[8] = {INT4OID, INT4OID, TEXTOID, INT8OID, DATEOID, INT4OID, JSONBOID, TEXTOID};
	Datum		args[8];

	args[0] = Int32GetDatum(req->project_id);
	args[1] = Int32GetDatum(req->measure_id);
	args[2] = CStringGetTextDatum(chart->own ? "own" : "network");
	args[3] = Int64GetDatum(chart->header.data_version);
	args[4] = DateADTGetDatum(chart->header.today);
	args[5] = Int32GetDatum(chart->facility_id);
	args[6] = PointerGetDatum(chart->doc[0]);
	args[7] = PointerGetDatum(chart->doc[1]);

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	(void) set_config_option("synchronous_commit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_LOCAL, true, ERROR, false);
	act_as_requester(req, &saved_userid, &saved_sec_context);
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	(void) SPI_execute_plan(prepared(&keep_plan, keep_query, 8, argtypes), args,
							chart->doc[1] ? NULL : "       n", false, 0);
	PopActiveSnapshot();
	SPI_finish();
	SetUserIdAndSecContext(saved_userid, saved_sec_context);
	CommitTransactionCommand();
}

/* Serve one request: draw, keep, reply.  An error (say, the requester's
 * snapshot gone before it was imported, or a lock not granted within
 * lock_timeout) is logged and the transaction aborted; nothing is sent, so
 * the requester sees the queue detached and draws the chart itself (meeting
 * the same error, if it is one of the chart's own).  The worker stays. */
static bool
serve(dsm_handle handle, MemoryContext request_cxt)
{
	dsm_segment *seg = dsm_attach(handle);
	RenderRequest req;
	shm_mq_handle *mqh;
	DrawnChart chart = {0};
	bool		drawn = false;

	if (seg == NULL)
		return false;			/* the requester has gone */
	dsm_pin_mapping(seg);		/* detached below, not by a transaction's end */
	memcpy(&req, dsm_segment_address(seg), sizeof(req));
	shm_mq_set_sender((shm_mq *) ((char *) dsm_segment_address(seg) + RENDERER_REQUEST_SIZE), MyProc);
	mqh = shm_mq_attach((shm_mq *) ((char *) dsm_segment_address(seg) + RENDERER_REQUEST_SIZE), seg, NULL);

	MemoryContextSwitchTo(request_cxt);
	pgstat_report_activity(STATE_RUNNING, "drawing a chart");
	PG_TRY();
	{
		draw(&req, &chart);
		if (req.keep && chart.header.drawn && chart.facility_visible && chart.doc[0] != NULL)
			keep(&req, &chart);
		drawn = true;
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(request_cxt);
		EmitErrorReport();
		AbortCurrentTransaction();
		FlushErrorState();
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
	if (drawn)
	{
		static const char padding[MAXIMUM_ALIGNOF] = {0};
		shm_mq_iovec iov[5];
		int			n = 0;

		iov[n++] = (shm_mq_iovec) {(const char *) &chart.header, sizeof(chart.header)};
		iov[n++] = (shm_mq_iovec) {padding, RENDERER_REPLY_HEADER_SIZE - sizeof(chart.header)};
		for (int i = 0; i < 2; i++)
			if (chart.doc[i])
			{
				Size		len = VARSIZE_ANY(chart.doc[i]);

				iov[n++] = (shm_mq_iovec) {(const char *) chart.doc[i], len};
				if (i == 0)
					iov[n++] = (shm_mq_iovec) {padding, RENDERER_REPLY_DOC_SPACE((int32) len) - len};
			}
		(void) shm_mq_sendv(mqh, iov, n, false, true);
	}
	dsm_detach(seg);
	pgstat_report_activity(STATE_IDLE, NULL);
	MemoryContextReset(request_cxt);
	return drawn;
}

/* Plan the renderer once before the first request, as a real request would
 * (the chart functions' owner, here acting as the superuser: staff), on one
 * series of the database if it has any.  A failure is logged and ignored:
 * the first request then makes the plans. */
static void
warm_up(Oid userid)
{
	MemoryContext cxt = CurrentMemoryContext;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_execute("SELECT o.project_id, o.measure_id FROM learning_network.observation o LIMIT 1",
						true, 1) == SPI_OK_SELECT && SPI_processed == 1)
		{
			bool		isnull;
			Datum		args[2];
			Oid			argtypes[2] = {INT4OID, INT4OID};
			Oid			saved_userid;
			int			saved_sec_context;

			args[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
			args[1] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
			GetUserIdAndSecContext(&saved_userid, &saved_sec_context);
			SetUserIdAndSecContext(userid, saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
			(void) SPI_execute_plan(prepared(&render_plan, render_query, 2, argtypes), args, NULL, true, 1);
			SetUserIdAndSecContext(saved_userid, saved_sec_context);
		}
		PopActiveSnapshot();
		SPI_finish();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(cxt);
		EmitErrorReport();
		AbortCurrentTransaction();
		FlushErrorState();
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
}

void
spc_chart_renderer_main(Datum main_arg)
{
	Oid			dboid;
	Oid			warm_userid;
	TimestampTz idle_since;
	MemoryContext request_cxt;

	my_slot = DatumGetInt32(main_arg);
	memcpy(&dboid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	memcpy(&warm_userid, MyBgworkerEntry->bgw_extra + sizeof(Oid), sizeof(Oid));
	memcpy(&my_generation, MyBgworkerEntry->bgw_extra + 2 * sizeof(Oid), sizeof(uint32));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	before_shmem_exit(release_slot, Int32GetDatum(my_slot));
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	pgstat_report_appname("spc chart renderer");
	/* its statements name every object with its schema; nothing a user
	 * created may stand in for one */
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_SESSION);

	warm_up(warm_userid);
	SpinLockAcquire(&spc_renderer->mutex);
	if (spc_renderer->slot[my_slot].generation != my_generation)
	{
		SpinLockRelease(&spc_renderer->mutex);
		proc_exit(0);			/* given up on while starting */
	}
	spc_renderer->slot[my_slot].pid = MyProcPid;
	spc_renderer->slot[my_slot].latch = MyLatch;
	spc_renderer->slot[my_slot].started_at = GetCurrentTimestamp();
	spc_renderer->slot[my_slot].charts_drawn = 0;
	SpinLockRelease(&spc_renderer->mutex);

	request_cxt = AllocSetContextCreate(TopMemoryContext, "spc chart renderer request", ALLOCSET_DEFAULT_SIZES);
	idle_since = GetCurrentTimestamp();
	for (;;)
	{
		dsm_handle	handle;
		bool		leave;

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 1000L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		SpinLockAcquire(&spc_renderer->mutex);
		handle = spc_renderer->slot[my_slot].request;
		spc_renderer->slot[my_slot].request = DSM_HANDLE_INVALID;
		leave = spc_renderer->slot[my_slot].exit_requested;
		SpinLockRelease(&spc_renderer->mutex);
		if (handle != DSM_HANDLE_INVALID)
		{
			bool		drawn = serve(handle, request_cxt);

			SpinLockAcquire(&spc_renderer->mutex);
			spc_renderer->slot[my_slot].busy = false;
			spc_renderer->slot[my_slot].charts_drawn += drawn ? 1 : 0;
			SpinLockRelease(&spc_renderer->mutex);
			idle_since = GetCurrentTimestamp();
		}
		else if (leave || spc_renderer_idle_timeout == 0 ||
				 TimestampDifferenceExceeds(idle_since, GetCurrentTimestamp(), spc_renderer_idle_timeout * 1000))
			proc_exit(0);
	}
}
