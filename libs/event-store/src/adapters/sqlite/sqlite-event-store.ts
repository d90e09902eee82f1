/**
 * EventStore on SQLite through `node:sqlite` (embedded / standalone mode, DESIGN §3).
 *
 * Durability. `synchronous: 'FULL'` (default): an append resolves only after the WAL holding it
 * has been fsync'ed, so a resolved append survives kill -9 of the process *and* a power loss or OS
 * crash. The connection runs at SQLite's `synchronous = NORMAL` and the store fsyncs the WAL itself
 * (`WalSync`): on the event loop after COMMIT while no other fsync of the process is running (a
 * lone writer pays what SQLite's FULL costs), else in libuv's thread pool, so that a busy service's
 * requests do not all wait for the disk on each commit (issue 15: 8 % of the standalone process's
 * main thread at 130 cases/s); batches committed while one runs share the next.
 *
 * Committed rows are visible to every reader of the file at once, before their fsync. So a read
 * (`readAll`, `readStream`, `streamRevision`) that finds rows past the last position known durable
 * waits for an fsync begun after it found them before it answers (`durableUpTo`): no relay
 * publishes, and no command decides on, an event that a power loss could still undo, and `readAll`
 * and `readStream` always agree (the auditor compares them). That also covers rows of another
 * process on the same file that it had not synced yet, and what a process that died before its
 * fsync left in the WAL. Without a WAL (`:memory:`, a file system without WAL support) SQLite
 * fsyncs at COMMIT. `synchronous: 'NORMAL'` (option) skips the fsync: it also survives kill -9 —
 * the committed frames are in the WAL file in the OS page cache, which outlives the process — but
 * the last transactions may roll back on power loss; it is offered for benchmarks and throw-away
 * data, not as the default for an audit store.
 *
 * Group commit. `append` only queues the request; the queue is flushed once per turn of the event
 * loop (setImmediate) in ONE write transaction (one fsync) in which every append runs in its own
 * SAVEPOINT, so one append's conflict does not undo its neighbours'. Each promise resolves after
 * the COMMIT and its fsync, so no caller sees success before its events are durable. With 16
 * concurrent writers the fsync cost is shared by up to 16 appends. A batch of a single append skips the SAVEPOINT (the
 * transaction is its own rollback unit).
 *
 * Order. `globalPosition` is the INTEGER PRIMARY KEY AUTOINCREMENT (rowid). Every write transaction
 * is `BEGIN IMMEDIATE` and holds SQLite's single write lock from allocation to commit, so positions
 * become visible in increasing order, also with several processes on one file: `readAll` never
 * skips. Uniqueness: (stream_id, revision) and (id). UPDATE and DELETE on the table are refused by
 * triggers: the store is append-only.
 *
 * Layout (version 2, issue 15). A row holds the indexed columns (position, id, stream, revision),
 * the hash, and `content`: the RFC 8785 JSON of the hashed content in UTF-8 (a BLOB), i.e. the exact
 * bytes the hash covers, stored once. A read builds the event from those bytes (one JSON.parse of the
 * whole content) and attaches them (`integrity/stored-bytes.ts`), so chain
 * verification hashes them instead of re-canonicalising; the indexed columns must agree with the
 * bytes, otherwise the event carries the column values and no bytes, and verifies the slow way
 * (and fails, since its hash no longer matches). A file in the version-1 layout (one column per
 * envelope field, `data` separately) is migrated when it is opened: see `migrateFromV1`.
 *
 * Reads. A `readAll` page is one statement row (SQLite joins the page's columns; every event is
 * parsed from its own slice and keeps a copy of its own bytes): `sqlite-page.ts`. Stream reads,
 * pages in doubt and reads at the end of the log (a relay or projection tailing it, where the page
 * statement's fixed cost is two to three times a row read's) go row by row. After `readAll` hands
 * out a full page (256 or more events, file stores), the next page may be read on a worker thread while the caller works on this one:
 * `sqlite-read-ahead.ts`.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import canonicalize from 'canonicalize';
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
import { canonicalEnvelope } from '../../integrity/hash-chain';
import { PAGE_SQL, eventOfRow, eventsOfPage, unpackPage, type PageRow } from './sqlite-page';
import { SqliteReadAhead } from './sqlite-read-ahead';
import { durableWrites, fsyncsRunning, type WalSync } from './wal-sync';

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
  /**
   * Read the next page of `readAll` on a worker thread while the caller works on this one (file
   * stores, pages of 256 or more; see `sqlite-read-ahead.ts`). `'auto'` (default): only while the
   * load average leaves a core idle; `true`: always; `false`: never.
   */
  readAhead?: boolean | 'auto';
}

