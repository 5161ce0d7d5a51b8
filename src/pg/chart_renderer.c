/*
 * src/pg/chart_renderer.c
 *
 * learning_network's chart renderer: a long-lived background worker per
 * database that draws a chart missing from chart_cache for a requesting
 * session, in that session's snapshot and as its acting role.  A session's
 * first miss then costs what a warm session's does: the worker's plans are
 * made once, not once per session (DESIGN.md, "The chart renderer").
 *
 * It needs shared_preload_libraries to name spc (the shared slots are made
 * at server start).  Whenever it cannot serve a request at once (not
 * preloaded, no worker yet, the worker busy, the requester's own
 * transaction has written, a subtransaction, serializable isolation, a
 * standby, a different current date) the requester is told so and draws
 * the chart itself, as it did before: the renderer only ever saves time.
 *
 * Exactness: the worker imports the requester's exported snapshot, takes
 * its acting role (the role setting the policies read), its current user and
 * security context (that of the SECURITY DEFINER chart functions), its time
 * zone, and runs the same renderer the requester would; the current date is
 * compared, since it comes from each transaction's start.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_database.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "chart_renderer.h"

/* Databases with a renderer at once (each worker holds one connection). */
#define RENDERER_SLOTS 8
/* Room for a chart's documents in flight; longer ones pass in pieces. */
#define RENDERER_QUEUE_SIZE (64 * 1024)
/* A worker that has not come up in this long is given up and relaunched. */
#define RENDERER_START_TIMEOUT_MS 10000

typedef struct RendererSlot
{
	Oid			dboid;			/* InvalidOid: free */
	pid_t		pid;			/* 0 while starting */
	Latch	   *latch;
	bool		busy;			/* a request handed over, not yet answered */
	bool		exit_requested; /* its database is being dropped */
	dsm_handle	request;		/* DSM_HANDLE_INVALID when none waits */
	TimestampTz launched_at;
	uint32		generation;		/* which launch holds the slot */
	TimestampTz started_at;		/* when the worker came up */
	uint64		charts_drawn;	/* requests it has answered */
} RendererSlot;

typedef struct RendererShared
{
	slock_t		mutex;
	RendererSlot slot[RENDERER_SLOTS];
} RendererShared;

/* What the requester hands over, followed in its segment by the reply queue. */
typedef struct RenderRequest
{
	int32		project_id;
	int32		measure_id;
	Oid			userid;			/* current user: the chart functions' owner */
	int			sec_context;
	bool		keep;			/* the requester may keep charts (not read only) */
	char		role[NAMEDATALEN];	/* the acting role the policies read */
	char		timezone[128];
	char		snapshot[64];	/* the requester's exported snapshot */
} RenderRequest;

/* The reply: the documents and the data version, or nothing drawn. */
typedef struct RenderReplyHeader
{
	bool		drawn;
	DateADT		today;
	int64		data_version;
	int32		json_len;		/* -1: NULL */
	int32		svg_len;
} RenderReplyHeader;

#define REQUEST_SIZE MAXALIGN(sizeof(RenderRequest))

static RendererShared *renderer = NULL;
static int	renderer_idle_timeout = 60;
static shmem_request_hook_type previous_shmem_request_hook = NULL;
static shmem_startup_hook_type previous_shmem_startup_hook = NULL;
static object_access_hook_type previous_object_access_hook = NULL;

PGDLLEXPORT void spc_chart_renderer_main(Datum main_arg);

/* ------------------------------------------------------------------ */
/* Shared slots                                                        */
/* ------------------------------------------------------------------ */

static void
renderer_shmem_request(void)
{
	if (previous_shmem_request_hook)
		previous_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(RendererShared)));
}

static void
renderer_shmem_startup(void)
{
	bool		found;

	if (previous_shmem_startup_hook)
		previous_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	renderer = ShmemInitStruct("spc chart renderer", sizeof(RendererShared), &found);
	if (!found)
	{
		SpinLockInit(&renderer->mutex);
		for (int i = 0; i < RENDERER_SLOTS; i++)
		{
			renderer->slot[i].dboid = InvalidOid;
			renderer->slot[i].request = DSM_HANDLE_INVALID;
		}
	}
	LWLockRelease(AddinShmemInitLock);
}

