/**
 * EventStore on MongoDB ≥ 6 and on FerretDB 1.24 (distributed mode, DESIGN §3), through the
 * `mongodb` driver, using only what both servers share: single-document atomic inserts, unique
 * indexes, and queries that are an equality on `_id` or on a top-level scalar field. FerretDB 1.24
 * pushes only those down to its backend (no `$gt/$lt`, `$in`, `$or`, dotted path or sort is pushed
 * down: each would read the whole collection), it has no transactions, and its updates are a read
 * followed by a write (so neither `$inc`, `$max` nor a conditional update is atomic there). The
 * design therefore never relies on an update for correctness: every guarantee comes from a
 * single-document insert refused by a unique index, and every other document is a hint that is
 * checked against the commits.
 *
 * Collections (base name `events` by default):
 * - `events` — one **commit** per append: `{ _id: first global position, lastPosition, page,
 *   streamId, firstRevision, lastRevision, lastHash, eventIds, events: [...] }`. Unique indexes:
 *   `_id` (the position), `(streamId, firstRevision)` (the expected-revision guard: two appends
 *   built on the same stream head collide), `lastPosition`, and on MongoDB `eventIds` (below). The insert of this one document is
 *   the append: all-or-nothing without transactions, a crash never leaves half of it.
 *   Each event holds `data` as a BSON document (for BI tools and queries; keys a server refuses —
 *   with `.`, a leading `$` or NUL — are stored with look-alike characters, see `bsonCopy`),
 *   `json`: the RFC 8785 canonical JSON of `data`, the very bytes the hash covers and what is read
 *   back (so numbers, key order and big integers read back exactly, whatever BSON makes of them),
 *   `occurredAt` / `recordedAt` as BSON dates (plus `occurredAtText` when the writer's text is not
 *   the date's `toISOString()`, e.g. `+08:00` or more than millisecond digits).
 * - `events_streams` — a **stream head** per stream, `_id` = stream id: `{ revision, hash,
 *   firstRevision, position }` of the last commit a writer saw. A hint, written every 8 commits of a
 *   process to the stream (an update is a scan on FerretDB) and by a reader that walked:
 *   a reader of it walks forward with `{ streamId, firstRevision: revision + 1 }` (equality) until
 *   no commit follows, so a lost or late update only costs lookups, never correctness.
 * - `events_ids` — a **claim** per event id, `_id` = event id, `{ streamId, owner, at }`, inserted
 *   before the commit: the insert is the idempotency check (insert-first, with a lease for a writer
 *   that died between its claims and its commit; see mongodb-id-claims.ts). Older documents are
 *   `{ streamId, position }`, written after their commit.
 * - `events_meta` — `{ _id: 'position', position }`: the last position a writer stored (a hint,
 *   never ahead of the truth), and `{ _id: 'layout', version }`.
 *
 * Global positions without holes, and no reservations. A commit takes its positions only by being
 * inserted with `_id` = the position after the last commit visible (found from the hint, then by
 * `_id` lookups of the next commit until none follows). If another commit took that `_id` first,
 * the unique index refuses the insert and the writer walks on from the commit that took it. So a
 * commit at p + 1 is only ever inserted after the commit at p is committed and visible: positions
 * are dense, and nothing is reserved that a crashed writer could leave as a hole — a writer that
 * dies before its insert simply took no position. Readers stop at the first missing position in
 * what they fetched (a query may see a commit inserted after it passed an earlier one); since holes
 * are never permanent, the next read returns it: read-all never skips and never waits on a dead
 * writer. Within one process inserts are grouped: commits queued while an insert is in flight go
 * out together in one ordered `insertMany` at consecutive positions.
 *
 * Read-all pages: each commit carries `page` = floor(first position / PAGE_POSITIONS). A page of
 * read-all asks for `{ page: k }` (the page of checkpoint + 1, then the following ones) and stitches
 * the commits in position order from the one holding checkpoint + 1, stopping at the first gap: one
 * or two queries per 1,000 positions. Only a checkpoint inside a commit that began in an earlier page
 * probes the `_id`s just below it. A stream read is one `{ streamId }` equality query, ordered here.
 *
 * Idempotency. The claims (above) everywhere. On MongoDB also a unique multikey index on `eventIds`
 * (probed at start), which makes "an id is in at most one commit" airtight. On FerretDB (detected by
 * `buildInfo.ferretdbVersion`) there is no index on `eventIds`: FerretDB 1.24 indexes the whole array
 * as one entry, not unique per id, and PostgreSQL refuses an index row over 2,704 bytes (a commit of
 * about 70 events). There the claims alone hold it (see mongodb-id-claims.ts for their one window: a
 * commit insert slower than half the lease). A walk over commits writes their id documents (ignored
 * when present), for commits of the layout before claims.
 *
 * Upgrading from the layout before (no `page`, no stream heads or id documents; `data` as a JSON
 * string, instants as strings): `create()` migrates on start — it adds `page` to every old commit and
 * writes their stream heads and id documents, then records layout version 2. Old commits keep
 * `data` as a string and their instants as strings and read back unchanged. Stop every process of
 * the old version before starting the new one (an old writer during the migration would write
 * commits without id documents).
 *
 * Measured on FerretDB 1.24 (issue 15): "pushed down" is not "indexed". Both backends push these
 * equalities down, but as `(_jsonb -> 'field') @> value` (PostgreSQL) or a JSON expression (SQLite),
 * which the btree indexes FerretDB creates on `(_jsonb -> 'field')` cannot serve: every read,
 * `_id` included, is a sequential scan of its collection there (checked with EXPLAIN). Only the
 * uniqueness checks of inserts use the indexes. So on FerretDB 1.24 a read costs in proportion to its
 * collection, whatever the query, and the warm append reads nothing: the claims' insert, the commit's
 * insert, and a hint every 8 commits. On MongoDB every query here is an index lookup.
 *
 * Durability: writes use write concern `{ w: 'majority', j: true }` by default, so a resolved append
 * is journaled (and replicated to a majority on a replica set).
 */
