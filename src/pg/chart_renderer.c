/*
 * src/pg/chart_renderer.c
 *
 * learning_network's chart renderer, the requesting side: a chart missing
 * from chart_cache is drawn for the requesting session by a long-lived
 * background worker of its database (chart_renderer_worker.c), in that
 * session's snapshot and as its acting role, so a session's first miss costs
 * what a warm session's does: the worker's plans are made once, not once per
 * session (DESIGN.md, "The chart renderer").  Here: the shared slots (one
 * worker per database), the hooks set up at server start, the launch, the
 * hand-off and the SQL functions.
 *
 * It needs shared_preload_libraries to name spc (the slots are made at
 * server start).  Whenever the worker cannot take a request at once (not
 * preloaded, no worker yet, the worker busy, the requester's own transaction
 * has written, a subtransaction, serializable isolation, row_security off,
 * a standby, a different current date) the requester is told so and draws the chart
 * itself, as it did before: the renderer only ever saves time.
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_database.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "chart_renderer.h"

RendererShared *spc_renderer = NULL;
int			spc_renderer_idle_timeout = 60;
static shmem_request_hook_type previous_shmem_request_hook = NULL;
static shmem_startup_hook_type previous_shmem_startup_hook = NULL;
static object_access_hook_type previous_object_access_hook = NULL;

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
	spc_renderer = ShmemInitStruct("spc chart renderer", sizeof(RendererShared), &found);
	if (!found)
	{
		memset(spc_renderer, 0, sizeof(RendererShared));
		SpinLockInit(&spc_renderer->mutex);
		for (int i = 0; i < RENDERER_SLOTS; i++)
			renderer_slot_reset(&spc_renderer->slot[i], InvalidOid);
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
	if (access == OAT_DROP && classId == DatabaseRelationId && spc_renderer != NULL)
	{
		Latch	   *latch = NULL;

		SpinLockAcquire(&spc_renderer->mutex);
		for (int i = 0; i < RENDERER_SLOTS; i++)
			if (spc_renderer->slot[i].dboid == objectId)
			{
				spc_renderer->slot[i].exit_requested = true;
				latch = spc_renderer->slot[i].latch;
			}
		SpinLockRelease(&spc_renderer->mutex);
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
							&spc_renderer_idle_timeout, 60, 0, 86400, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	MarkGUCPrefixReserved("spc");
	previous_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = renderer_shmem_request;
	previous_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = renderer_shmem_startup;
	previous_object_access_hook = object_access_hook;
	object_access_hook = renderer_object_access;
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
		SpinLockAcquire(&spc_renderer->mutex);
		if (spc_renderer->slot[slotno].generation == generation)
			spc_renderer->slot[slotno].dboid = InvalidOid;
		SpinLockRelease(&spc_renderer->mutex);
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

	SpinLockAcquire(&spc_renderer->mutex);
	for (int i = 0; i < RENDERER_SLOTS && mine < 0; i++)
		if (spc_renderer->slot[i].dboid == MyDatabaseId)
			mine = i;
	if (mine >= 0)
	{
		RendererSlot *slot = &spc_renderer->slot[mine];

		if (slot->pid == 0 && TimestampDifferenceExceeds(slot->launched_at, now, RENDERER_START_TIMEOUT_MS))
			launch = mine;
		else if (!slot_idle(slot))
			mine = -1;
	}
	else
	{
		for (int i = 0; i < RENDERER_SLOTS && launch < 0; i++)
			if (spc_renderer->slot[i].dboid == InvalidOid)
				launch = i;
	}
	if (launch >= 0)
	{
		RendererSlot *slot = &spc_renderer->slot[launch];

		renderer_slot_reset(slot, MyDatabaseId);
		slot->launched_at = now;
		generation = ++slot->generation;
		mine = -1;
	}
	SpinLockRelease(&spc_renderer->mutex);
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
	dsm_segment *seg = dsm_create(RENDERER_REQUEST_SIZE + RENDERER_QUEUE_SIZE, 0);
	RenderRequest *req = dsm_segment_address(seg);
	shm_mq	   *mq;
	shm_mq_handle *mqh;
	Latch	   *latch = NULL;
	pid_t		pid = 0;
	char	   *reply = NULL;

	memcpy(req, request, sizeof(RenderRequest));
	mq = shm_mq_create((char *) req + RENDERER_REQUEST_SIZE, RENDERER_QUEUE_SIZE);
	shm_mq_set_receiver(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);

	SpinLockAcquire(&spc_renderer->mutex);
	if (slot_idle(&spc_renderer->slot[slotno]))
	{
		spc_renderer->slot[slotno].busy = true;
		spc_renderer->slot[slotno].request = dsm_segment_handle(seg);
		latch = spc_renderer->slot[slotno].latch;
		pid = spc_renderer->slot[slotno].pid;
	}
	SpinLockRelease(&spc_renderer->mutex);
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
		SpinLockAcquire(&spc_renderer->mutex);
		gone = spc_renderer->slot[slotno].pid != pid;
		SpinLockRelease(&spc_renderer->mutex);
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

	/* (row_security off: the session's own draw raises the error it must) */
	if (spc_renderer == NULL || spc_renderer_idle_timeout == 0 || PG_ARGISNULL(0) || PG_ARGISNULL(1) ||
		RecoveryInProgress() || IsSubTransaction() || IsolationIsSerializable() || !row_security ||
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
	if (reply != NULL && reply_len >= RENDERER_REPLY_HEADER_SIZE)
	{
		RenderReplyHeader header;

		memcpy(&header, reply, sizeof(header));
		/* drawn for this caller's date (each transaction's own start) */
		if (header.drawn && header.today == GetSQLCurrentDate())
		{
			char	   *p = reply + RENDERER_REPLY_HEADER_SIZE;

			/* each document is its in-memory datum, aligned where it lies in
			 * the reply (heap_form_tuple copies it) */
			nulls[0] = header.json_len < 0;
			values[0] = PointerGetDatum(p);
			nulls[1] = header.svg_len < 0;
			values[1] = PointerGetDatum(p + RENDERER_REPLY_DOC_SPACE(header.json_len));
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
	if (spc_renderer == NULL)
		return (Datum) 0;
	SpinLockAcquire(&spc_renderer->mutex);
	for (int i = 0; i < RENDERER_SLOTS; i++)
		if (spc_renderer->slot[i].dboid == MyDatabaseId && spc_renderer->slot[i].pid != 0)
		{
			values[0] = Int32GetDatum(spc_renderer->slot[i].pid);
			values[1] = TimestampTzGetDatum(spc_renderer->slot[i].started_at);
			values[2] = Int64GetDatum((int64) spc_renderer->slot[i].charts_drawn);
			running = true;
		}
	SpinLockRelease(&spc_renderer->mutex);
	if (running)
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