/* A database about to be dropped: its renderer leaves at once, so DROP
 * DATABASE does not find it connected (it runs this hook first). */
static void
renderer_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	if (previous_object_access_hook)
		previous_object_access_hook(access, classId, objectId, subId, arg);
	if (access == OAT_DROP && classId == DatabaseRelationId && renderer != NULL)
	{
		Latch	   *latch = NULL;

		SpinLockAcquire(&renderer->mutex);
		for (int i = 0; i < RENDERER_SLOTS; i++)
			if (renderer->slot[i].dboid == objectId)
			{
				renderer->slot[i].exit_requested = true;
				latch = renderer->slot[i].latch;
			}
		SpinLockRelease(&renderer->mutex);
		if (latch)
			SetLatch(latch);
	}
}

void
spc_chart_renderer_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomIntVariable("spc.chart_renderer_idle_timeout",
							"Seconds a chart renderer waits for work before it leaves (0: no renderer).",
							"The renderer draws charts missing from learning_network's cache for new sessions; it holds a connection to its database while it waits.",
							&renderer_idle_timeout, 60, 0, 86400, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	MarkGUCPrefixReserved("spc");
	previous_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = renderer_shmem_request;
	previous_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = renderer_shmem_startup;
	previous_object_access_hook = object_access_hook;
	object_access_hook = renderer_object_access;
}

/* ------------------------------------------------------------------ */
/* The worker                                                          */
/* ------------------------------------------------------------------ */

static int	my_slot = -1;
static uint32 my_generation = 0;

static void
release_slot(int code, Datum arg)
{
	RendererSlot *slot = &renderer->slot[DatumGetInt32(arg)];

	SpinLockAcquire(&renderer->mutex);
	if (slot->generation != my_generation)
	{
		SpinLockRelease(&renderer->mutex);
		return;					/* given up on while starting: not ours */
	}
	slot->dboid = InvalidOid;
	slot->pid = 0;
	slot->latch = NULL;
	slot->busy = false;
	slot->exit_requested = false;
	slot->request = DSM_HANDLE_INVALID;
	SpinLockRelease(&renderer->mutex);
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
	shm_mq_set_sender((shm_mq *) ((char *) dsm_segment_address(seg) + REQUEST_SIZE), MyProc);
	mqh = shm_mq_attach((shm_mq *) ((char *) dsm_segment_address(seg) + REQUEST_SIZE), seg, NULL);

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
		StringInfoData msg;

		initStringInfo(&msg);
		appendBinaryStringInfo(&msg, (char *) &chart.header, sizeof(chart.header));
		for (int i = 0; i < 2; i++)
			if (chart.doc[i])
				appendBinaryStringInfo(&msg, (char *) chart.doc[i], VARSIZE_ANY(chart.doc[i]));
		(void) shm_mq_send(mqh, msg.len, msg.data, false, true);
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
	SpinLockAcquire(&renderer->mutex);
	if (renderer->slot[my_slot].generation != my_generation)
	{
		SpinLockRelease(&renderer->mutex);
		proc_exit(0);			/* given up on while starting */
	}
	renderer->slot[my_slot].pid = MyProcPid;
	renderer->slot[my_slot].latch = MyLatch;
	renderer->slot[my_slot].started_at = GetCurrentTimestamp();
	renderer->slot[my_slot].charts_drawn = 0;
	SpinLockRelease(&renderer->mutex);

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
		SpinLockAcquire(&renderer->mutex);
		handle = renderer->slot[my_slot].request;
		renderer->slot[my_slot].request = DSM_HANDLE_INVALID;
		leave = renderer->slot[my_slot].exit_requested;
		SpinLockRelease(&renderer->mutex);
		if (handle != DSM_HANDLE_INVALID)
		{
			bool		drawn = serve(handle, request_cxt);

			SpinLockAcquire(&renderer->mutex);
			renderer->slot[my_slot].busy = false;
			renderer->slot[my_slot].charts_drawn += drawn ? 1 : 0;
			SpinLockRelease(&renderer->mutex);
			idle_since = GetCurrentTimestamp();
		}
		else if (leave || renderer_idle_timeout == 0 ||
				 TimestampDifferenceExceeds(idle_since, GetCurrentTimestamp(), renderer_idle_timeout * 1000))
			proc_exit(0);
	}
}

