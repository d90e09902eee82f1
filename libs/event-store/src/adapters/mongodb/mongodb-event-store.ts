/**
 * EventStore on MongoDB ≥ 6 and on FerretDB 1.24 (distributed mode, DESIGN §3), through the
 * `mongodb` driver, using only what both share: single-document atomic inserts, unique indexes,
 * find/sort/limit. No transactions, change streams, bulkWrite, $lookup, partial or TTL indexes.
 *
 * One document per append (a "commit"): `{ _id: firstPosition, lastPosition, streamId,
 * firstRevision, lastRevision, eventIds, events: [...] }`. A single-document insert is atomic on both
 * servers, so an append is all-or-nothing without transactions: a crash can never leave half of it.
 * Unique indexes: `_id` (the global position), `(streamId, firstRevision)` (optimistic concurrency:
 * two appends at the same revision collide) and `lastPosition`. `data` is stored as its RFC 8785
 * JSON string, because payload keys may contain `.` or start with `$`, which FerretDB (and older
 * MongoDB tooling) refuse as field names; it is parsed on read, so it reads back exactly.
 *
 * Global positions without skips. A commit takes positions only by being inserted with
 * `_id = (last position visible in the collection) + 1`: the writer reads the head, then inserts;
 * if another commit took that `_id` first, the unique `_id` index refuses the insert and the writer
 * re-reads the head and tries again. Hence position p + 1 is only ever inserted after the commit at p
 * is committed and visible, positions are dense, and nothing is reserved that a crash could leave
 * as a hole. Readers read `lastPosition > checkpoint` in position order and additionally stop at
 * the first gap in what a query returned (a query that yields mid-scan may show a commit inserted
 * after it passed the earlier key); because holes are never permanent the next read returns it.
 * Within one process the insert step is grouped: commits queued while an insert is in flight go out
 * together in one ordered `insertMany` at consecutive positions, so concurrent appenders in one
 * process neither race each other for the same `_id` nor pay one round trip each; across processes
 * the unique index arbitrates. An ordered insert stops at the first refused document, so the stored
 * ones are a dense prefix; the refused one and the ones after it are retried in order or failed.
 * Stream heads: each commit carries `lastHash`, so a head lookup projects two fields, and a
 * per-process cache of heads skips that lookup when it agrees with the expected revision (a stale
 * entry collides on `(streamId, firstRevision)` and is re-read).
 *
 * Event ids: looked up (multikey index on `eventIds`) before every append and again after any
 * conflict, which gives the idempotency rule of the port. The index is created `unique` where the
 * server enforces unique multikey indexes (MongoDB; probed at start), so two different appends can
 * never share an id. FerretDB 1.24 accepts such an index but compares whole arrays, so there the
 * index is plain and the lookup before each append guards, which leaves one race: two different
 * appends racing with a shared id and neither seeing the other's.
 *
 * Durability: inserts use write concern `{ w: 'majority', j: true }` by default, so a resolved
 * append is journaled (and replicated to a majority on a replica set).
 */
import { MongoBulkWriteError, MongoClient, MongoServerError, type Collection, type Db, type WriteConcernSettings } from 'mongodb';
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
  assertStreamId,
  checkExpectedRevision,
  decodeData,
  encodeEvents,
  matchIdempotentAppend,
  maxCountOf,
  normaliseExpected,
  normaliseReadStream,
  toSafeInteger,
  validateNewEvents,
  type EncodedEvent,
  type StreamHead,
} from '../../envelope';
import { WrongExpectedRevisionError, type ComparedRevision } from '../../errors';

export interface MongoEventStoreOptions {
  /** An open database handle; the store does not close its client. */
  db: Db;
  /** Default `'events'`. */
  collection?: string;
  clock?: Clock;
  /** Default `{ w: 'majority', journal: true }`. */
  writeConcern?: WriteConcernSettings;
}

interface StoredSubEvent {
  id: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  jurisdiction: string[];
  legalBasis?: string;
  /** RFC 8785 JSON of the event's data. */
  data: string;
  hash: string;
  /** W3C trace context of the append (metadata, not hashed) */
  traceparent?: string;
}

interface CommitDoc {
  _id: number;
  lastPosition: number;
  streamId: string;
  firstRevision: number;
  lastRevision: number;
  /** Hash of the commit's last event (absent on commits written before it was added: read `events`). */
  lastHash?: string;
  eventIds: string[];
  events: StoredSubEvent[];
}

const INDEX = {
  streamRevision: 'stream_revision',
  lastPosition: 'last_position',
  eventIds: 'event_ids',
} as const;