interface Row {
  global_position: number;
  id: string;
  stream_id: string;
  revision: number;
  hash: string;
  /**
   * RFC 8785 JSON of the hashed content in UTF-8: the bytes `hash` covers. A BLOB, so reads hand
   * out the bytes (hashed as they are) and decode them once; text written by hand reads as a string.
   */
  content: Uint8Array | string;
  /** the W3C trace context of the append (metadata outside the hash); null before traces */
  trace_parent?: string | null;
}

/** A row of `COLUMNS` as an array (statements that return arrays), in the order of `COLUMNS`. */
type RowArray = [number, string, string, number, string, Uint8Array | string, string | null];

/** A row of the version-1 layout (one column per envelope field), read only to migrate it. */
interface RowV1 {
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

/** Layout version, kept in `PRAGMA user_version`. */
export const SQLITE_LAYOUT_VERSION = 2;

const TABLE = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  revision        INTEGER NOT NULL,
  hash            TEXT    NOT NULL,
  content         BLOB    NOT NULL,
  trace_parent    TEXT,
  UNIQUE (stream_id, revision)
);`;

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`;

// `content` as stored (a BLOB): the bytes are decoded in JS (faster than node:sqlite's text
// conversion) and kept for chain verification, which hashes them as they are (issue 15)
const COLUMNS = 'global_position, id, stream_id, revision, hash, content, trace_parent';
const READ_ALL_SQL = `SELECT ${COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position ASC LIMIT ?`;
/** A `readAll` starting this close to the end the store knows of reads row by row (see `readAll`). */
const TAIL_ROWS = 8;

export class SqliteEventStore implements EventStore {
  private readonly db: DatabaseSync;
  private readonly clock: Clock;
  private readonly maxBatch: number;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /**
   * The highest position this store has written or read (or found at open): another process may
   * have appended beyond it, so it only chooses how a `readAll` reads, never what it returns.
   */
  private knownEnd: number;
  /** `readAll` pages read as one row (`sqlite-page.ts`) and row by row (tests, diagnostics). */
  readonly stats = { pageReads: 0, rowReads: 0 };
  private readonly readAhead: SqliteReadAhead | undefined;
  /** fsyncs the WAL off the event loop (durable appends on a WAL file); undefined: SQLite's own fsync at COMMIT, or none (NORMAL) */
  private readonly walSync: WalSync | undefined;
  /** every position up to this one is durable (fsynced); with no `walSync`, every position is */
  private durablePosition = Number.MAX_SAFE_INTEGER;
  private readonly stmt: {
    head: StatementSync;
    insert: StatementSync;
    byId: StatementSync;
    streamForward: StatementSync;
    streamBackward: StatementSync;
    all: StatementSync;
    page: StatementSync;
    countAfter: StatementSync;
  };

