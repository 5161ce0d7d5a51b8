/*
 * src/pg/drop_guard.c
 *
 * learning_network's drop guard: refuses to delete the table of weekly
 * observations while it holds rows, whatever statement asked for it
 * (DROP EXTENSION learning_network or spc CASCADE, built with EXECUTE or
 * not, DROP OWNED, ...), unless learning_network.allow_drop is on.
 *
 * Why a C hook and not an sql_drop event trigger: an event trigger that is a
 * member of the extension is deleted by DROP EXTENSION along with everything
 * else, before sql_drop would fire, and by then the table's rows can no
 * longer be counted.  PostgreSQL calls object_access_hook (OAT_DROP) for
 * every object a deletion is about to remove, before any is removed, so the
 * table is still there to be read and the error stops the statement.
 *
 * The hook is installed when the library is loaded; learning_network's
 * ddl_command_start event trigger calls spc_drop_guard_load() so it is loaded
 * before any DDL statement runs (DESIGN.md, "The drop guard").
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "chart_renderer.h"

void		_PG_init(void);

static object_access_hook_type previous_object_access_hook = NULL;

/* Rows of the table, read as the catalog sees it (row level security does
 * not apply to a raw scan, so every facility's weeks count). */
static int64
count_rows(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	int64		rows = 0;

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		rows++;
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return rows;
}

static bool
drop_allowed(void)
{
	const char *setting = GetConfigOption("learning_network.allow_drop", true, false);
	bool		on = false;

	return setting != NULL && parse_bool(setting, &on) && on;
}

static void
guard_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	if (previous_object_access_hook)
		previous_object_access_hook(access, classId, objectId, subId, arg);

	if (access == OAT_DROP && classId == RelationRelationId && subId == 0)
	{
		Oid			schema = get_namespace_oid("learning_network", true);
		char	   *name;

		if (!OidIsValid(schema) || get_rel_namespace(objectId) != schema ||
			get_rel_relkind(objectId) != RELKIND_RELATION)
			return;
		name = get_rel_name(objectId);
		if (name == NULL || strcmp(name, "observation") != 0 || drop_allowed())
			return;
		{
			int64		rows = count_rows(objectId);

			if (rows > 0)
				ereport(ERROR,
						(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
						 errmsg("learning_network holds " INT64_FORMAT " weeks of observations: dropping it would delete them",
								rows),
						 errhint("Dump the database first (pg_dump keeps every row). To drop anyway: SET learning_network.allow_drop = on.")));
		}
	}
}

void
_PG_init(void)
{
	previous_object_access_hook = object_access_hook;
	object_access_hook = guard_object_access;
	spc_chart_renderer_init();
}

PG_FUNCTION_INFO_V1(spc_drop_guard_load);

/* Called by learning_network's ddl_command_start event trigger: loading the
 * library is all it has to do (it installs the hook). */
Datum
spc_drop_guard_load(PG_FUNCTION_ARGS)
{
	PG_RETURN_NULL();
}