import { MongoBulkWriteError, MongoClient, MongoError, MongoServerError, type Collection, type Db, type Filter, type UpdateFilter, type WriteConcernSettings } from 'mongodb';
import { newId, systemClock, type Actor, type Clock } from '@fengqiao/kernel';
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
  assertStreamId,
  checkExpectedRevision,
  decodeData,
  encodeEvents,
  matchIdempotentAppend,
  maxCountOf,
  normaliseExpected,
  normaliseReadStream,
  sliceStream,
  toSafeInteger,
  validateNewEvents,
  type EncodedEvent,
  type StreamHead,
} from '../../envelope';
import { WrongExpectedRevisionError, type ComparedRevision } from '../../errors';
import { DEFAULT_CLAIM_LEASE_MS, IdClaims, type IdDoc } from './mongodb-id-claims';

export interface MongoEventStoreOptions {
  /** An open database handle; the store does not close its client. */
  db: Db;
  /** Default `'events'`; the other collections are named after it (`<name>_streams`, `<name>_ids`, `<name>_meta`). */
  collection?: string;
  clock?: Clock;
  /** Default `{ w: 'majority', journal: true }`. */
  writeConcern?: WriteConcernSettings;
  /** How long an event-id claim of a running append is honoured (default 30 s; see mongodb-id-claims.ts). */
  claimLeaseMs?: number;
}

interface StoredSubEvent {
  id: string;
  type: string;
  schemaVersion: number;
  /** A BSON date (layout 2) or the ISO text (layout 1). */
  occurredAt: Date | string;
  /** The writer's text when it is not `occurredAt.toISOString()`. */
  occurredAtText?: string;
  recordedAt: Date | string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  jurisdiction: string[];
  legalBasis?: string;
  /** Layout 2: the data as a BSON document (for readers of the database; keys made storable). Layout 1: the canonical JSON. */
  data: Record<string, unknown> | string;
  /** Layout 2: RFC 8785 JSON of the data, the bytes the hash covers and what is read back. */
  json?: string;
  hash: string;
  /** W3C trace context of the append (metadata, not hashed) */
  traceparent?: string;
}

export interface CommitDoc {
  _id: number;
  lastPosition: number;
  /** floor(_id / PAGE_POSITIONS): read-all asks for a page of commits by equality. */
  page?: number;
  streamId: string;
  firstRevision: number;
  lastRevision: number;
  /** Hash of the commit's last event (absent on the oldest commits: read `events`). */
  lastHash?: string;
  eventIds: string[];
  events: StoredSubEvent[];
}

interface HeadDoc {
  _id: string;
  revision: number;
  hash: string;
  firstRevision: number;
  position: number;
}


interface MetaDoc {
  _id: string;
  position?: number;
  version?: number;
}

/** A stream's head as known to this process, with the commit that holds it. */
interface KnownHead extends StreamHead {
  /** First revision and position of the last commit (undefined: no stream). */
  firstRevision?: number;
  position?: number;
  /** Commits this process stored on the stream since it last wrote (or read) the stream head hint. */
  sinceHint?: number;
}

const INDEX = {
  streamRevision: 'stream_revision',
  lastPosition: 'last_position',
  eventIds: 'event_ids',
  page: 'page',
} as const;

export const PAGE_POSITIONS = 1000;
export const LAYOUT_VERSION = 2;
const DUPLICATE_KEY = 11000;
const INDEX_NOT_FOUND = 27;
/** Most commits inserted by one `insertMany`. */
const MAX_GROUP = 64;
/** `_id`s probed at once when a read starts inside a commit. */
const PROBE_BATCH = 16;
/** The stream head and position hints are written every this many commits (see afterCommit). */
const HINT_EVERY = 8;
/** Streams whose head is cached per store instance. */
const HEAD_CACHE_SIZE = 10_000;

type InsertOutcome = { kind: 'inserted'; doc: CommitDoc } | { kind: 'stream_conflict' };