/* ------------------------------------------------------------------ */
/* The requester                                                       */
/* ------------------------------------------------------------------ */

/* Start a renderer for this database in the slot reserved for it. */
static void
launch_worker(int slotno, uint32 generation)
{
	BackgroundWorker worker = {0};
	BackgroundWorkerHandle *handle;
	Oid			userid = GetUserId();

	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "spc");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "spc_chart_renderer_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "spc chart renderer for database %u", MyDatabaseId);
	snprintf(worker.bgw_type, BGW_MAXLEN, "spc chart renderer");
	worker.bgw_main_arg = Int32GetDatum(slotno);
	memcpy(worker.bgw_extra, &MyDatabaseId, sizeof(Oid));
	memcpy(worker.bgw_extra + sizeof(Oid), &userid, sizeof(Oid));
	memcpy(worker.bgw_extra + 2 * sizeof(Oid), &generation, sizeof(uint32));
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
	{
		/* no room for a worker (max_worker_processes): try again later */
		SpinLockAcquire(&renderer->mutex);
		if (renderer->slot[slotno].generation == generation)
			renderer->slot[slotno].dboid = InvalidOid;
		SpinLockRelease(&renderer->mutex);
	}
}

/* Whether the slot's worker is up and free for a request (under the mutex). */
static bool
slot_idle(const RendererSlot *slot)
{
	return slot->dboid == MyDatabaseId && slot->pid != 0 && !slot->busy && !slot->exit_requested;
}

/*
 * The slot of this database's renderer if it is free now, else -1; launches
 * a renderer when the database has none (or the one launched never came up).
 */
static int
find_renderer(void)
{
	int			mine = -1;
	int			launch = -1;
	uint32		generation = 0;
	TimestampTz now = GetCurrentTimestamp();

	SpinLockAcquire(&renderer->mutex);
	for (int i = 0; i < RENDERER_SLOTS && mine < 0; i++)
		if (renderer->slot[i].dboid == MyDatabaseId)
			mine = i;
	if (mine >= 0)
	{
		RendererSlot *slot = &renderer->slot[mine];

		if (slot->pid == 0 && TimestampDifferenceExceeds(slot->launched_at, now, RENDERER_START_TIMEOUT_MS))
			launch = mine;
		else if (!slot_idle(slot))
			mine = -1;
	}
	else
	{
		for (int i = 0; i < RENDERER_SLOTS && launch < 0; i++)
			if (renderer->slot[i].dboid == InvalidOid)
				launch = i;
	}
	if (launch >= 0)
	{
		RendererSlot *slot = &renderer->slot[launch];

		slot->dboid = MyDatabaseId;
		slot->pid = 0;
		slot->latch = NULL;
		slot->busy = false;
		slot->exit_requested = false;
		slot->request = DSM_HANDLE_INVALID;
		slot->launched_at = now;
		generation = ++slot->generation;
		mine = -1;
	}
	SpinLockRelease(&renderer->mutex);
	if (launch >= 0)
		launch_worker(launch, generation);
	return mine;
}

/* Hand the request to the slot's renderer if it is still free (claimed and
 * handed over at once, so a request is never claimed without being handed
 * over) and wait for its reply; NULL when it was taken meanwhile or went away
 * before replying. */
static char *
request_drawing(int slotno, RenderRequest *request, Size *reply_len)
{
	dsm_segment *seg = dsm_create(REQUEST_SIZE + RENDERER_QUEUE_SIZE, 0);
	RenderRequest *req = dsm_segment_address(seg);
	shm_mq	   *mq;
	shm_mq_handle *mqh;
	Latch	   *latch = NULL;
	pid_t		pid = 0;
	char	   *reply = NULL;

	memcpy(req, request, sizeof(RenderRequest));
	mq = shm_mq_create((char *) req + REQUEST_SIZE, RENDERER_QUEUE_SIZE);
	shm_mq_set_receiver(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);

	SpinLockAcquire(&renderer->mutex);
	if (slot_idle(&renderer->slot[slotno]))
	{
		renderer->slot[slotno].busy = true;
		renderer->slot[slotno].request = dsm_segment_handle(seg);
		latch = renderer->slot[slotno].latch;
		pid = renderer->slot[slotno].pid;
	}
	SpinLockRelease(&renderer->mutex);
	if (latch == NULL)
	{
		dsm_detach(seg);
		return NULL;
	}
	SetLatch(latch);

	for (;;)
	{
		Size		len;
		void	   *data;
		shm_mq_result res = shm_mq_receive(mqh, &len, &data, true);
		bool		gone;

		if (res == SHM_MQ_SUCCESS)
		{
			reply = palloc(len);
			memcpy(reply, data, len);
			*reply_len = len;
			break;
		}
		if (res == SHM_MQ_DETACHED)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		SpinLockAcquire(&renderer->mutex);
		gone = renderer->slot[slotno].pid != pid;
		SpinLockRelease(&renderer->mutex);
		if (gone)
			break;
	}
	dsm_detach(seg);
	return reply;
}

