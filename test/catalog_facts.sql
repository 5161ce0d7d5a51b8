-- Everything the catalog says about the objects of spc and learning_network
-- (and learning_network_demo's membership),
-- one sorted line per fact and without OIDs, so two databases can be
-- compared with diff: an install updated from an earlier release must equal a
-- fresh install (test/roundtrip.sh).  Columns are compared by name, not
-- position.  pg_dump cannot serve here: it writes an extension's objects as
-- one CREATE EXTENSION line.
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('spc', 'learning_network', 'learning_network_internal')
), rel AS (
  SELECT c.*, n.nspname FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
), facts(fact) AS (
  SELECT format('schema %s owner=%s acl=%s comment=%s', n.nspname, s.nspowner::regrole, s.nspacl,
                obj_description(n.oid, 'pg_namespace'))
  FROM ns n JOIN pg_namespace s ON s.oid = n.oid
  UNION ALL
  SELECT format('extension %s version=%s schema=%s relocatable=%s config=%s condition=%s', e.extname, e.extversion,
                e.extnamespace::regnamespace, e.extrelocatable,
                (SELECT array_agg(x::regclass::text ORDER BY x::regclass::text) FROM unnest(e.extconfig) x),
                (SELECT array_agg(c ORDER BY c) FROM unnest(e.extcondition) c))
  FROM pg_extension e WHERE e.extname IN ('spc', 'learning_network', 'learning_network_demo')
  UNION ALL
  -- which extension each object belongs to
  SELECT format('member of %s: %s', e.extname, pg_describe_object(d.classid, d.objid, d.objsubid))
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname IN ('spc', 'learning_network', 'learning_network_demo')
  UNION ALL
  SELECT format('function %s kind=%s lang=%s result=%s volatile=%s strict=%s parallel=%s secdef=%s leakproof=%s cost=%s rows=%s config=%s owner=%s acl=%s source=%s comment=%s',
                p.oid::regprocedure, p.prokind, l.lanname, pg_get_function_result(p.oid), p.provolatile, p.proisstrict,
                p.proparallel, p.prosecdef, p.proleakproof, p.procost, p.prorows, p.proconfig, p.proowner::regrole,
                p.proacl, md5(coalesce(p.prosrc, '') || coalesce(pg_get_function_sqlbody(p.oid), '') || coalesce(p.probin, '')),
                obj_description(p.oid, 'pg_proc'))
  FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
  UNION ALL
  SELECT format('function %s argument defaults %s', p.oid::regprocedure, pg_get_function_arguments(p.oid))
  FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace
  UNION ALL
  SELECT format('aggregate %s kind=%s trans=%s final=%s combine=%s serial=%s deserial=%s state=%s init=%s finalextra=%s modify=%s',
                a.aggfnoid::regprocedure, a.aggkind, a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                a.aggdeserialfn, a.aggtranstype::regtype, a.agginitval, a.aggfinalextra, a.aggfinalmodify)
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN ns n ON n.oid = p.pronamespace
  UNION ALL
  SELECT format('type %s kind=%s owner=%s acl=%s comment=%s', t.oid::regtype, t.typtype, t.typowner::regrole, t.typacl,
                obj_description(t.oid, 'pg_type'))
  FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
  WHERE t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c')
  UNION ALL
  SELECT format('enum %s label %s at %s', e.enumtypid::regtype, e.enumlabel,
                rank() OVER (PARTITION BY e.enumtypid ORDER BY e.enumsortorder))
  FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN ns n ON n.oid = t.typnamespace
  UNION ALL
  SELECT format('relation %s.%s kind=%s owner=%s acl=%s options=%s rls=%s force_rls=%s persistence=%s comment=%s',
                r.nspname, r.relname, r.relkind, r.relowner::regrole, r.relacl, r.reloptions, r.relrowsecurity,
                r.relforcerowsecurity, r.relpersistence, obj_description(r.oid, 'pg_class'))
  FROM rel r WHERE r.relkind <> 'i'
  UNION ALL
  SELECT format('view %s.%s %s', r.nspname, r.relname, md5(pg_get_viewdef(r.oid)))
  FROM rel r WHERE r.relkind IN ('v', 'm')
  UNION ALL
  SELECT format('column %s.%s.%s type=%s notnull=%s default=%s identity=%s generated=%s collation=%s acl=%s comment=%s',
                r.nspname, r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, a.attcollation, a.attacl,
                col_description(r.oid, a.attnum))
  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
  WHERE r.relkind <> 'i'
  UNION ALL
  SELECT format('constraint %s on %s.%s: %s deferrable=%s deferred=%s validated=%s comment=%s', co.conname, r.nspname,
                r.relname, pg_get_constraintdef(co.oid), co.condeferrable, co.condeferred, co.convalidated,
                obj_description(co.oid, 'pg_constraint'))
  FROM pg_constraint co JOIN rel r ON r.oid = co.conrelid
  UNION ALL
  SELECT format('constraint %s on type %s: %s', co.conname, co.contypid::regtype, pg_get_constraintdef(co.oid))
  FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid JOIN ns n ON n.oid = t.typnamespace
  UNION ALL
  SELECT format('index %s', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN rel r ON r.oid = i.indrelid
  UNION ALL
  SELECT format('trigger %s enabled=%s comment=%s', pg_get_triggerdef(t.oid), t.tgenabled, obj_description(t.oid, 'pg_trigger'))
  FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL
  SELECT format('policy %s on %s.%s cmd=%s permissive=%s roles=%s using=%s check=%s comment=%s', p.polname, r.nspname,
                r.relname, p.polcmd, p.polpermissive,
                (SELECT array_agg(CASE WHEN x = 0 THEN 'public' ELSE x::regrole::text END ORDER BY 1) FROM unnest(p.polroles) x),
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                obj_description(p.oid, 'pg_policy'))
  FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
  UNION ALL
  SELECT format('rule %s on %s.%s: %s', rw.rulename, r.nspname, r.relname, md5(pg_get_ruledef(rw.oid)))
  FROM pg_rewrite rw JOIN rel r ON r.oid = rw.ev_class WHERE rw.rulename <> '_RETURN'
  UNION ALL
  SELECT format('sequence %s.%s type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s', r.nspname, r.relname,
                s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
  FROM pg_sequence s JOIN rel r ON r.oid = s.seqrelid
  UNION ALL
  SELECT format('event trigger %s on %s function=%s tags=%s enabled=%s owner=%s comment=%s', e.evtname, e.evtevent,
                e.evtfoid::regprocedure, e.evttags, e.evtenabled, e.evtowner::regrole,
                obj_description(e.oid, 'pg_event_trigger'))
  FROM pg_event_trigger e
  WHERE e.evtfoid IN (SELECT p.oid FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace)
  UNION ALL
  -- the privileges pg_dump takes as the extension's own (pg_init_privs)
  SELECT format('initial privileges of %s: %s', pg_describe_object(ip.classoid, ip.objoid, ip.objsubid), ip.initprivs)
  FROM pg_init_privs ip
  WHERE EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                WHERE d.classid = ip.classoid AND d.objid = ip.objoid AND d.deptype = 'e'
                  AND e.extname IN ('spc', 'learning_network', 'learning_network_demo'))
)
SELECT fact FROM facts ORDER BY fact COLLATE "C";