interface PendingCommit {
  streamId: string;
  built: EncodedEvent[];
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

export class MongoEventStore implements EventStore {
  private readonly db: Db;
  private readonly commits: Collection<CommitDoc>;
  private readonly streams: Collection<HeadDoc>;
  private readonly ids: Collection<IdDoc>;
  private readonly meta: Collection<MetaDoc>;
  private readonly clock: Clock;
  private readonly writeConcern: WriteConcernSettings;
  private readonly claims: IdClaims;
  /** Commits waiting for the next grouped insert, in arrival order. */
  private readonly pendingCommits: PendingCommit[] = [];
  /** The running insert loop, if any: one group in flight at a time per store. */
  private draining: Promise<void> | undefined;
  /** Next free position as last seen by this process (undefined: find it from the hint). */
  private nextPosition: number | undefined;
  /** A position another commit was seen to hold: the walk to the next free one starts there, not at the hint. */
  private takenPosition = 0;
  /** Commits this process stored since it last wrote the position hint. */
  private sincePositionHint = 0;
  private ownedClient: MongoClient | undefined;
  private uniqueEventIds = false;
  /**
   * Stream heads this process wrote or walked to: saves the head lookups on the next append. May
   * be stale when another process appended since; then the insert at the stale revision collides on
   * the unique (streamId, firstRevision) index, the entry is dropped and the head is walked again.
   */
  private readonly heads = new Map<string, KnownHead>();
  /**
   * Last positions of commits this process saw: a read-all that starts right after one of them
   * knows a commit (if any) starts there, so it need not probe below for a commit holding it.
   */
  private readonly commitEnds = new Set<number>();
  /** The last append queued per stream in this process. */
  private readonly streamQueues = new Map<string, Promise<unknown>>();

  private constructor(options: MongoEventStoreOptions) {
    const name = options.collection ?? 'events';
    this.db = options.db;
    this.commits = options.db.collection<CommitDoc>(name);
    this.streams = options.db.collection<HeadDoc>(`${name}_streams`);
    this.ids = options.db.collection<IdDoc>(`${name}_ids`);
    this.meta = options.db.collection<MetaDoc>(`${name}_meta`);
    this.clock = options.clock ?? systemClock;
    this.writeConcern = options.writeConcern ?? { w: 'majority', journal: true };
    this.claims = new IdClaims(this.ids, this.writeConcern, options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS);
  }

  /** Creates the indexes (idempotent), migrates an older layout, and returns a ready store. */
  static async create(options: MongoEventStoreOptions): Promise<MongoEventStore> {
    const store = new MongoEventStore(options);
    await store.ensureIndexes();
    await store.migrate();
    return store;
  }