  constructor(options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxBatch = options.maxBatch ?? 256;
    this.db = new DatabaseSync(options.path);
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new Error(`synchronous must be FULL or NORMAL`);
    this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (options.path !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
    this.walSync = durableWrites(this.db, options.path, synchronous);
    this.db.exec('PRAGMA temp_store = MEMORY');
    openLayout(this.db);
    // stores made before traces: the trace context column (metadata, outside the hash) is added once
    const columns = this.db.prepare('PRAGMA table_info(events)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'trace_parent')) this.db.exec('ALTER TABLE events ADD COLUMN trace_parent TEXT');
    this.stmt = {
      head: this.db.prepare('SELECT revision, hash, global_position AS position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
      insert: this.db.prepare('INSERT INTO events (id, stream_id, revision, hash, content, trace_parent) VALUES (?, ?, ?, ?, ?, ?)'),
      byId: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ?`),
      streamForward: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`),
      streamBackward: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`),
      all: this.db.prepare(READ_ALL_SQL),
      page: this.db.prepare(PAGE_SQL),
      countAfter: this.db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE global_position > ? LIMIT ?)'),
    };
    this.stmt.all.setReturnArrays(true);
    this.stmt.page.setReturnArrays(true);
    this.knownEnd = (this.db.prepare('SELECT max(global_position) AS p FROM events').get() as { p: number | null }).p ?? 0;
    if (this.walSync) {
      // what is visible now (a process before this one may have died before its fsync) is made
      // durable before anything here reads it; later rows are synced when a read finds them
      this.walSync.syncNow();
      this.durablePosition = this.knownEnd;
    }
    if (options.path !== ':memory:' && options.readAhead !== false) {
      this.readAhead = new SqliteReadAhead(options.path, Math.trunc(options.busyTimeoutMs ?? 5000), options.readAhead === true ? 'always' : 'auto');
    }
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
    const events = (rows as unknown as Row[]).map(toEvent);
    let last = 0;
    for (const e of events) if (e.globalPosition > last) last = e.globalPosition;
    await this.durableUpTo(last);
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const after = options.afterPosition === undefined ? 0 : toSafeInteger(options.afterPosition, 'afterPosition');
    const maxCount = maxCountOf(options.maxCount) ?? DEFAULT_READ_ALL_MAX_COUNT;
    const ahead = this.readAhead ? await this.readAhead.take(after, maxCount) : undefined;
    this.assertOpen();
    if (ahead) {
      this.readAhead?.start(ahead.positions[ahead.count - 1], maxCount);
      return this.handOut(eventsOfPage(ahead));
    }
    // at (or a few rows before) the end this store knows of, as a relay or projection tailing the
    // log reads: row by row, which costs a third of the page statement for no row and half for one
    if (after + TAIL_ROWS >= this.knownEnd) return this.handOut(this.readAllByRow(after, maxCount));
    // the page as one row (`sqlite-page.ts`); row by row only when that page is in doubt
    const row = this.stmt.page.get(after, maxCount) as PageRow | undefined;
    if (row === undefined || !row[0]) return [];
    const page = unpackPage(row);
    if (page) {
      if (page.count === maxCount) this.readAhead?.start(page.positions[page.count - 1], maxCount);
      this.stats.pageReads++;
      return this.handOut(eventsOfPage(page));
    }
    return this.handOut(this.readAllByRow(after, maxCount));
  }

  /**
   * Counted on the primary key alone: no content read, no event built, no page read ahead. What is
   * visible, durable or not yet (a count of how far behind a reader is, not events to act on).
   */
  async countAfter(afterPosition: number, limit: number): Promise<number> {
    this.assertOpen();
    const after = toSafeInteger(afterPosition, 'afterPosition');
    const max = maxCountOf(limit, 'limit') ?? 0;
    return (this.stmt.countAfter.get(after, max) as { n: number }).n;
  }

  async streamRevision(streamId: string): Promise<StreamRevision> {
    this.assertOpen();
    assertStreamId(streamId);
    const head = this.head(streamId);
    await this.durableUpTo(head.position);
    return head.revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    await this.readAhead?.close();
    await this.walSync?.close(); // the appends committed last settle once their fsync is done
    this.db.close();
  }

  /**
   * Resolves once every position up to `position` (found by a read just now, so visible: committed
   * to the WAL in the page cache, with every position before it) is durable: at once when it is
   * known to be, else after an fsync of the WAL that began after this call (shared with the appends
   * and reads waiting meanwhile). Without a `walSync` every position is durable when visible.
   */
  private durableUpTo(position: number): Promise<void> | undefined {
    if (position <= this.durablePosition || !this.walSync) return undefined;
    return this.walSync.sync().then(() => this.markDurable(position));
  }

  private markDurable(position: number): void {
    if (position > this.durablePosition) this.durablePosition = position;
  }

  // -------------------------------------------------------------------------------------------

  /** A page row by row (rows as arrays: node:sqlite builds no object per row). */
  private readAllByRow(after: number, maxCount: number): StoredEvent[] {
    this.stats.rowReads++;
    const rows = this.stmt.all.all(after, maxCount) as unknown as RowArray[];
    if (rows.length > 0 && rows.length === maxCount) this.readAhead?.start(rows[rows.length - 1][0], maxCount);
    const out = new Array<StoredEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = eventOfRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    }
    return out;
  }

  /**
   * `events` (a `readAll` page, in position order) once they are durable (`durableUpTo`), after
   * noting the last position among them as known.
   */
  private async handOut(events: StoredEvent[]): Promise<StoredEvent[]> {
    const last = events.length > 0 ? events[events.length - 1].globalPosition : 0;
    if (last > this.knownEnd) this.knownEnd = last;
    await this.durableUpTo(last);
    return events;
  }

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
      let last = 0;
      for (const o of outcomes) if (o.ok && o.result.lastPosition > last) last = o.result.lastPosition;
      this.settleDurable(batch, last, () =>
        batch.forEach((p, i) => {
          const o = outcomes[i];
          if (o.ok) p.resolve(o.result);
          else p.reject(o.error);
        }),
      );
    }
  }

  /**
   * Settles a committed batch whose appends wrote or found events up to `lastPosition`: at once
   * where COMMIT itself was durable (SQLite's fsync, or none asked for) or after an fsync of the WAL
   * here (no other fsync of the process running), else after one in the thread pool that began after
   * the COMMIT (the event loop goes on meanwhile; reads that find the batch's rows wait for it too).
   * A failed fsync rejects the batch's appends: their events may or may not survive a power loss,
   * and an append retried with the same event ids finds them and settles after the next fsync.
   */
  private settleDurable(batch: readonly PendingAppend[], lastPosition: number, settle: () => void): void {
    if (!this.walSync) return settle();
    if (fsyncsRunning() === 0) {
      // nothing else in the process waits for the disk (a lone writer): sync here, as SQLite's FULL
      // would, without the thread pool's hop (~0.05 ms more per sequential append)
      try {
        this.walSync.syncNow();
      } catch (error) {
        for (const p of batch) p.reject(error);
        return;
      }
      this.markDurable(lastPosition);
      return settle();
    }
    const durable = this.durableUpTo(lastPosition);
    if (!durable) return settle();
    durable.then(settle, (error: unknown) => {
      for (const p of batch) p.reject(error);
    });
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
    this.settleDurable([p], result.lastPosition, () => p.resolve(result));
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
    for (const { event: e, canonical } of built) {
      const r = this.stmt.insert.run(e.id, e.streamId, e.revision, e.hash, Buffer.from(canonical, 'utf8'), e.traceparent ?? null);
      lastPosition = Number(r.lastInsertRowid);
      if (lastPosition > this.knownEnd) this.knownEnd = lastPosition;
    }
    return {
      streamId: p.streamId,
      firstRevision: built[0].event.revision,
      nextExpectedRevision: built[built.length - 1].event.revision,
      lastPosition,
    };
  }

  /** The stream's last revision and hash (`EMPTY_HEAD` without a stream), and that event's position (0 without). */
  private head(streamId: string): StreamHead & { position: number } {
    const row = this.stmt.head.get(streamId) as { revision: number; hash: string; position: number } | undefined;
    return row ? { revision: row.revision, hash: row.hash, position: row.position } : { ...EMPTY_HEAD, position: 0 };
  }
}

/** The event of a row (`sqlite-page.ts`). */
function toEvent(r: Row): StoredEvent {
  return eventOfRow(r.global_position, r.id, r.stream_id, r.revision, r.hash, r.content, r.trace_parent);
}

// ---------------------------------------------------------------------------------------------
// Layout

function columnsOf(db: DatabaseSync): string[] {
  return (db.prepare('PRAGMA table_info(events)').all() as Array<{ name: string }>).map((c) => c.name);
}

/**
 * Creates the table on a new file, migrates a version-1 file, and (re)creates the triggers. Runs in
 * one write transaction, so two processes opening the same old file migrate it once.
 */
function openLayout(db: DatabaseSync): void {
  const columns = columnsOf(db);
  if (columns.includes('content')) {
    db.exec(TRIGGERS);
    return;
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    const now = columnsOf(db); // another process may have migrated it meanwhile
    if (now.length === 0) db.exec(TABLE);
    else if (!now.includes('content')) {
      if (!now.includes('data')) throw new Error(`events table has an unknown layout (columns ${now.join(', ')})`);
      migrateFromV1(db);
    }
    db.exec(TRIGGERS);
    db.exec(`PRAGMA user_version = ${SQLITE_LAYOUT_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Version 1 → 2, inside the caller's transaction: each row's `content` is the canonical JSON of
 * the event the version-1 reader returned (its columns, `data` parsed and re-canonicalised), so
 * every row hashes exactly as it verified before: an intact row still verifies, an edited one
 * still fails. Positions, ids, hashes and the AUTOINCREMENT counter are kept.
 */
function migrateFromV1(db: DatabaseSync): void {
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number } | undefined;
  db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
  db.exec(TABLE.replace('CREATE TABLE IF NOT EXISTS events', 'CREATE TABLE events_v2'));
  const insert = db.prepare('INSERT INTO events_v2 (global_position, id, stream_id, revision, hash, content, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const rows = db.prepare('SELECT * FROM events ORDER BY global_position').iterate() as Iterable<RowV1>;
  for (const r of rows) {
    const dataJson = canonicalize(JSON.parse(r.data));
    if (dataJson === undefined) throw new Error(`event at position ${r.global_position}: data is not JSON`);
    const event = {
      id: r.id,
      type: r.type,
      schemaVersion: r.schema_version,
      streamId: r.stream_id,
      revision: r.revision,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      actor: JSON.parse(r.actor) as Actor,
      correlationId: r.correlation_id,
      causationId: r.causation_id,
      jurisdiction: JSON.parse(r.jurisdiction) as string[],
      data: {},
      ...(r.legal_basis !== null ? { legalBasis: r.legal_basis } : {}),
    };
    const traceParent = (r as RowV1 & { trace_parent?: string | null }).trace_parent ?? null;
    insert.run(r.global_position, r.id, r.stream_id, r.revision, r.hash, Buffer.from(canonicalEnvelope(event, dataJson), 'utf8'), traceParent);
  }
  db.exec('DROP TABLE events');
  db.exec('ALTER TABLE events_v2 RENAME TO events');
  if (seq) db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'events'").run(seq.seq);
}
