import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';

/**
 * deploy/local's PostgreSQL (FerretDB's backend) answers FerretDB's `_id` lookups from an index, even
 * in a small, analysed table of large documents and through a prepared statement run many times
 * (issue 15: a third of the views' `_id` lookups in a benchmark run were sequential scans, each
 * decompressing every row of its table). The table is made as FerretDB makes a collection's: one
 * `jsonb` column and a unique btree index on `_jsonb->'_id'`, to which postgres-twin-indexes.sql's
 * trigger adds the GIN twin that serves `@>`; the queries are FerretDB's, field name and value as
 * parameters. Runs through `deploy/local/postgres.sh psql`, so it needs that server (`.ci/run` starts it).
 */
const root = resolve(__dirname, '..', '..', '..');
const script = join(root, 'deploy', 'local', 'postgres.sh');
const ci = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const running = spawnSync('bash', [script, 'status'], { stdio: 'ignore' }).status === 0;

function psql(sql: string): string {
  const r = spawnSync('bash', [script, 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1'], { input: sql, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`psql failed (${String(r.status)}): ${r.stderr}`);
  return r.stdout;
}

const TITLE = 'the local PostgreSQL under FerretDB';
const NOT_RUNNING = "deploy/local's PostgreSQL is not running (bash deploy/local/servers.sh start)";
// skipped outside CI without the server, and saying so; with CI=true it must run (beforeAll fails)
if (!running && !ci) process.stderr.write(`[fengqiao] skipping "${TITLE}": ${NOT_RUNNING}\n`);
const suite = running || ci ? describe : describe.skip;

suite(running || ci ? TITLE : `${TITLE} — skipped: ${NOT_RUNNING}`, () => {
  const schema = `fq_plan_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const table = `"${schema}".views_0a1b2c3d`;

  beforeAll(() => {
    if (!running) throw new Error(`CI=true and ${NOT_RUNNING}: .ci/run starts it`);
    // 40 documents of about 8 kB of distinct text, as a case view with FerretDB's schema is: TOASTed
    psql(`
      CREATE SCHEMA "${schema}";
      CREATE TABLE ${table} (_jsonb jsonb);
      CREATE UNIQUE INDEX ON ${table} ((_jsonb->'_id'));
      INSERT INTO ${table}
        SELECT jsonb_build_object('_id', 'case-' || i, 'timeline',
                 (SELECT jsonb_agg(jsonb_build_object('at', j, 'label', md5(i || '/' || j) || md5(j || '/' || i) || md5(random()::text)))
                    FROM generate_series(1, 60) j))
          FROM generate_series(1, 40) i;
      ANALYZE ${table};
    `);
  }, 120_000);

  afterAll(() => {
    if (running) psql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE;`);
  });

  const scans = (plan: string) => plan.split('\n').filter((line) => line.includes('Seq Scan'));

  it('stores those documents compressed outside the table, as FerretDB’s views are', () => {
    expect(psql(`SELECT pg_relation_size('${table}') < pg_total_relation_size('${table}') / 4;`).trim()).toBe('t');
  });

  it('finds one by `_id` with an index scan, not a sequential scan of the table', () => {
    const plan = psql(`EXPLAIN SELECT _jsonb FROM ${table} WHERE _jsonb->'_id' @> '"case-7"';`);
    expect(scans(plan)).toEqual([]);
    expect(plan).toMatch(/Index Scan/);
  });

  it('keeps the index when a connection runs FerretDB’s prepared lookup again and again (its generic plan cannot use it)', () => {
    const runs = Array.from({ length: 10 }, (_, i) => `EXECUTE lookup('_id', '"case-${i + 1}"');`).join('\n');
    const out = psql(`
      PREPARE lookup(text, jsonb) AS SELECT _jsonb->>'_id' FROM ${table} WHERE _jsonb->$1 @> $2;
      ${runs}
      EXPLAIN EXECUTE lookup('_id', '"case-7"');
    `);
    const plan = out.slice(out.indexOf('\n', out.lastIndexOf('case-10')) + 1);
    expect(scans(plan)).toEqual([]);
    expect(plan).toMatch(/Index Scan/);
  });
});