  /** Connects to `url` and owns the client: `close()` closes it. */
  static async connect(url: string, dbName: string, options: Omit<MongoEventStoreOptions, 'db'> = {}): Promise<MongoEventStore> {
    const client = await MongoClient.connect(url);
    try {
      const store = await MongoEventStore.create({ ...options, db: client.db(dbName) });
      store.ownedClient = client;
      return store;
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  /** Whether event ids are enforced unique by an index (see the header comment). */
  get enforcesUniqueEventIds(): boolean {
    return this.uniqueEventIds;
  }

  private async ensureIndexes(): Promise<void> {
    await this.commits.createIndex({ streamId: 1, firstRevision: 1 }, { name: INDEX.streamRevision, unique: true });
    await this.commits.createIndex({ lastPosition: 1 }, { name: INDEX.lastPosition, unique: true });
    await this.commits.createIndex({ page: 1 }, { name: INDEX.page });
    this.uniqueEventIds = await this.ensureEventIdsIndex();
  }

  /**
   * The unique multikey index on `eventIds`, only where the server keeps one entry per array
   * element (MongoDB). FerretDB 1.24 indexes the whole array as one entry: the index is not unique
   * per id, and on PostgreSQL a commit of about 70 events or more exceeds the 2,704-byte limit of a
   * btree row and is refused. So on FerretDB there is no such index (one left by an earlier version
   * is dropped) and per-id uniqueness rests on the claims alone. Returns whether the index holds.
   */
  private async ensureEventIdsIndex(): Promise<boolean> {
    const existing = (await this.commits.listIndexes().toArray()).find((i) => i.name === INDEX.eventIds);
    if (await this.isFerretDb()) {
      if (existing) await this.dropEventIdsIndex();
      return false;
    }
    if (existing?.unique === true) return true;
    if (existing) await this.dropEventIdsIndex(); // a plain one: no query uses it, make it the unique one
    try {
      await this.commits.createIndex({ eventIds: 1 }, { name: INDEX.eventIds, unique: true });
    } catch (e) {
      if (!(e instanceof MongoServerError)) throw e;
      return false; // e.g. an event id stored twice by hand: the claims still refuse new duplicates
    }
    return this.probeUniqueMultikey();
  }

  private async isFerretDb(): Promise<boolean> {
    const info = await this.db.command({ buildInfo: 1 });
    return typeof info.ferretdbVersion === 'string';
  }

  private async dropEventIdsIndex(): Promise<void> {
    try {
      await this.commits.dropIndex(INDEX.eventIds);
    } catch (e) {
      // another process starting at the same time dropped it first
      if (!(e instanceof MongoServerError) || (e.code !== INDEX_NOT_FOUND && !/index not found/i.test(e.message))) throw e;
    }
  }

  /**
   * Whether the unique index really holds per array element (a server other than MongoDB and
   * FerretDB may accept the index and compare whole arrays). Probes once with two commits at
   * negative positions (never read: positions start at 1; random, so that two processes starting at
   * once do not collide on `_id`) that share one id: the second must be refused. Then removes them,
   * and the index when it does not hold.
   */
  private async probeUniqueMultikey(): Promise<boolean> {
    const base = -2 * (1 + Math.floor(Math.random() * 1_000_000_000));
    const shared = `probe-${newId()}`;
    const probe = (id: number, eventIds: string[]): CommitDoc => ({
      _id: id,
      lastPosition: id,
      streamId: 'fengqiao:unique-multikey-probe',
      firstRevision: id,
      lastRevision: id,
      eventIds,
      events: [],
    });
    let enforced = false;
    try {
      await this.commits.insertOne(probe(base, [`probe-${newId()}`, shared]));
      await this.commits.insertOne(probe(base - 1, [shared, `probe-${newId()}`]));
    } catch (e) {
      if (!(e instanceof MongoServerError)) throw e;
      enforced = e.code === DUPLICATE_KEY;
    } finally {
      await this.commits.deleteOne({ _id: base });
      await this.commits.deleteOne({ _id: base - 1 });
    }
    if (!enforced) await this.dropEventIdsIndex();
    return enforced;
  }

  /**
   * Layout 1 → 2, once, on start (a scan, off the hot path): `page` on every commit, the stream heads,
   * the id documents and the position hint. Idempotent: two processes starting at once both write the
   * same documents (inserts of existing ids are refused and ignored).
   */
  private async migrate(): Promise<void> {
    if ((await this.meta.findOne({ _id: 'layout' }))?.version === LAYOUT_VERSION) return;
    const heads = new Map<string, HeadDoc>();
    let maxPosition = 0;
    for await (const doc of this.commits.find({})) {
      if (doc._id < 1) continue;
      if (doc.page === undefined) {
        await this.commits.updateOne({ _id: doc._id }, { $set: { page: pageOf(doc._id) } }, { writeConcern: this.writeConcern });
      }
      await this.writeIdDocs(doc);
      const known = heads.get(doc.streamId);
      if (!known || known.revision < doc.lastRevision) {
        heads.set(doc.streamId, { _id: doc.streamId, revision: doc.lastRevision, hash: lastHashOf(doc), firstRevision: doc.firstRevision, position: doc._id });
      }
      maxPosition = Math.max(maxPosition, doc.lastPosition);
    }
    for (const { _id, ...head } of heads.values()) await this.writeHint(this.streams, _id, head);
    if (maxPosition > 0) await this.writeHint(this.meta, 'position', { position: maxPosition });
    await this.writeHint(this.meta, 'layout', { version: LAYOUT_VERSION });
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateNewEvents(streamId, events);
    const expected = normaliseExpected(options.expectedRevision);
    // Appends to one stream from this process go one after the other: they would only collide on
    // the stream's next revision and go round again (appends to different streams still group).
    const previous = this.streamQueues.get(streamId);
    const run = (previous ?? Promise.resolve()).catch(() => undefined).then(() => this.appendNow(streamId, events, expected));
    this.streamQueues.set(streamId, run);
    try {
      return await run;
    } finally {
      if (this.streamQueues.get(streamId) === run) this.streamQueues.delete(streamId);
    }
  }

  private async appendNow(streamId: string, events: readonly NewEvent[], expected: ComparedRevision | 'any'): Promise<AppendResult> {
    const ids = events.map((e) => e.id);
    // Insert-first idempotency: the claims' insert is the check (see mongodb-id-claims.ts); an
    // append whose ids are new reads nothing before its commit.
    let claimedAt = await this.claimOrReplay(streamId, events, expected);
    if (typeof claimedAt !== 'number') return claimedAt;
    let stored = false;
    try {
      for (;;) {
        const head = await this.headFor(streamId, expected);
        if (expected !== 'any' && expected !== head.revision) checkExpectedRevision(streamId, expected, head.revision);
        if (Date.now() - claimedAt > this.claims.leaseMs / 2) {
          // too slow to commit on these claims safely (another append may take them over soon)
          await this.claims.release(ids);
          const again = await this.claimOrReplay(streamId, events, expected);
          if (typeof again !== 'number') {
            stored = true;
            return again;
          }
          claimedAt = again;
        }
        const built = encodeEvents(streamId, events, head, this.clock.now().toISOString());
        const outcome = await this.insertCommit(streamId, built);
        if (outcome.kind === 'inserted') {
          stored = true;
          const doc = outcome.doc;
          try {
            await this.afterCommit(doc);
          } catch (error) {
            // the commit is stored; a retry with the same ids finds it through the claims
            this.heads.delete(streamId);
            throw error;
          }
          return { streamId, firstRevision: doc.firstRevision, nextExpectedRevision: doc.lastRevision, lastPosition: doc.lastPosition };
        }
        // Another append took the revision: a fixed expected revision is a conflict, 'any' goes
        // round again on the new head (our claims stay ours).
        this.heads.delete(streamId);
        if (this.uniqueEventIds) {
          // MongoDB: the eventIds index refused an id whose claim is gone (deleted by hand)
          const holders = (await Promise.all(ids.map((id) => this.commits.findOne({ eventIds: id }, { projection: { streamId: 1 } })))).filter((d) => d !== null);
          const replay = matchIdempotentAppend(streamId, events, expected, await this.storedEvents(ids, holders.map((h) => ({ _id: '', streamId: h.streamId }))));
          if (replay) {
            stored = true;
            return replay;
          }
        }
        if (expected !== 'any') throw new WrongExpectedRevisionError(streamId, expected, await this.streamRevision(streamId));
      }
    } catch (error) {
      // nothing stored for sure (a conflict or a refusal): give the ids back. When the outcome of
      // the commit insert is unknown (network), the claims stay: a retry finds the commit through
      // them, or takes them over (they are this instance's and no append holds them any more).
      if (!stored && !isUnknownOutcome(error)) await this.claims.release(ids).catch(() => undefined);
      throw error;
    } finally {
      this.claims.done(ids);
    }
  }

  /**
   * Claims the append's ids; when one is claimed already, applies the idempotency rule to what is
   * stored (a replay returns the stored result, a mismatch throws), or waits for a claim in flight
   * and takes over a stale one. Returns the claim time, or the replayed result.
   */
  private async claimOrReplay(streamId: string, events: readonly NewEvent[], expected: ComparedRevision | 'any'): Promise<number | AppendResult> {
    const ids = events.map((e) => e.id);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.claims.claim(streamId, ids);
      if (outcome.kind === 'claimed') return outcome.at;
      const stored = await this.storedEvents(ids, outcome.refused);
      const replay = matchIdempotentAppend(streamId, events, expected, stored);
      if (replay) return replay;
      // claimed, not stored: an append in flight, or a dead writer's claims
      const now = Date.now();
      const stale = outcome.refused.filter((d) => this.claims.isStale(d, now));
      const taken = await Promise.all(stale.map((d) => this.claims.takeOver(d, now)));
      if (outcome.missing.length === 0 && !taken.some(Boolean)) await sleep(Math.min(5 * 2 ** attempt, 100) * (0.5 + Math.random()));
    }
  }

  /** Stored events with any of `ids`, found through the streams their claims (or id documents) name. */
  private async storedEvents(ids: string[], docs: IdDoc[]): Promise<StoredEvent[]> {
    const wanted = new Set(ids);
    const streams = [...new Set(docs.map((d) => d.streamId))];
    const commits = (await Promise.all(streams.map((s) => this.commits.find({ streamId: s }, { batchSize: 10_000 }).toArray()))).flat();
    return commits
      .filter((c) => c._id > 0 && c.eventIds.some((id) => wanted.has(id)))
      .flatMap(unwrap)
      .filter((e) => wanted.has(e.id));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    assertStreamId(streamId);
    const o = normaliseReadStream(options);
    if (o.maxCount === 0) return [];
    // One equality query returns every commit of the stream (the (streamId, firstRevision) index
    // serves it on MongoDB); ordered here, not by the server. A missing commit (deleted by someone
    // with database access) leaves a revision gap that the chain verification reports.
    const docs = await this.commits.find({ streamId }, { batchSize: 10_000 }).toArray();
    docs.sort((a, b) => a.firstRevision - b.firstRevision);
    return sliceStream(docs.filter((d) => d._id > 0).flatMap(unwrap), o);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.afterPosition === undefined ? 0 : toSafeInteger(options.afterPosition, 'afterPosition');
    const maxCount = maxCountOf(options.maxCount) ?? DEFAULT_READ_ALL_MAX_COUNT;
    if (maxCount === 0) return [];
    const out: StoredEvent[] = [];
    const take = (doc: CommitDoc): boolean => {
      this.rememberEnd(doc.lastPosition);
      for (const e of unwrap(doc)) {
        if (e.globalPosition <= after) continue;
        out.push(e);
        if (out.length >= maxCount) return false;
      }
      return true;
    };
    // Whole pages of commits by equality on `page`, stitched in position order from the commit that
    // holds after + 1; a gap (a commit not visible to this query yet) ends the read: the next read
    // returns it.
    let next = after + 1;
    let page = pageOf(next);
    let byId = await this.pageOfCommits(page);
    let doc = byId.get(next) ?? [...byId.values()].find((d) => d._id < next && d.lastPosition >= next);
    if (!doc && !this.commitEnds.has(after)) {
      // the checkpoint may be inside a commit that started in an earlier page (unless a commit is
      // known to end at the checkpoint: then after + 1 starts the next one, not visible yet)
      doc = (await this.commitHolding(next)) ?? undefined;
    }
    while (doc) {
      if (!take(doc)) return out;
      next = doc.lastPosition + 1;
      if (pageOf(next) !== page) {
        page = pageOf(next);
        byId = await this.pageOfCommits(page);
      }
      doc = byId.get(next);
    }
    return out;
  }

  private async pageOfCommits(page: number): Promise<Map<number, CommitDoc>> {
    const byId = new Map<number, CommitDoc>();
    // a page holds at most PAGE_POSITIONS commits: one batch, no getMore round trips
    for (const doc of await this.commits.find({ page }, { batchSize: PAGE_POSITIONS + 1 }).toArray()) byId.set(doc._id, doc);
    return byId;
  }

  async streamRevision(streamId: string): Promise<StreamRevision> {
    assertStreamId(streamId);
    return (await this.head(streamId)).revision;
  }

  async close(): Promise<void> {
    await this.draining;
    const client = this.ownedClient;
    this.ownedClient = undefined;
    if (client) await client.close();
  }

  // -------------------------------------------------------------------------------------------

  /** The commit that holds `position`: `_id` = position, or the nearest `_id` below it that reaches it. */
  private async commitHolding(position: number): Promise<CommitDoc | null> {
    const exact = await this.commits.findOne({ _id: position });
    if (exact || this.commitEnds.has(position - 1) || position === 1) return exact;
    for (let top = position - 1; top >= 1; top -= PROBE_BATCH) {
      const candidates = Array.from({ length: Math.min(PROBE_BATCH, top) }, (_, i) => top - i);
      const found = await Promise.all(candidates.map((p) => this.commits.findOne({ _id: p })));
      const below = found.find((d) => d !== null);
      // the nearest commit below: it holds `position` or the log ends (for now) before `position`
      if (below) {
        this.rememberEnd(below.lastPosition);
        return below.lastPosition >= position ? below : null;
      }
    }
    return null;
  }

  private rememberEnd(lastPosition: number): void {
    if (this.commitEnds.size >= HEAD_CACHE_SIZE) this.commitEnds.clear();
    this.commitEnds.add(lastPosition);
  }

  /** Writes what follows a stored commit: its id documents, the stream head hint and the position hint. */
  private async afterCommit(doc: CommitDoc): Promise<void> {
    this.rememberEnd(doc.lastPosition);
    const cached = this.heads.get(doc.streamId);
    // The hints are written every HINT_EVERY commits of this process (per stream for the head): an
    // update is a read then a write on FerretDB (a scan of the heads), and a process with nothing
    // cached walks at most that many commits past a hint (a writer that collided walks on from the
    // position it collided at, not from the hint).
    const sinceHint = (cached?.sinceHint ?? 0) + 1;
    const hintHead = sinceHint >= HINT_EVERY;
    const head: KnownHead = { revision: doc.lastRevision, hash: lastHashOf(doc), firstRevision: doc.firstRevision, position: doc._id, sinceHint: hintHead ? 0 : sinceHint };
    if (cached === undefined || cached.revision === 'no_stream' || cached.revision < doc.lastRevision) this.rememberHead(doc.streamId, head);
    this.sincePositionHint += 1;
    const hintPosition = this.sincePositionHint >= HINT_EVERY;
    if (hintPosition) this.sincePositionHint = 0;
    await Promise.all([
      hintHead ? this.writeHint(this.streams, doc.streamId, { revision: doc.lastRevision, hash: head.hash, firstRevision: doc.firstRevision, position: doc._id }) : undefined,
      hintPosition ? this.writeHint(this.meta, 'position', { position: doc.lastPosition }) : undefined,
    ]);
  }

  /**
   * Sets a hint document (stream head, position). An upsert on FerretDB is a read then an insert, so
   * two writers can both try to insert: the loser's duplicate key means the document now exists, and
   * it sets its value with a plain update. A hint may be left behind the truth; readers walk on.
   */
  private async writeHint<T extends { _id: string }>(collection: Collection<T>, id: string, fields: Omit<T, '_id'>): Promise<void> {
    const filter = { _id: id } as Filter<T>;
    try {
      await collection.updateOne(filter, { $set: fields } as UpdateFilter<T>, { upsert: true, writeConcern: this.writeConcern });
    } catch (e) {
      if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      await collection.updateOne(filter, { $set: fields } as UpdateFilter<T>, { writeConcern: this.writeConcern });
    }
  }

  /** Id documents of a stored commit (ids already written are refused by `_id` and ignored). */
  private async writeIdDocs(doc: CommitDoc): Promise<void> {
    const docs: IdDoc[] = doc.eventIds.map((id) => ({ _id: id, streamId: doc.streamId, position: doc._id }));
    try {
      await this.ids.insertMany(docs, { ordered: false, writeConcern: this.writeConcern });
    } catch (e) {
      const onlyDuplicates =
        e instanceof MongoBulkWriteError &&
        (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]).every((w) => w === undefined || w.code === DUPLICATE_KEY);
      if (!onlyDuplicates && !(e instanceof MongoServerError && e.code === DUPLICATE_KEY)) throw e;
    }
  }

