/*
 * src/pg/chart_renderer.h
 *
 * learning_network's chart renderer (DESIGN.md, "The chart renderer"): what
 * the requesting side (chart_renderer.c: the shared slots, the hooks, the SQL
 * functions) and the worker (chart_renderer_worker.c) share.
 */
#ifndef SPC_CHART_RENDERER_H
#define SPC_CHART_RENDERER_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "storage/dsm.h"
#include "storage/latch.h"
#include "storage/spin.h"
#include "utils/date.h"

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

/* The reply: this header, then each document present as its in-memory
 * datum, each starting MAXALIGNed (RENDERER_REPLY_DOC_SPACE) so the
 * requester passes them on where they lie. */
typedef struct RenderReplyHeader
{
	bool		drawn;
	DateADT		today;
	int64		data_version;
	int32		json_len;		/* -1: NULL */
	int32		svg_len;
} RenderReplyHeader;

#define RENDERER_REQUEST_SIZE MAXALIGN(sizeof(RenderRequest))
#define RENDERER_REPLY_HEADER_SIZE MAXALIGN(sizeof(RenderReplyHeader))
#define RENDERER_REPLY_DOC_SPACE(len) ((len) < 0 ? 0 : MAXALIGN(len))

/* A slot given to a database (a worker about to start) or freed (InvalidOid);
 * under the mutex.  Its generation and counters are kept. */
static inline void
renderer_slot_reset(RendererSlot *slot, Oid dboid)
{
	slot->dboid = dboid;
	slot->pid = 0;
	slot->latch = NULL;
	slot->busy = false;
	slot->exit_requested = false;
	slot->request = DSM_HANDLE_INVALID;
}

/* The slots, in shared memory (NULL when spc was not preloaded). */
extern RendererShared *spc_renderer;
/* spc.chart_renderer_idle_timeout, in seconds (0: no renderer). */
extern int	spc_renderer_idle_timeout;

/* Set up by _PG_init when spc is in shared_preload_libraries. */
extern void spc_chart_renderer_init(void);

/* The worker's entry point (a dynamic background worker). */
extern PGDLLEXPORT void spc_chart_renderer_main(Datum main_arg);

#endif