const DUPLICATE_KEY = 11000;
/** Most commits inserted by one `insertMany`. */
const MAX_GROUP = 64;

type InsertOutcome = { kind: 'inserted'; lastPosition: number } | { kind: 'stream_conflict' };

interface PendingCommit {
  streamId: string;
  built: EncodedEvent[];
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}
/** Streams whose head is cached per store instance. */
const HEAD_CACHE_SIZE = 10_000;

export class MongoEventStore implements EventStore {
  private readonly commits: Collection<CommitDoc>;
  private readonly clock: Clock;
  private readonly writeConcern: WriteConcernSettings;
  /** Commits waiting for the next grouped insert, in arrival order. */
  private readonly pendingCommits: PendingCommit[] = [];
  /** The running insert loop, if any: one group in flight at a time per store. */
  private draining: Promise<void> | undefined;
  /** Next free position as last seen by this process (undefined: read it from the collection). */
  private nextPosition: number | undefined;
  private ownedClient: MongoClient | undefined;
  private uniqueEventIds = false;
  /**
   * Stream heads this process wrote or read: saves the head query on the next append. May be stale
   * when another process appended since; then the insert at the stale revision collides on the
   * unique (streamId, firstRevision) index, the entry is dropped and the head is read again.
   */
  private readonly heads = new Map<string, StreamHead>();

  private constructor(options: MongoEventStoreOptions) {
    this.commits = options.db.collection<CommitDoc>(options.collection ?? 'events');
    this.clock = options.clock ?? systemClock;
    this.writeConcern = options.writeConcern ?? { w: 'majority', journal: true };
  }

  /** Creates the indexes (idempotent) and returns a ready store. */
  static async create(options: MongoEventStoreOptions): Promise<MongoEventStore> {
    const store = new MongoEventStore(options);
    await store.ensureIndexes();
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
    const existing = (await this.commits.listIndexes().toArray()).find((i) => i.name === INDEX.eventIds);
    if (existing) {
      this.uniqueEventIds = existing.unique === true;
      return;
    }
    try {
      await this.commits.createIndex({ eventIds: 1 }, { name: INDEX.eventIds, unique: true });
      this.uniqueEventIds = await this.probeUniqueMultikey();
    } catch (e) {
      if (!(e instanceof MongoServerError)) throw e;
      await this.commits.createIndex({ eventIds: 1 }, { name: INDEX.eventIds });
      this.uniqueEventIds = false;
    }
  }