  /** Queues a commit for the next grouped insert; resolves when it is stored or refused. */
  private insertCommit(streamId: string, built: EncodedEvent[]): Promise<InsertOutcome> {
    return new Promise<InsertOutcome>((resolve, reject) => {
      this.pendingCommits.push({ streamId, built, resolve, reject });
      if (this.draining === undefined) this.draining = this.drain();
    });
  }

  /** Inserts the queued commits, one group at a time, until the queue is empty. Never rejects. */
  private async drain(): Promise<void> {
    try {
      while (this.pendingCommits.length > 0) {
        await this.insertGroup(this.pendingCommits.splice(0, MAX_GROUP));
      }
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * Inserts a group of commits at consecutive positions with one ordered `insertMany` (one round
   * trip, one journal write). An ordered insert stops at the first refused document: the ones before
   * it are stored (at dense positions), the refused one is either a position conflict (another
   * process took the position: walk on and try again) or its own stream/event-id conflict (reported
   * to its append), and the ones after it were not attempted and are tried again, in their order, at
   * the next free positions. Settles every commit of the group; never throws.
   */
  private async insertGroup(group: PendingCommit[]): Promise<void> {
    let todo = group;
    while (todo.length > 0) {
      let position: number;
      try {
        position = this.nextPosition ?? (await this.freePosition(this.takenPosition));
      } catch (error) {
        for (const c of todo) c.reject(error);
        return;
      }
      const docs: CommitDoc[] = [];
      for (const c of todo) {
        const doc = toCommitDoc(c.streamId, c.built, position);
        docs.push(doc);
        position = doc.lastPosition + 1;
      }
      try {
        if (docs.length === 1) await this.commits.insertOne(docs[0], { writeConcern: this.writeConcern });
        else await this.commits.insertMany(docs, { ordered: true, writeConcern: this.writeConcern });
        this.nextPosition = position;
        todo.forEach((c, i) => c.resolve({ kind: 'inserted', doc: docs[i] }));
        return;
      } catch (error) {
        this.nextPosition = undefined;
        this.takenPosition = Math.max(this.takenPosition, docs[0]._id);
        const refused = refusedDocument(error, docs.length);
        if (refused === undefined) {
          // not a plain refusal (network, write concern, …): which documents are stored is unknown,
          // so every append of the group fails; a retry with the same event ids is idempotent.
          for (const c of todo) c.reject(error);
          return;
        }
        for (let i = 0; i < refused.index; i++) todo[i].resolve({ kind: 'inserted', doc: docs[i] });
        const failed = todo[refused.index];
        const rest = todo.slice(refused.index + 1);
        if (refused.code !== DUPLICATE_KEY) {
          failed.reject(refused.error);
          todo = rest;
          continue;
        }
        const doc = docs[refused.index];
        let positionConflict: boolean;
        try {
          positionConflict = await this.isPositionConflict(refused.text, doc);
        } catch (lookupError) {
          failed.reject(lookupError);
          todo = rest;
          continue;
        }
        if (positionConflict) {
          todo = [failed, ...rest];
        } else {
          failed.resolve({ kind: 'stream_conflict' });
          todo = rest;
        }
      }
    }
  }

  /**
   * Which unique index refused the insert: the position (walk on and try again) or the stream
   * revision / an event id (the append's own conflict). Servers differ in how they name the index in
   * the error, so when the message does not say, the store looks at what is there (by equality).
   */
  private async isPositionConflict(text: string, doc: CommitDoc): Promise<boolean> {
    if (text.includes(INDEX.streamRevision) || text.includes(INDEX.eventIds) || text.includes('firstRevision') || text.includes('eventIds')) {
      return false;
    }
    if (text.includes(INDEX.lastPosition) || /_id_|"_id"|index: _id/.test(text)) return true;
    const taken = await this.commits.findOne({ streamId: doc.streamId, firstRevision: doc.firstRevision }, { projection: { _id: 1 } });
    return taken === null;
  }

  /**
   * The first free position: from the hint (never ahead of the truth), then the next commit by
   * `_id` until none follows.
   */
  private async freePosition(taken: number): Promise<number> {
    let last = Math.max((await this.meta.findOne({ _id: 'position' }))?.position ?? 0, taken - 1);
    for (;;) {
      const next = await this.commits.findOne({ _id: last + 1 }, { projection: { lastPosition: 1 } });
      if (!next) return last + 1;
      last = next.lastPosition;
    }
  }

  /**
   * The stream's head as stored (never the cache): the head hint, then the stream's next commits by
   * `{ streamId, firstRevision }` until none follows (writing the id documents of commits walked
   * over, which a crashed writer may have left out). Refreshes the cache and, if it walked, the hint.
   */
  private async head(streamId: string): Promise<KnownHead> {
    const hint = await this.streams.findOne({ _id: streamId });
    let head: KnownHead = hint ? { revision: hint.revision, hash: hint.hash, firstRevision: hint.firstRevision, position: hint.position } : EMPTY_HEAD;
    let walked: CommitDoc | undefined;
    for (;;) {
      const firstRevision = head.revision === 'no_stream' ? 0 : head.revision + 1;
      const next = await this.commits.findOne({ streamId, firstRevision });
      if (!next) break;
      await this.writeIdDocs(next);
      walked = next;
      head = { revision: next.lastRevision, hash: lastHashOf(next), firstRevision: next.firstRevision, position: next._id };
    }
    if (walked) {
      await this.writeHint(this.streams, streamId, { revision: walked.lastRevision, hash: lastHashOf(walked), firstRevision: walked.firstRevision, position: walked._id });
    }
    if (head.revision === 'no_stream') this.heads.delete(streamId);
    else this.rememberHead(streamId, head);
    return head;
  }

  /** The head for a new append: the cached one when it agrees with `expected`, else the stored one. */
  private async headFor(streamId: string, expected: ComparedRevision | 'any'): Promise<StreamHead> {
    const cached = this.heads.get(streamId);
    if (cached && (expected === 'any' || expected === cached.revision)) return cached;
    // a new stream needs no read: if it exists after all, the unique (streamId, firstRevision) index refuses the commit
    if (expected === 'no_stream') return cached ?? EMPTY_HEAD;
    return this.head(streamId);
  }

  private rememberHead(streamId: string, head: KnownHead): void {
    this.heads.delete(streamId); // re-insert: the Map's order is the eviction order (least recently written first)
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
  }

}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A failure after which it is unknown whether the commit insert was stored (not a refusal by the server). */
function isUnknownOutcome(error: unknown): boolean {
  return error instanceof MongoError && !(error instanceof MongoServerError) && !(error instanceof MongoBulkWriteError);
}

export function pageOf(position: number): number {
  return Math.floor(position / PAGE_POSITIONS);
}

function lastHashOf(doc: CommitDoc): string {
  return doc.lastHash ?? doc.events[doc.events.length - 1].hash;
}

/** Field names a MongoDB-protocol server refuses (`.`, a leading `$`, NUL) get look-alike characters. */
function storableKey(key: string): string {
  if (!/[.\0]|^\$/.test(key)) return key;
  return key.replace(/\./g, '\uFF0E').replace(/^\$/, '\uFF04').replace(/\0/g, '\u2400');
}

/**
 * The data as a BSON document for readers of the database. Not what is read back (that is `json`):
 * keys are made storable, an array directly inside an array becomes `{ items: [...] }` (FerretDB
 * 1.24 refuses nested arrays), and BSON keeps JS numbers as int32 or double.
 */
export function bsonCopy(value: unknown, inArray = false): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => bsonCopy(v, true));
    return inArray ? { items } : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storableKey(k)] = bsonCopy(v, false);
    return out;
  }
  return value;
}

