/**
 * ReadStore for standalone mode (DESIGN §3): documents persisted in SQLite through `node:sqlite`,
 * queries evaluated with mingo over the collection's documents — the same MongoDB query objects
 * the mongodb adapter sends to the server, after the same validation.
 *
 * Storage. One table `read_documents (collection, id, revision, tombstone, json)`, primary key
 * (collection, id). The revision guard is ONE statement, `INSERT … ON CONFLICT DO UPDATE … WHERE
 * excluded.revision > revision`, so it holds across connections and processes sharing the file.
 * WAL journal; `synchronous = FULL` by default (a resolved write survives a power loss, so a view
 * never falls behind the consumer checkpoint that follows it); `NORMAL` is offered for rebuilds and
 * benchmarks. `':memory:'` works for tests.
 *
 * Reads. `find`, `count` and `aggregateCounts` load the collection's live documents and filter
 * them with mingo's `Query` (`$group` + `$sum` through mingo's `Aggregator`); sorting uses the
 * shared MongoDB order (`query/bson-order.ts`), skip/limit follow, projection last (mingo). Before
 * parsing, SQLite drops the rows that cannot match an equality or `$in` on a non-null scalar
 * (`prefilterOf`: the row's JSON must contain the value's JSON text — a superset, mingo decides).
 * A query without such a condition (`{}` sorted by time, ranges only) parses every document of the
 * collection: fine for one town or a small district (measured on a shared 2-core machine: 20 000
 * documents of ~1 KB, an equality on a 2 % slice ≈ 0.1–0.2 s, a full scan ≈ 1 s). `ensureIndexes`
 * records the specs (and rejects the same conflicts MongoDB does) but builds nothing, since no
 * read goes through SQLite indexes.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteGroupCommit, durableWrites } from '@fengqiao/event-store';
import { Aggregator, Query } from 'mingo';
import { sortDocuments, compareValues } from '../../query/bson-order';
import {
  assertCollectionName,
  assertExpectedRevision,
  assertGroupByField,
  assertId,
  assertRevision,
  indexConflict,
  indexNameOf,
  normaliseDocument,
  normaliseFindOptions,
  validateIndexSpecs,
  validateQuery,
  type NormalisedProjection,
} from '../../query/query-validation';
import type { CountByKey, DeleteOptions, FindOptions, IndexSpec, ReadDoc, ReadDocInput, ReadQuery, ReadStore, UpsertOptions } from '../../read-store.port';

export interface EmbeddedReadStoreOptions {
  /** File path, or `':memory:'`. */
  path: string;
  /** Default `'FULL'`; see the header comment. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another connection's lock, ms. Default 5000. */
  busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS read_documents (
  collection TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  revision   INTEGER NOT NULL,
  tombstone  INTEGER NOT NULL DEFAULT 0,
  json       TEXT,
  PRIMARY KEY (collection, id)
);
CREATE TABLE IF NOT EXISTS read_indexes (
  collection TEXT NOT NULL,
  name       TEXT NOT NULL,
  keys       TEXT NOT NULL,
  PRIMARY KEY (collection, name)
) WITHOUT ROWID;
`;

const GUARDED_WRITE = `
INSERT INTO read_documents (collection, id, revision, tombstone, json) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (collection, id) DO UPDATE
  SET revision = excluded.revision, tombstone = excluded.tombstone, json = excluded.json
  WHERE excluded.revision > read_documents.revision`;

/** `expectRevision`: replace only the live document at exactly that revision. */
const SWAP_WRITE = `UPDATE read_documents SET revision = ?, json = ? WHERE collection = ? AND id = ? AND tombstone = 0 AND revision = ?`;

type Doc = Record<string, unknown>;

export class EmbeddedReadStore implements ReadStore {
  private readonly db: DatabaseSync;
  private closed = false;
  /** Writes of one turn of the event loop share one transaction (one fsync); see SqliteGroupCommit. */
  private readonly writes: SqliteGroupCommit;
  /** Prepared prefilter queries by condition shape (the values are bound parameters). */
  private readonly prefilterStatements = new Map<string, StatementSync>();
  private readonly stmt: {
    write: StatementSync;
    swap: StatementSync;
    get: StatementSync;
    live: StatementSync;
    deleteOne: StatementSync;
    deleteAll: StatementSync;
    indexes: StatementSync;
    addIndex: StatementSync;
  };

  constructor(options: EmbeddedReadStoreOptions) {
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new Error('synchronous must be FULL or NORMAL');
    this.db = new DatabaseSync(options.path);
    this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (options.path !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
    // committed writes made durable off the event loop (an fsync of the WAL file): see wal-sync.ts
    const durability = durableWrites(this.db, options.path, synchronous);
    this.db.exec(SCHEMA);
    this.stmt = {
      write: this.db.prepare(GUARDED_WRITE),
      swap: this.db.prepare(SWAP_WRITE),
      get: this.db.prepare('SELECT json FROM read_documents WHERE collection = ? AND id = ? AND tombstone = 0'),
      live: this.db.prepare('SELECT json FROM read_documents WHERE collection = ? AND tombstone = 0'),
      deleteOne: this.db.prepare('DELETE FROM read_documents WHERE collection = ? AND id = ? RETURNING tombstone'),
      deleteAll: this.db.prepare('DELETE FROM read_documents WHERE collection = ?'),
      indexes: this.db.prepare('SELECT name, keys FROM read_indexes WHERE collection = ?'),
      addIndex: this.db.prepare('INSERT INTO read_indexes (collection, name, keys) VALUES (?, ?, ?)'),
    };
    this.writes = new SqliteGroupCommit(this.db, undefined, durability);
  }

  async upsert<T extends object>(collection: string, doc: ReadDocInput<T>, options: UpsertOptions): Promise<boolean> {
    this.assertOpen();
    assertCollectionName(collection);
    assertRevision(options?.revision);
    const expected = options.expectRevision;
    assertExpectedRevision(expected, options.revision);
    const { id, doc: fields } = normaliseDocument(doc);
    const json = JSON.stringify({ ...fields, _revision: options.revision });
    if (expected !== undefined) return this.writes.run(() => Number(this.stmt.swap.run(options.revision, json, collection, id, expected).changes) > 0);
    return this.writes.run(() => Number(this.stmt.write.run(collection, id, options.revision, 0, json).changes) > 0);
  }

  async get<T extends object = Doc>(collection: string, id: string): Promise<ReadDoc<T> | null> {
    this.assertOpen();
    assertCollectionName(collection);
    assertId(id);
    const row = this.stmt.get.get(collection, id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as ReadDoc<T>) : null;
  }

  async find<T extends object = Doc>(collection: string, query: ReadQuery, options?: FindOptions): Promise<ReadDoc<T>[]> {
    this.assertOpen();
    assertCollectionName(collection);
    validateQuery(query);
    const o = normaliseFindOptions(options);
    const sorted = sortDocuments(this.matching(collection, query), o.sort);
    const page = sorted.slice(o.skip, o.limit === undefined ? undefined : o.skip + o.limit);
    return (o.projection ? project(page, o.projection) : page) as ReadDoc<T>[];
  }

  async count(collection: string, query: ReadQuery): Promise<number> {
    this.assertOpen();
    assertCollectionName(collection);
    validateQuery(query);
    return this.matching(collection, query).length;
  }

  async delete(collection: string, id: string, options?: DeleteOptions): Promise<boolean> {
    this.assertOpen();
    assertCollectionName(collection);
    assertId(id);
    if (options?.revision !== undefined) {
      const revision = options.revision;
      assertRevision(revision);
      return this.writes.run(() => Number(this.stmt.write.run(collection, id, revision, 1, null).changes) > 0);
    }
    return this.writes.run(() => {
      const row = this.stmt.deleteOne.get(collection, id) as { tombstone: number } | undefined;
      return row !== undefined && row.tombstone === 0;
    });
  }

  async deleteAll(collection: string): Promise<void> {
    this.assertOpen();
    assertCollectionName(collection);
    await this.writes.run(() => this.stmt.deleteAll.run(collection));
  }

  async aggregateCounts(collection: string, query: ReadQuery, groupByField: string): Promise<CountByKey[]> {
    this.assertOpen();
    assertCollectionName(collection);
    validateQuery(query);
    assertGroupByField(groupByField);
    const groups = new Aggregator([{ $group: { _id: `$${groupByField}`, count: { $sum: 1 } } }]).run(this.matching(collection, query));
    return groups.map((g) => ({ key: g['_id'] === undefined ? null : g['_id'], count: g['count'] as number })).sort((a, b) => compareValues(a.key, b.key));
  }

  async ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    this.assertOpen();
    assertCollectionName(collection);
    validateIndexSpecs(specs);
    const existing = this.stmt.indexes.all(collection) as unknown as Array<{ name: string; keys: string }>;
    const toAdd: Array<[string, string]> = [];
    for (const spec of specs) {
      const name = indexNameOf(spec);
      const keys = JSON.stringify(Object.entries(spec.keys));
      const clash = existing.find((e) => (e.name === name) !== (e.keys === keys));
      if (clash) throw indexConflict(collection, spec, clash.name);
      if (!existing.some((e) => e.name === name)) {
        toAdd.push([name, keys]);
        existing.push({ name, keys });
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const [name, keys] of toAdd) this.stmt.addIndex.run(collection, name, keys);
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const closing = this.writes.close(); // commits what is queued now
    this.closed = true;
    this.db.close();
    await closing;
  }

  private matching(collection: string, query: ReadQuery): Doc[] {
    const pre = prefilterOf(query);
    const rows = (pre === undefined ? this.stmt.live.all(collection) : this.prefiltered(pre.sql).all(collection, ...pre.params)) as unknown as Array<{
      json: string;
    }>;
    const q = new Query(query, {});
    const out: Doc[] = [];
    for (const row of rows) {
      const doc = JSON.parse(row.json) as Doc;
      if (q.test(doc)) out.push(doc);
    }
    return out;
  }

  private prefiltered(condition: string): StatementSync {
    let stmt = this.prefilterStatements.get(condition);
    if (!stmt) {
      if (this.prefilterStatements.size >= 256) this.prefilterStatements.clear();
      stmt = this.db.prepare(`SELECT json FROM read_documents WHERE collection = ? AND tombstone = 0 AND (${condition})`);
      this.prefilterStatements.set(condition, stmt);
    }
    return stmt;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('EmbeddedReadStore is closed');
  }
}

interface Prefilter {
  sql: string;
  params: string[];
}

/**
 * A cheap SQL condition that every document matching the (validated) query satisfies — never
 * narrower than the query, so mingo still decides. Equality and `$in` on non-null scalars: the
 * document's JSON text must contain the value's JSON text (both written by JSON.stringify, so a
 * matching value appears verbatim, also inside arrays). Everything else adds no condition.
 */
export function prefilterOf(query: ReadQuery): Prefilter | undefined {
  const parts: Prefilter[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and') {
      for (const sub of value as ReadQuery[]) {
        const p = prefilterOf(sub);
        if (p) parts.push(p);
      }
    } else if (key === '$or') {
      const branches = (value as ReadQuery[]).map(prefilterOf);
      if (branches.every((b): b is Prefilter => b !== undefined)) parts.push(anyOf(branches));
    } else {
      const p = conditionPrefilter(value);
      if (p) parts.push(p);
    }
  }
  if (parts.length === 0) return undefined;
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
}

function conditionPrefilter(condition: unknown): Prefilter | undefined {
  if (condition !== null && typeof condition === 'object') {
    const ops = condition as Record<string, unknown>;
    if ('$eq' in ops) return conditionPrefilter(ops['$eq']);
    if ('$in' in ops && Array.isArray(ops['$in']) && ops['$in'].length > 0) {
      const each = ops['$in'].map(conditionPrefilter);
      return each.every((p): p is Prefilter => p !== undefined) ? anyOf(each) : undefined;
    }
    return undefined;
  }
  if (condition === null || condition === undefined) return undefined; // null also matches a missing field
  return { sql: 'instr(json, ?) > 0', params: [JSON.stringify(condition)] };
}

function anyOf(parts: Prefilter[]): Prefilter {
  return { sql: parts.map((p) => `(${p.sql})`).join(' OR '), params: parts.flatMap((p) => p.params) };
}

function project(docs: Doc[], projection: NormalisedProjection): Doc[] {
  if (projection.paths.length === 0) return docs.map((d) => ({ _id: d['_id'], _revision: d['_revision'] }));
  const spec: Record<string, 0 | 1> =
    projection.mode === 'include'
      ? Object.fromEntries([...projection.paths.map((p) => [p, 1] as const), ['_revision', 1] as const])
      : Object.fromEntries(projection.paths.map((p) => [p, 0] as const));
  return new Query<Doc>({}, {}).find<Doc>(docs, spec).all();
}
