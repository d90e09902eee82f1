/**
 * EventStore on SQLite through `node:sqlite` (embedded / standalone mode, DESIGN §3).
 *
 * Durability. The database runs in WAL mode with `synchronous = FULL` (default): COMMIT returns only
 * after the WAL has been fsync'ed, so a resolved append survives kill -9 of the process *and* a
 * power loss or OS crash. `synchronous = NORMAL` (option) also survives kill -9 — the committed
 * frames are in the WAL file in the OS page cache, which outlives the process — but the last
 * transactions may roll back on power loss; it is offered for benchmarks and throw-away data, not
 * as the default for an audit store.
 *
 * Group commit. `append` only queues the request; the queue is flushed once per turn of the event
 * loop (setImmediate) in ONE write transaction (one fsync) in which every append runs in its own
 * SAVEPOINT, so one append's conflict does not undo its neighbours'. Each promise resolves after
 * the COMMIT, so no caller sees success before its events are durable. With 16 concurrent writers
 * the fsync cost is shared by up to 16 appends. A batch of a single append skips the SAVEPOINT (the
 * transaction is its own rollback unit).
 *
 * Order. `globalPosition` is the INTEGER PRIMARY KEY AUTOINCREMENT (rowid). Every write transaction
 * is `BEGIN IMMEDIATE` and holds SQLite's single write lock from allocation to commit, so positions
 * become visible in increasing order, also with several processes on one file: `readAll` never
 * skips. Uniqueness: (stream_id, revision) and (id). UPDATE and DELETE on the table are refused by
 * triggers: the store is append-only.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { systemClock, type Actor, type Clock } from '@fengqiao/kernel';
import {
  DEFAULT_READ_ALL_MAX_COUNT,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type StreamRevision,
} from '../../event-store.port';
import {
  EMPTY_HEAD,
  checkExpectedRevision,
  decodeData,
  encodeEvents,
  matchIdempotentAppend,
  maxCountOf,
  normaliseExpected,
  normaliseReadStream,
  toSafeInteger,
  validateNewEvents,
  assertStreamId,
  type StreamHead,
} from '../../envelope';

export interface SqliteEventStoreOptions {
  /** File path, or `':memory:'` for tests that need no durability. */
  path: string;
  /** Default `'FULL'`; see the header comment. */
  synchronous?: 'FULL' | 'NORMAL';
  clock?: Clock;
  /** Upper bound of appends committed together. Default 256. */
  maxBatch?: number;
  /** How long a write waits for another process's lock, ms. Default 5000. */
  busyTimeoutMs?: number;
}

interface Row {
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
  legal_basis: string | null;
  data: string;
  hash: string;
  trace_parent: string | null;
}

interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ReturnType<typeof normaliseExpected>;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  revision        INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  schema_version  INTEGER NOT NULL,
  occurred_at     TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  actor           TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  causation_id    TEXT    NOT NULL,
  jurisdiction    TEXT    NOT NULL,
  legal_basis     TEXT,
  data            TEXT    NOT NULL,
  hash            TEXT    NOT NULL,
  trace_parent    TEXT,
  UNIQUE (stream_id, revision)
);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`;

const COLUMNS =
  'global_position, id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, jurisdiction, legal_basis, data, hash, trace_parent';

export class SqliteEventStore implements EventStore {
  private readonly db: DatabaseSync;
  private readonly clock: Clock;
  private readonly maxBatch: number;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly stmt: {
    head: StatementSync;
    insert: StatementSync;
    byId: StatementSync;
    streamForward: StatementSync;
    streamBackward: StatementSync;
    all: StatementSync;
  };

  constructor(options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxBatch = options.maxBatch ?? 256;
    this.db = new DatabaseSync(options.path);
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new Error(`synchronous must be FULL or NORMAL`);
    this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (options.path !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(`PRAGMA synchronous = ${synchronous}`);
    this.db.exec('PRAGMA temp_store = MEMORY');
    this.db.exec(SCHEMA);
    // stores made before traces: the trace context column (metadata, outside the hash) is added once
    const columns = this.db.prepare('PRAGMA table_info(events)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'trace_parent')) this.db.exec('ALTER TABLE events ADD COLUMN trace_parent TEXT');
    this.stmt = {
      head: this.db.prepare('SELECT revision, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
      insert: this.db.prepare(
        `INSERT INTO events (id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id,
           causation_id, jurisdiction, legal_basis, data, hash, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byId: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ?`),
      streamForward: this.db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      streamBackward: this.db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      all: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position ASC LIMIT ?`),
    };
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    try {
      this.assertOpen();
      validateNewEvents(streamId, events);
      const expected = normaliseExpected(options.expectedRevision);
      return new Promise<AppendResult>((resolve, reject) => {
        this.queue.push({ streamId, events, expected, resolve, reject });
        this.scheduleFlush();
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.assertOpen();
    assertStreamId(streamId);
    const o = normaliseReadStream(options);
    const limit = o.maxCount ?? -1; // SQLite: a negative LIMIT is no limit
    const rows =
      o.direction === 'forward'
        ? this.stmt.streamForward.all(streamId, o.fromRevision ?? 0, limit)
        : this.stmt.streamBackward.all(streamId, o.fromRevision ?? Number.MAX_SAFE_INTEGER, limit);
    return (rows as unknown as Row[]).map(toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const after = options.afterPosition === undefined ? 0 : toSafeInteger(options.afterPosition, 'afterPosition');
    const maxCount = maxCountOf(options.maxCount) ?? DEFAULT_READ_ALL_MAX_COUNT;
    return (this.stmt.all.all(after, maxCount) as unknown as Row[]).map(toEvent);
  }

  async streamRevision(streamId: string): Promise<StreamRevision> {
    this.assertOpen();
    assertStreamId(streamId);
    return this.head(streamId).revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    this.db.close();
  }

  // -------------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('SqliteEventStore is closed');
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.closed) this.flush();
    });
  }

  /**
   * Commits queued appends in one transaction, one SAVEPOINT each; settles their promises after
   * COMMIT. A batch of one append needs no SAVEPOINT: its failure rolls the whole transaction back.
   */
  private flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      if (batch.length === 1) {
        this.flushOne(batch[0]);
        continue;
      }
      const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
      try {
        const recordedAt = this.clock.now().toISOString();
        for (const p of batch) {
          this.db.exec('SAVEPOINT append');
          try {
            const result = this.applyAppend(p, recordedAt);
            this.db.exec('RELEASE append');
            outcomes.push({ ok: true, result });
          } catch (error) {
            this.db.exec('ROLLBACK TO append');
            this.db.exec('RELEASE append');
            outcomes.push({ ok: false, error });
          }
        }
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        for (const p of batch) p.reject(error);
        continue;
      }
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o.ok) p.resolve(o.result);
        else p.reject(o.error);
      });
    }
  }

  /** The transaction is open; runs one append in it and commits, or rolls it back and rejects. */
  private flushOne(p: PendingAppend): void {
    let result: AppendResult;
    try {
      result = this.applyAppend(p, this.clock.now().toISOString());
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      p.reject(error);
      return;
    }
    p.resolve(result);
  }

  /** Runs inside the write transaction: SQLite's write lock makes head → insert atomic. */
  private applyAppend(p: PendingAppend, recordedAt: string): AppendResult {
    const stored = p.events.map((e) => this.stmt.byId.get(e.id) as Row | undefined).filter((r): r is Row => r !== undefined);
    const replay = matchIdempotentAppend(p.streamId, p.events, p.expected, stored.map(toEvent));
    if (replay) return replay;
    const head = this.head(p.streamId);
    checkExpectedRevision(p.streamId, p.expected, head.revision);
    const built = encodeEvents(p.streamId, p.events, head, recordedAt);
    let lastPosition = 0;
    for (const { event: e, dataJson } of built) {
      const r = this.stmt.insert.run(
        e.id,
        e.streamId,
        e.revision,
        e.type,
        e.schemaVersion,
        e.occurredAt,
        e.recordedAt,
        JSON.stringify(e.actor),
        e.correlationId,
        e.causationId,
        JSON.stringify(e.jurisdiction),
        e.legalBasis ?? null,
        dataJson,
        e.hash,
        e.traceparent ?? null,
      );
      lastPosition = Number(r.lastInsertRowid);
    }
    return {
      streamId: p.streamId,
      firstRevision: built[0].event.revision,
      nextExpectedRevision: built[built.length - 1].event.revision,
      lastPosition,
    };
  }

  private head(streamId: string): StreamHead {
    const row = this.stmt.head.get(streamId) as { revision: number; hash: string } | undefined;
    return row ? { revision: row.revision, hash: row.hash } : EMPTY_HEAD;
  }
}

function toEvent(r: Row): StoredEvent {
  const event: StoredEvent = {
    id: r.id,
    type: r.type,
    schemaVersion: r.schema_version,
    streamId: r.stream_id,
    revision: r.revision,
    globalPosition: r.global_position,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    actor: JSON.parse(r.actor) as Actor,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    jurisdiction: JSON.parse(r.jurisdiction) as string[],
    data: decodeData(r.data),
    hash: r.hash,
  };
  if (r.legal_basis !== null) event.legalBasis = r.legal_basis;
  if (r.trace_parent !== null && r.trace_parent !== undefined) event.traceparent = r.trace_parent;
  return event;
}