function toCommitDoc(streamId: string, built: EncodedEvent[], position: number): CommitDoc {
  const first = built[0].event;
  const last = built[built.length - 1].event;
  return {
    _id: position,
    lastPosition: position + built.length - 1,
    page: pageOf(position),
    streamId,
    firstRevision: first.revision,
    lastRevision: last.revision,
    lastHash: last.hash,
    eventIds: built.map(({ event }) => event.id),
    events: built.map(({ event: e, dataJson }) => {
      const occurredAt = new Date(e.occurredAt);
      const sub: StoredSubEvent = {
        id: e.id,
        type: e.type,
        schemaVersion: e.schemaVersion,
        occurredAt,
        recordedAt: new Date(e.recordedAt),
        actor: { userId: e.actor.userId, role: e.actor.role, unitId: e.actor.unitId, ...(e.actor.directoryVersion !== undefined ? { directoryVersion: e.actor.directoryVersion } : {}) },
        correlationId: e.correlationId,
        causationId: e.causationId,
        jurisdiction: e.jurisdiction,
        data: bsonCopy(JSON.parse(dataJson)) as Record<string, unknown>,
        json: dataJson,
        hash: e.hash,
      };
      if (occurredAt.toISOString() !== e.occurredAt) sub.occurredAtText = e.occurredAt;
      if (new Date(e.recordedAt).toISOString() !== e.recordedAt) throw new Error(`recordedAt is not a UTC ISO instant: ${e.recordedAt}`);
      if (e.legalBasis !== undefined) sub.legalBasis = e.legalBasis;
      if (e.traceparent !== undefined) sub.traceparent = e.traceparent;
      return sub;
    }),
  };
}

