/**
 * SQLite contenders: our `SqliteEventStore` and plain `node:sqlite` INSERTs into the same table
 * shape (same columns, same unique constraints, same WAL + synchronous setting), one transaction
 * per append. Emmett's SQLite store (`@event-driven-io/emmett-sqlite`) needs the `sqlite3` native
 * addon, which cannot be built or loaded here (see BENCHMARKS.md), so it is recorded as unavailable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteEventStore } from '@fengqiao/event-store';
import { evolveFold, initialFoldState, type BenchEventData, type FoldState } from '../lib/events';
import type { Session, Subject } from './subject';

export type Synchronous = 'FULL' | 'NORMAL';

export const EMMETT_SQLITE_UNAVAILABLE =
  '@event-driven-io/emmett-sqlite needs the `sqlite3` native addon (peer dependency ^5.1.7): npm here would compile it against the system Node 20 headers (or download a prebuilt binary, which this machine cannot fetch), so it cannot load in Node 24; not installed.';

function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function oursSqlite(synchronous: Synchronous): Subject {
  const temp = tempDir('fq-bench-ours-');
  return {
    kind: 'ours',
    label: `SqliteEventStore (WAL, synchronous=${synchronous}, group commit)`,
    async open(tag) {
      const file = join(temp.dir, `${tag}.db`);
      const store = new SqliteEventStore({ path: file, synchronous });
      return {
        file,
        async append(streamId, events, expectedRevision) {
          const r = await store.append(streamId, events, { expectedRevision: expectedRevision < 0 ? 'no_stream' : expectedRevision });
          return r.nextExpectedRevision;
        },
        async readAndFold(streamId) {
          const events = await store.readStream(streamId);
          let state = initialFoldState();
          for (const e of events) state = evolveFold(state, e.data as unknown as BenchEventData);
          return state;
        },
        async replayAll(pageSize, onPage) {
          let after = 0;
          let total = 0;
          for (;;) {
            const page = await store.readAll({ afterPosition: after, maxCount: pageSize });
            if (page.length === 0) return total;
            // read every event's data, as a projection does
            let sink = 0;
            for (const e of page) sink += (e.data as unknown as BenchEventData).seq;
            total += page.length + (sink & 0);
            after = page[page.length - 1].globalPosition;
            onPage?.(page.length);
          }
        },
        close: () => store.close(),
      };
    },
    async cleanup() {
      temp.remove();
    },
  };
}

/**
 * The version-1 table of `SqliteEventStore` (one column per envelope field), without the
 * append-only triggers: what the raw writer inserts into. Raw reads of the file our store loaded see
 * layout 2 (`content`, the canonical bytes) instead; `rawSession` reads whichever is there.
 */
const RAW_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL,
  schema_version INTEGER NOT NULL, occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, actor TEXT NOT NULL,
  correlation_id TEXT NOT NULL, causation_id TEXT NOT NULL, jurisdiction TEXT NOT NULL, legal_basis TEXT,
  data TEXT NOT NULL, hash TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);`;

const NO_HASH = '0'.repeat(64);

interface RawRow {
  global_position: number;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor: string;
  correlation_id: string;
  causation_id: string;
  jurisdiction: string;
  data: string;
  /** layout 2 (our store's file): the canonical bytes of the whole envelope, UTF-8 (a BLOB) */
  content?: Uint8Array | string;
}

/** The floor of the store's row → event work: parse the JSON the row holds, build nothing. */
function parseRow(r: RawRow): BenchEventData {
  const c = r.content;
  if (c !== undefined) {
    const text = typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8');
    return (JSON.parse(text) as { data: BenchEventData }).data;
  }
  JSON.parse(r.actor);
  JSON.parse(r.jurisdiction);
  return JSON.parse(r.data) as BenchEventData;
}

/** Raw baseline: prepared INSERTs in `BEGIN IMMEDIATE … COMMIT`, no checks, no hashing. */
export function rawSqlite(synchronous: Synchronous): Subject {
  const temp = tempDir('fq-bench-raw-');
  return {
    kind: 'raw',
    label: `node:sqlite INSERTs, one transaction per append (WAL, synchronous=${synchronous})`,
    async open(tag) {
      const db = new DatabaseSync(join(temp.dir, `${tag}.db`));
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`PRAGMA synchronous = ${synchronous}`);
      db.exec(RAW_SCHEMA);
      return rawSession(db);
    },
    async attach(file) {
      return rawSession(new DatabaseSync(file, { readOnly: true }), true);
    },
    async cleanup() {
      temp.remove();
    },
  };
}

function rawSession(db: DatabaseSync, readOnly = false): Session {
  const insert: StatementSync | undefined = readOnly
    ? undefined
    : db.prepare(
        `INSERT INTO events (id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id,
       causation_id, jurisdiction, legal_basis, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
  const stream = db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision ASC');
  const all = db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position ASC LIMIT ?');
  return {
    async append(streamId, events, expectedRevision) {
      if (!insert) throw new Error('read-only session');
      const recordedAt = new Date().toISOString();
      let revision = expectedRevision;
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const e of events) {
          revision += 1;
          insert.run(
            e.id,
            streamId,
            revision,
            e.type,
            e.schemaVersion,
            e.occurredAt,
            recordedAt,
            JSON.stringify(e.actor),
            e.correlationId,
            e.causationId,
            JSON.stringify(e.jurisdiction),
            e.legalBasis ?? null,
            JSON.stringify(e.data),
            NO_HASH,
          );
        }
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      return revision;
    },
    async readAndFold(streamId) {
      let state: FoldState = initialFoldState();
      for (const row of stream.all(streamId) as unknown as RawRow[]) state = evolveFold(state, parseRow(row));
      return state;
    },
    async replayAll(pageSize, onPage) {
      let after = 0;
      let total = 0;
      for (;;) {
        const rows = all.all(after, pageSize) as unknown as RawRow[];
        if (rows.length === 0) return total;
        let sink = 0;
        for (const r of rows) sink += parseRow(r).seq;
        total += rows.length + (sink & 0);
        after = rows[rows.length - 1].global_position;
        onPage?.(rows.length);
      }
    },
    async close() {
      db.close();
    },
  };
}

export function emmettSqlite(): Subject {
  return {
    kind: 'emmett',
    label: '@event-driven-io/emmett-sqlite',
    unavailable: EMMETT_SQLITE_UNAVAILABLE,
    open() {
      return Promise.reject(new Error(EMMETT_SQLITE_UNAVAILABLE));
    },
    async cleanup() {
      // nothing was created
    },
  };
}