PG_FUNCTION_INFO_V1(spc_render_chart_elsewhere);

/*
 * learning_network_internal.render_chart_elsewhere(project_id, measure_id)
 * -> (chart_json, chart_svg, data_version): the whole-series chart drawn by
 * the database's renderer in the caller's snapshot, or all NULL when the
 * caller must draw it itself.
 */
Datum
spc_render_chart_elsewhere(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[3] = {0};
	bool		nulls[3] = {true, true, true};
	RenderRequest request = {0};
	const char *role;
	char	   *reply;
	Size		reply_len;
	int			slotno;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);

	if (renderer == NULL || renderer_idle_timeout == 0 || PG_ARGISNULL(0) || PG_ARGISNULL(1) ||
		RecoveryInProgress() || IsSubTransaction() || IsolationIsSerializable() ||
		GetTopTransactionIdIfAny() != InvalidTransactionId || !ActiveSnapshotSet())
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
	slotno = find_renderer();
	if (slotno < 0)
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));

	request.project_id = PG_GETARG_INT32(0);
	request.measure_id = PG_GETARG_INT32(1);
	GetUserIdAndSecContext(&request.userid, &request.sec_context);
	request.keep = !XactReadOnly;
	role = GetConfigOption("role", false, false);
	if (role == NULL || strcmp(role, "none") == 0)
		role = GetUserNameFromId(GetSessionUserId(), false);
	strlcpy(request.role, role, sizeof(request.role));
	strlcpy(request.timezone, GetConfigOption("TimeZone", false, false), sizeof(request.timezone));
	strlcpy(request.snapshot, ExportSnapshot(GetActiveSnapshot()), sizeof(request.snapshot));

	reply = request_drawing(slotno, &request, &reply_len);
	if (reply != NULL && reply_len >= sizeof(RenderReplyHeader))
	{
		RenderReplyHeader header;

		memcpy(&header, reply, sizeof(header));
		/* drawn for this caller's date (each transaction's own start) */
		if (header.drawn && header.today == GetSQLCurrentDate())
		{
			char	   *p = reply + sizeof(header);

			/* each document arrives as its in-memory datum */
			if (header.json_len >= 0)
			{
				values[0] = PointerGetDatum(memcpy(palloc(header.json_len), p, header.json_len));
				nulls[0] = false;
				p += header.json_len;
			}
			if (header.svg_len >= 0)
			{
				values[1] = PointerGetDatum(memcpy(palloc(header.svg_len), p, header.svg_len));
				nulls[1] = false;
			}
			values[2] = Int64GetDatum(header.data_version);
			nulls[2] = false;
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(spc_chart_renderer_status);

/*
 * learning_network.chart_renderer() -> (pid, started_at, charts_drawn): this
 * database's renderer, or no row (none running, or spc not preloaded).
 */
Datum
spc_chart_renderer_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	bool		running = false;

	InitMaterializedSRF(fcinfo, 0);
	if (renderer == NULL)
		return (Datum) 0;
	SpinLockAcquire(&renderer->mutex);
	for (int i = 0; i < RENDERER_SLOTS; i++)
		if (renderer->slot[i].dboid == MyDatabaseId && renderer->slot[i].pid != 0)
		{
			values[0] = Int32GetDatum(renderer->slot[i].pid);
			values[1] = TimestampTzGetDatum(renderer->slot[i].started_at);
			values[2] = Int64GetDatum((int64) renderer->slot[i].charts_drawn);
			running = true;
		}
	SpinLockRelease(&renderer->mutex);
	if (running)
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
