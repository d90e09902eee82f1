-- GIN twins for FerretDB's indexes (run by deploy/local/postgres.sh at every start; idempotent).
--
-- FerretDB 1.24 pushes an equality on a top-level field down to PostgreSQL as
-- `(_jsonb -> 'field') @> 'value'`, but the indexes it creates are btree indexes on
-- `(_jsonb -> 'field')`, which cannot serve `@>`: every lookup, `_id` included, was a
-- sequential scan of the collection's table (EXPLAIN through FerretDB shows "Seq Scan").
-- For each FerretDB index this adds a GIN `jsonb_path_ops` index on the same expression of its
-- leading field, which serves `@>`: the lookups of the event store, inbox and checkpoints become
-- index scans, as they are on MongoDB. An event trigger adds the twin when FerretDB creates an
-- index; the catch-up at the end covers indexes created before. FerretDB does not know about the
-- twins (its own catalogue lists its indexes); dropping the collection drops them with the table.
CREATE OR REPLACE FUNCTION public.fq_twin_index(idx oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  tbl oid;
  am text;
  def text;
  field text;
  twin text;
BEGIN
  SELECT i.indrelid, a.amname, pg_get_indexdef(i.indexrelid)
    INTO tbl, am, def
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
   WHERE i.indexrelid = idx;
  IF am IS DISTINCT FROM 'btree' THEN
    RETURN; -- ours (gin), or not an index FerretDB made
  END IF;
  field := substring(def FROM $re$USING btree \(\(\(_jsonb -> '([^']+)'::text\)\)$re$);
  IF field IS NULL THEN
    RETURN;
  END IF;
  twin := 'fq_gin_' || substr(md5(tbl::text || '/' || field), 1, 24);
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = twin AND relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = tbl)) THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE INDEX %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)', twin, tbl::regclass, field);
END
$$;

CREATE OR REPLACE FUNCTION public.fq_twin_on_create_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM public.fq_twin_index(r.objid);
  END LOOP;
END
$$;

DROP EVENT TRIGGER IF EXISTS fq_twin_indexes;
CREATE EVENT TRIGGER fq_twin_indexes ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION public.fq_twin_on_create_index();

-- indexes FerretDB created before the trigger existed
SELECT count(public.fq_twin_index(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast');