/**
 * The document a failed insert refused: for `insertOne` the only one, for an ordered `insertMany`
 * the first write error's index (the ones before it are stored, the ones after it not attempted).
 * `undefined` when the failure is not a per-document refusal (network, write concern, …).
 */
function refusedDocument(error: unknown, count: number): { index: number; code: unknown; text: string; error: unknown } | undefined {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    const first = writeErrors.filter((w) => w !== undefined).sort((a, b) => a.index - b.index)[0];
    if (first === undefined || first.index < 0 || first.index >= count) return undefined;
    const text = `${first.errmsg ?? ''} ${JSON.stringify(first.errInfo ?? {})} ${error.message} ${JSON.stringify(error.keyPattern ?? {})}`;
    return { index: first.index, code: first.code, text, error: new MongoServerError({ message: first.errmsg ?? 'insert refused', code: first.code }) };
  }
  if (count === 1 && error instanceof MongoServerError && error.code !== undefined) {
    return { index: 0, code: error.code, text: `${error.message} ${JSON.stringify(error.keyPattern ?? {})}`, error };
  }
  return undefined;
}

function instant(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

function unwrap(doc: CommitDoc): StoredEvent[] {
  return doc.events.map((s, i) => {
    const event: StoredEvent = {
      id: s.id,
      type: s.type,
      schemaVersion: s.schemaVersion,
      streamId: doc.streamId,
      revision: doc.firstRevision + i,
      globalPosition: doc._id + i,
      occurredAt: s.occurredAtText ?? instant(s.occurredAt),
      recordedAt: instant(s.recordedAt),
      actor: { userId: s.actor.userId, role: s.actor.role, unitId: s.actor.unitId, ...(s.actor.directoryVersion !== undefined ? { directoryVersion: s.actor.directoryVersion } : {}) },
      correlationId: s.correlationId,
      causationId: s.causationId,
      jurisdiction: [...s.jurisdiction],
      data: typeof s.json === 'string' ? decodeData(s.json) : decodeData(s.data as string),
      hash: s.hash,
    };
    if (s.legalBasis !== undefined && s.legalBasis !== null) event.legalBasis = s.legalBasis;
    if (typeof s.traceparent === 'string') event.traceparent = s.traceparent;
    return event;
  });
}