  /**
   * Whether the unique index really holds per array element: FerretDB 1.24 accepts the index but
   * compares whole arrays. Probe once with two commits at negative positions (never read: positions
   * start at 1) that share one id; the second must be refused. Then remove them.
   */
  private async probeUniqueMultikey(): Promise<boolean> {
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
      await this.commits.insertOne(probe(-1, ['probe-a', 'probe-b']));
      await this.commits.insertOne(probe(-2, ['probe-b', 'probe-c']));
    } catch (e) {
      if (!(e instanceof MongoServerError)) throw e;
      enforced = e.code === DUPLICATE_KEY;
    } finally {
      await this.commits.deleteMany({ _id: { $lt: 0 } });
    }
    if (!enforced) {
      await this.commits.dropIndex(INDEX.eventIds);
      await this.commits.createIndex({ eventIds: 1 }, { name: INDEX.eventIds });
    }
    return enforced;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateNewEvents(streamId, events);
    const expected = normaliseExpected(options.expectedRevision);
    const ids = events.map((e) => e.id);
    // With the unique index on event ids, an insert carrying a stored id always fails, and every
    // failure path below looks the ids up; without it, look them up before writing as well.
    if (!this.uniqueEventIds) {
      const replay = matchIdempotentAppend(streamId, events, expected, await this.eventsById(ids));
      if (replay) return replay;
    }
    for (;;) {
      const head = await this.headFor(streamId, expected);
      if (expected !== 'any' && expected !== head.revision) {
        // a stale expected revision, or a retry of an append that is already stored
        const replay = matchIdempotentAppend(streamId, events, expected, await this.eventsById(ids));
        if (replay) return replay;
        checkExpectedRevision(streamId, expected, head.revision);
      }
      const built = encodeEvents(streamId, events, head, this.clock.now().toISOString());
      const outcome = await this.insertCommit(streamId, built);
      if (outcome.kind === 'inserted') {
        const last = built[built.length - 1].event;
        const cached = this.heads.get(streamId);
        if (cached === undefined || cached.revision === 'no_stream' || cached.revision < last.revision) {
          this.rememberHead(streamId, { revision: last.revision, hash: last.hash });
        }
        return {
          streamId,
          firstRevision: built[0].event.revision,
          nextExpectedRevision: last.revision,
          lastPosition: outcome.lastPosition,
        };
      }
      // Another append took the revision (or holds one of our ids). It may be this very append
      // sent twice: the idempotency rule answers that. Otherwise a fixed expected revision is a
      // conflict, and 'any' goes round again on the new head.
      this.heads.delete(streamId);
      const replay = matchIdempotentAppend(streamId, events, expected, await this.eventsById(ids));
      if (replay) return replay;
      if (expected !== 'any') throw new WrongExpectedRevisionError(streamId, expected, await this.streamRevision(streamId));
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    assertStreamId(streamId);
    const o = normaliseReadStream(options);
    if (o.maxCount === 0) return [];
    const out: StoredEvent[] = [];
    const max = o.maxCount ?? Number.POSITIVE_INFINITY;
    if (o.direction === 'forward') {
      const from = o.fromRevision ?? 0;
      const cursor = this.commits.find({ streamId, lastRevision: { $gte: from } }).sort({ firstRevision: 1 });
      for await (const doc of cursor) {
        for (const e of unwrap(doc)) {
          if (e.revision < from) continue;
          out.push(e);
          if (out.length >= max) return closeAndReturn(cursor, out);
        }
      }
    } else {
      const from = o.fromRevision ?? Number.MAX_SAFE_INTEGER;
      const cursor = this.commits.find({ streamId, firstRevision: { $lte: from } }).sort({ firstRevision: -1 });
      for await (const doc of cursor) {
        for (const e of unwrap(doc).reverse()) {
          if (e.revision > from) continue;
          out.push(e);
          if (out.length >= max) return closeAndReturn(cursor, out);
        }
      }
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.afterPosition === undefined ? 0 : toSafeInteger(options.afterPosition, 'afterPosition');
    const maxCount = maxCountOf(options.maxCount) ?? DEFAULT_READ_ALL_MAX_COUNT;
    if (maxCount === 0) return [];
    const out: StoredEvent[] = [];
    let expectedNext = after + 1;
    // Positions are dense and a commit's _id is its first position: the commits that hold positions
    // after+1 … after+maxCount are exactly those with lastPosition > after and _id <= after+maxCount.
    // (Bounding by commit count instead would fetch up to maxCount commits, i.e. maxCount × commit size events.)
    const docs = await this.commits
      .find({ lastPosition: { $gt: after }, _id: { $lte: after + maxCount } })
      .sort({ lastPosition: 1 })
      .toArray();
    for (const doc of docs) {
      // a gap: the commit before `doc` is not visible to this query yet; stop before it
      if (doc._id > expectedNext) break;
      for (const e of unwrap(doc)) {
        if (e.globalPosition <= after) continue;
        out.push(e);
        if (out.length >= maxCount) return out;
      }
      expectedNext = doc.lastPosition + 1;
    }
    return out;
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
   * process took the position: it is tried again) or its own stream/event-id conflict (reported to
   * its append), and the ones after it were not attempted and are tried again, in their order, at
   * the next free positions. Settles every commit of the group; never throws.
   */
  private async insertGroup(group: PendingCommit[]): Promise<void> {
    let todo = group;
    while (todo.length > 0) {
      let position: number;
      try {
        position = this.nextPosition ?? (await this.globalHead()) + 1;
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
        todo.forEach((c, i) => c.resolve({ kind: 'inserted', lastPosition: docs[i].lastPosition }));
        return;
      } catch (error) {
        this.nextPosition = undefined;
        const refused = refusedDocument(error, docs.length);
        if (refused === undefined) {
          // not a plain refusal (network, write concern, …): which documents are stored is unknown,
          // so every append of the group fails; a retry with the same event ids is idempotent.
          for (const c of todo) c.reject(error);
          return;
        }
        for (let i = 0; i < refused.index; i++) todo[i].resolve({ kind: 'inserted', lastPosition: docs[i].lastPosition });
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
          positionConflict = await this.isPositionConflict(refused.text, failed.streamId, doc.firstRevision, doc.eventIds);
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
   * Which unique index refused the insert: the position (try the next one) or the stream revision /
   * an event id (the append's own conflict). Servers differ in how they name the index in the error,
   * so when the message does not say, the store looks at what is there.
   */
  private async isPositionConflict(text: string, streamId: string, firstRevision: number, ids: string[]): Promise<boolean> {
    if (text.includes(INDEX.streamRevision) || text.includes(INDEX.eventIds) || text.includes('firstRevision') || text.includes('eventIds')) {
      return false;
    }
    if (text.includes(INDEX.lastPosition) || /_id_|"_id"|index: _id/.test(text)) return true;
    const taken = await this.commits.findOne({ $or: [{ streamId, firstRevision }, { eventIds: { $in: ids } }] }, { projection: { _id: 1 } });
    return taken === null;
  }

  private async globalHead(): Promise<number> {
    const doc = await this.commits.find({}, { projection: { lastPosition: 1 } }).sort({ lastPosition: -1 }).limit(1).next();
    return doc && doc.lastPosition > 0 ? doc.lastPosition : 0;
  }

  /** The stream's head as stored (never the cache); refreshes the cache. */
  private async head(streamId: string): Promise<StreamHead> {
    const doc = await this.commits
      .find({ streamId }, { projection: { _id: 1, lastRevision: 1, lastHash: 1 } })
      .sort({ firstRevision: -1 })
      .limit(1)
      .next();
    if (!doc) {
      this.heads.delete(streamId);
      return EMPTY_HEAD;
    }
    let hash = doc.lastHash;
    if (hash === undefined) {
      // a commit written before `lastHash` existed: take the hash of its last event (lookup by _id)
      const full = await this.commits.findOne({ _id: doc._id }, { projection: { events: 1 } });
      if (!full) return this.head(streamId);
      hash = full.events[full.events.length - 1].hash;
    }
    const head = { revision: doc.lastRevision, hash };
    this.rememberHead(streamId, head);
    return head;
  }

  /** The head for a new append: the cached one when it agrees with `expected`, else the stored one. */
  private async headFor(streamId: string, expected: ComparedRevision | 'any'): Promise<StreamHead> {
    const cached = this.heads.get(streamId);
    if (cached && (expected === 'any' || expected === cached.revision)) return cached;
    return this.head(streamId);
  }

  private rememberHead(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId); // re-insert: the Map's order is the eviction order (least recently written first)
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
  }

  private async eventsById(ids: string[]): Promise<StoredEvent[]> {
    const wanted = new Set(ids);
    const docs = await this.commits.find({ eventIds: { $in: ids } }).toArray();
    return docs.flatMap(unwrap).filter((e) => wanted.has(e.id));
  }
}

function toCommitDoc(streamId: string, built: EncodedEvent[], position: number): CommitDoc {
  const first = built[0].event;
  const last = built[built.length - 1].event;
  return {
    _id: position,
    lastPosition: position + built.length - 1,
    streamId,
    firstRevision: first.revision,
    lastRevision: last.revision,
    lastHash: last.hash,
    eventIds: built.map(({ event }) => event.id),
    events: built.map(({ event: e, dataJson }) => {
      const sub: StoredSubEvent = {
        id: e.id,
        type: e.type,
        schemaVersion: e.schemaVersion,
        occurredAt: e.occurredAt,
        recordedAt: e.recordedAt,
        actor: { userId: e.actor.userId, role: e.actor.role, unitId: e.actor.unitId, ...(e.actor.directoryVersion !== undefined ? { directoryVersion: e.actor.directoryVersion } : {}) },
        correlationId: e.correlationId,
        causationId: e.causationId,
        jurisdiction: e.jurisdiction,
        data: dataJson,
        hash: e.hash,
      };
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

function unwrap(doc: CommitDoc): StoredEvent[] {
  return doc.events.map((s, i) => {
    const event: StoredEvent = {
      id: s.id,
      type: s.type,
      schemaVersion: s.schemaVersion,
      streamId: doc.streamId,
      revision: doc.firstRevision + i,
      globalPosition: doc._id + i,
      occurredAt: s.occurredAt,
      recordedAt: s.recordedAt,
      actor: { userId: s.actor.userId, role: s.actor.role, unitId: s.actor.unitId, ...(s.actor.directoryVersion !== undefined ? { directoryVersion: s.actor.directoryVersion } : {}) },
      correlationId: s.correlationId,
      causationId: s.causationId,
      jurisdiction: [...s.jurisdiction],
      data: decodeData(s.data),
      hash: s.hash,
    };
    if (s.legalBasis !== undefined && s.legalBasis !== null) event.legalBasis = s.legalBasis;
    if (typeof s.traceparent === 'string') event.traceparent = s.traceparent;
    return event;
  });
}

async function closeAndReturn<T>(cursor: { close(): Promise<void> }, value: T): Promise<T> {
  await cursor.close();
  return value;
}
