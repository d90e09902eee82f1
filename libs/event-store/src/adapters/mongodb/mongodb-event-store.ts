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
 *   and, only where that copy would not read back as the same JSON value (a key or string changed
 *   to be storable, an array inside an array, a lone surrogate; see `storedData`), `json`: the RFC
 *   8785 canonical JSON of `data`, the very bytes the hash covers, which is then what is read back
 *   (otherwise the BSON copy is: BSON keeps each JSON number as the same double, and key order is
 *   the canonical one it was written in),
 *   `occurredAt` / `recordedAt` as BSON dates (plus `occurredAtText` when the writer's text is not
 *   the date's `toISOString()`, e.g. `+08:00` or more than millisecond digits).
 * - `events_streams` — a **stream head** per stream, `_id` = stream id: `{ revision, hash,
 *   firstRevision, position }` of the last commit a writer saw. A hint, written every 32 commits of a
 *   process to the stream (an update costs FerretDB a read and a write) and by a reader that walked:
 *   a reader of it walks forward with `{ streamId, firstRevision: revision + 1 }` (equality) until
 *   no commit follows, so a lost or late update only costs lookups, never correctness.
 * - a **claim** per event id, `_id` = event id, `{ claimStream, owner, at }`, inserted before the
 *   commit: the insert is the idempotency check (insert-first, with a lease for a writer that died
 *   between its claims and its commit; see mongodb-id-claims.ts). Where the server allows it
 *   (FerretDB) the claims live in `events` itself, beside the commits (string `_id`s, no commit
 *   field: the unique indexes skip them, readers never ask for them), and go out with their commit in
 *   one ordered insert; elsewhere (MongoDB) in `events_ids`, inserted first. Older documents are
 *   `{ claimStream | streamId, position }`, written after their commit. A BI tool reading `events`
 *   asks for `{ lastPosition: { $exists: true } }` to see commits only.
 * - `events_meta` — `{ _id: 'position', position }`: the last position a writer stored (a hint,
 *   never ahead of the truth), and `{ _id: 'layout', version, claimsBeside }`.
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
 * probes the `_id`s just below it. A reader at the end of the log (a checkpoint this process saw a
 * commit end at: a relay or projector following the store) first looks up the next commits by `_id`
 * instead of fetching the whole page again: 16 in a row on MongoDB; on FerretDB, where a page read
 * costs about 0.4 ms of CPU per commit it returns and a lookup about five commits' worth, as many
 * as the commits of the page before the reader would cost (see mongodb-read-all.ts). A stream read is
 * one `{ streamId }` equality query, ordered here.
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
 * writes their stream heads and id documents. From layout 2 (claims in `events_ids` on every
 * server) it copies the claims beside the commits where they now live there. Then it records layout
 * version 3 (mongodb-layout.ts). Old commits keep `data` as a string and their instants as strings
 * and read back unchanged. Stop every process of the old version before starting the new one (an
 * old writer during the migration would write commits without id documents, or claims apart).
 *
 * Measured on FerretDB 1.24 (issue 15): "pushed down" is not "indexed". Both backends push these
 * equalities down, but as `(_jsonb -> 'field') @> value` (PostgreSQL) or a JSON expression (SQLite),
 * which the btree indexes FerretDB creates on `(_jsonb -> 'field')` cannot serve: every read,
 * `_id` included, is a sequential scan of its collection there (checked with EXPLAIN). Only the
 * uniqueness checks of inserts use the indexes. So on FerretDB 1.24 a read costs in proportion to its
 * collection, whatever the query, and the warm append reads nothing: one insert of the claims and
 * the commit (the hints every 32 commits are written after it, in the background). On MongoDB
 * every query here is an index lookup.
 *
 * Durability: writes use write concern `{ w: 'majority', j: true }` by default, so a resolved append
 * is journaled (and replicated to a majority on a replica set).
 *
 * Files: this one is the store (append with its claims and stream heads, stream reads, hints after a
 * commit); mongodb-commit-doc.ts the documents and their mapping; mongodb-layout.ts the indexes, the
 * migration and the shared writes (hints, id documents); mongodb-commit-inserter.ts the grouped
 * commit insert at the next free positions; mongodb-read-all.ts read-all by pages;
 * mongodb-id-claims.ts the claims.
 */
import { MongoBulkWriteError, MongoClient, MongoError, MongoServerError, type WriteConcernSettings, type Db } from 'mongodb';
import { systemClock, type Clock } from '@fengqiao/kernel';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, StreamRevision } from '../../event-store.port';
import {
  EMPTY_HEAD,
  assertStreamId,
  checkExpectedRevision,
  encodeEvents,
  matchIdempotentAppend,
  normaliseExpected,
  normaliseReadStream,
  sliceStream,
  validateNewEvents,
  type StreamHead,
} from '../../envelope';
import { WrongExpectedRevisionError, type ComparedRevision } from '../../errors';
import { CommitInserter } from './mongodb-commit-inserter';
import { MAX_INSERT_DOCS, commitBody, lastHashOf, unwrap, type CommitBody, type CommitDoc, type HeadDoc, type MetaDoc } from './mongodb-commit-doc';
import { DEFAULT_CLAIM_LEASE_MS, IdClaims, claimStreamOf, type IdDoc } from './mongodb-id-claims';
import { ensureIndexes, isFerretDb, migrate, writeHint, writeIdDocs, type MongoCollections } from './mongodb-layout';
import { FERRETDB_LOOKUP_IN_PAGE_COMMITS, ReadAllPages } from './mongodb-read-all';

export { PAGE_POSITIONS, bsonCopy, pageOf, type CommitDoc } from './mongodb-commit-doc';
export { LAYOUT_VERSION } from './mongodb-layout';

export interface MongoEventStoreOptions {
  /** An open database handle; the store does not close its client. */
  db: Db;
  /** Default `'events'`; the other collections are named after it (`<name>_streams`, `<name>_meta`, and `<name>_ids` where the claims live apart). */
  collection?: string;
  clock?: Clock;
  /** Default `{ w: 'majority', journal: true }`. */
  writeConcern?: WriteConcernSettings;
  /** How long an event-id claim of a running append is honoured (default 30 s; see mongodb-id-claims.ts). */
  claimLeaseMs?: number;
  /** Told what a layout migration at `create` does and how far it got (a large store takes minutes); default silent. */
  onMigrationProgress?: (message: string) => void;
  /** Documents between two progress reports of a migration (default 10,000). */
  migrationReportEvery?: number;
}

/** A stream's head as known to this process, with the commit that holds it. */
interface KnownHead extends StreamHead {
  /** First revision and position of the last commit (undefined: no stream). */
  firstRevision?: number;
  position?: number;
  /** Commits this process stored on the stream since it last wrote (or read) the stream head hint. */
  sinceHint?: number;
}

/**
 * The stream head and position hints are written every this many commits (see afterCommit). An
 * update costs FerretDB a read and a write (about as much server time as a commit insert), so a hint
 * per 8 commits cost about a tenth of an append; a process with nothing cached walks at most this
 * many equality lookups past a hint (a decider's stream read leaves the head cached: no walk).
 */
export const HINT_EVERY = 32;
/** Streams whose head is cached per store instance. */
const HEAD_CACHE_SIZE = 10_000;

export class MongoEventStore implements EventStore {
  private readonly c: MongoCollections;
  private readonly clock: Clock;
  private readonly claims: IdClaims;
  private readonly inserter: CommitInserter;
  private readonly pages: ReadAllPages;
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
  /** The hint writes running in the background, if any, and the hints waiting for them (see afterCommit). */
  private hintWrites: Promise<void> | undefined;
  private readonly pendingHeadHints = new Map<string, Omit<HeadDoc, '_id'>>();
  private pendingPositionHint: number | undefined;
  /** Why the last hint write failed, if one did (the hint is left behind; readers walk on). */
  lastHintError: unknown;
  /** The last append queued per stream in this process. */
  private readonly streamQueues = new Map<string, Promise<unknown>>();

  private constructor(options: MongoEventStoreOptions, ferretDb: boolean) {
    const name = options.collection ?? 'events';
    const db: Db = options.db;
    const writeConcern: WriteConcernSettings = options.writeConcern ?? { w: 'majority', journal: true };
    this.c = {
      db,
      commits: db.collection<CommitDoc>(name),
      streams: db.collection<HeadDoc>(`${name}_streams`),
      ids: db.collection<IdDoc>(`${name}_ids`), // until `migrate` has read the layout
      idsApart: db.collection<IdDoc>(`${name}_ids`),
      meta: db.collection<MetaDoc>(`${name}_meta`),
      writeConcern,
    };
    this.clock = options.clock ?? systemClock;
    this.claims = new IdClaims(this.c, writeConcern, options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS);
    this.inserter = new CommitInserter(this.c);
    this.pages = new ReadAllPages(this.c.commits, ferretDb ? FERRETDB_LOOKUP_IN_PAGE_COMMITS : undefined);
  }

  /** Creates the indexes (idempotent), migrates an older layout, and returns a ready store. */
  static async create(options: MongoEventStoreOptions): Promise<MongoEventStore> {
    const ferretDb = await isFerretDb(options.db);
    const store = new MongoEventStore(options, ferretDb);
    store.uniqueEventIds = await ensureIndexes(store.c, ferretDb);
    await migrate(store.c, options.onMigrationProgress, options.migrationReportEvery);
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

  /** Whether the claims live in the commits collection and go out with their commit (see mongodb-id-claims.ts). */
  get claimsBesideCommits(): boolean {
    return this.c.ids !== this.c.idsApart;
  }

  /** The collection that holds the claims and id documents. */
  get claimsCollectionName(): string {
    return this.c.ids.collectionName;
  }

  /** Whether event ids are enforced unique by an index (see the header comment). */
  get enforcesUniqueEventIds(): boolean {
    return this.uniqueEventIds;
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
    // - Claims beside the commits: they go out with the commit, in one ordered insert.
    // - Claims apart: while the claims' insert is on its way, the commit is built on the cached
    //   head (or the head is looked up first), so its insert can go out as soon as the claims are in.
    /** When this append's claims were inserted (undefined: not yet, they go out with the commit). */
    let claimedAt: number | undefined;
    let prepared: { head: StreamHead; body: CommitBody } | undefined;
    if (!this.claimsBesideCommits || ids.length + 1 > MAX_INSERT_DOCS) {
      const claiming = this.claimOrReplay(streamId, events, expected);
      claiming.catch(() => undefined); // awaited below, after the preparation: a failure is not unhandled meanwhile
      prepared = await this.prepareAhead(streamId, events, expected);
      const claimed = await claiming;
      if (typeof claimed !== 'number') return claimed;
      claimedAt = claimed;
    }
    let stored = false;
    /** Claims the ids on their own (the slow path); the stored result when the append is a replay. */
    const claimApart = async (): Promise<AppendResult | undefined> => {
      claimedAt = undefined;
      const claimed = await this.claimOrReplay(streamId, events, expected);
      if (typeof claimed !== 'number') {
        stored = true;
        return claimed;
      }
      claimedAt = claimed;
      return undefined;
    };
    try {
      for (;;) {
        const head = await this.headFor(streamId, expected);
        if (expected !== 'any' && expected !== head.revision) {
          if (claimedAt === undefined) {
            // maybe a retry of an append that is stored: the claims tell (the idempotency rule comes first)
            const replay = await claimApart();
            if (replay) return replay;
            continue;
          }
          checkExpectedRevision(streamId, expected, head.revision);
        }
        if (claimedAt !== undefined && Date.now() - claimedAt > this.claims.leaseMs / 2) {
          // too slow to commit on these claims safely (another append may take them over soon)
          await this.claims.release(ids);
          const replay = await claimApart();
          if (replay) return replay;
        }
        // what was prepared on this very head is the commit; on any other head it is built again
        const body =
          prepared !== undefined && prepared.head === head
            ? prepared.body
            : commitBody(streamId, encodeEvents(streamId, events, head, this.clock.now().toISOString()));
        prepared = undefined;
        let claims: IdDoc[] | undefined;
        if (claimedAt === undefined) {
          claimedAt = Date.now();
          claims = this.claims.hold(streamId, ids, claimedAt);
        }
        const outcome = await this.inserter.insert(body, claims);
        if (outcome.kind === 'claim_failed') {
          // only the claims that went in are this append's to give back (a later id may be held by
          // an earlier append of this instance)
          claimedAt = undefined;
          await this.claims.release(outcome.stored).catch(() => undefined);
          throw outcome.error;
        }
        if (outcome.kind === 'claim_refused') {
          // an id is claimed already: give back the claims that went in (not the others: the refused
          // one may be this instance's own, of an earlier append), and look at the claim
          this.claims.done(ids);
          await this.claims.release(outcome.stored);
          const replay = await claimApart();
          if (replay) return replay;
          continue;
        }
        if (outcome.kind === 'inserted') {
          stored = true;
          const doc = outcome.doc;
          this.afterCommit(doc);
          return { streamId, firstRevision: doc.firstRevision, nextExpectedRevision: doc.lastRevision, lastPosition: doc.lastPosition };
        }
        // Another append took the revision: a fixed expected revision is a conflict, 'any' goes
        // round again on the new head (our claims stay ours).
        this.heads.delete(streamId);
        if (this.uniqueEventIds) {
          // MongoDB: the eventIds index refused an id whose claim is gone (deleted by hand)
          const holders = (await Promise.all(ids.map((id) => this.c.commits.findOne({ eventIds: id }, { projection: { streamId: 1 } })))).filter(
            (d) => d !== null,
          );
          const replay = matchIdempotentAppend(
            streamId,
            events,
            expected,
            await this.storedEvents(
              ids,
              holders.map((h) => ({ _id: '', claimStream: h.streamId })),
            ),
          );
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
      if (!stored && claimedAt !== undefined && !isUnknownOutcome(error)) await this.claims.release(ids).catch(() => undefined);
      throw error;
    } finally {
      this.claims.done(ids);
    }
  }

  /**
   * The work of an append that does not depend on its claims, done while their insert is on its
   * way: the head the append will build on (the cached one that `expected` accepts, none for a new
   * stream, else the stored head looked up: its reads run beside the claims' insert) and the commit
   * built on it, events encoded and hashed, data copied for BSON (after one turn of the event loop,
   * so that the claims' command is written to the socket first). The append uses it only if the head
   * it then finds is this very one. Undefined when there is nothing to prepare (`expected` is
   * already refused) or the preparation failed (the append does it again and reports the failure).
   */
  private async prepareAhead(
    streamId: string,
    events: readonly NewEvent[],
    expected: ComparedRevision | 'any',
  ): Promise<{ head: StreamHead; body: CommitBody } | undefined> {
    try {
      const cached = this.heads.get(streamId);
      let head: StreamHead;
      if (cached && (expected === 'any' || expected === cached.revision)) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.heads.get(streamId) !== cached) return undefined;
        head = cached;
      } else if (expected === 'no_stream') {
        if (cached) return undefined;
        await new Promise<void>((resolve) => setImmediate(resolve));
        head = EMPTY_HEAD; // what `headFor` answers for a new stream: no read
      } else {
        head = await this.head(streamId);
        if (expected !== 'any' && expected !== head.revision) return undefined;
      }
      return { head, body: commitBody(streamId, encodeEvents(streamId, events, head, this.clock.now().toISOString())) };
    } catch {
      return undefined;
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
    const streams = [...new Set(docs.map(claimStreamOf))];
    const commits = (await Promise.all(streams.map((s) => this.c.commits.find({ streamId: s }, { batchSize: 10_000 }).toArray()))).flat();
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
    const docs = (await this.c.commits.find({ streamId }, { batchSize: 10_000 }).toArray()).filter((d) => d._id > 0);
    docs.sort((a, b) => a.firstRevision - b.firstRevision);
    this.rememberStoredHead(streamId, docs[docs.length - 1]);
    return sliceStream(docs.flatMap(unwrap), o);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.pages.read(options);
  }

  async streamRevision(streamId: string): Promise<StreamRevision> {
    assertStreamId(streamId);
    return (await this.head(streamId)).revision;
  }

  async close(): Promise<void> {
    await this.inserter.idle();
    await this.hintWrites;
    const client = this.ownedClient;
    this.ownedClient = undefined;
    if (client) await client.close();
  }

  /**
   * What follows a stored commit: the cached head, and every HINT_EVERY commits the stream head and
   * position hints, written in the background: the append does not wait for them, and while one
   * write runs only the latest hint of each waits for the next. A hint is never needed for
   * correctness (readers walk on from it), so one that fails is only left behind; the failure is
   * kept in `lastHintError` and the next one is written as usual.
   */
  private afterCommit(doc: CommitDoc): void {
    this.pages.rememberEnd(doc.lastPosition);
    const cached = this.heads.get(doc.streamId);
    // The hints are written every HINT_EVERY commits of this process (per stream for the head): an
    // update is a read then a write on FerretDB (a scan of the heads), and a process with nothing
    // cached walks at most that many commits past a hint (a writer that collided walks on from the
    // position it collided at, not from the hint).
    const sinceHint = (cached?.sinceHint ?? 0) + 1;
    const hintHead = sinceHint >= HINT_EVERY;
    const head: KnownHead = {
      revision: doc.lastRevision,
      hash: lastHashOf(doc),
      firstRevision: doc.firstRevision,
      position: doc._id,
      sinceHint: hintHead ? 0 : sinceHint,
    };
    if (cached === undefined || cached.revision === 'no_stream' || cached.revision < doc.lastRevision) this.rememberHead(doc.streamId, head);
    this.sincePositionHint += 1;
    const hintPosition = this.sincePositionHint >= HINT_EVERY;
    if (hintPosition) this.sincePositionHint = 0;
    if (hintHead) {
      const waiting = this.pendingHeadHints.get(doc.streamId);
      if (!waiting || waiting.revision < doc.lastRevision) {
        this.pendingHeadHints.set(doc.streamId, { revision: doc.lastRevision, hash: head.hash, firstRevision: doc.firstRevision, position: doc._id });
      }
    }
    if (hintPosition) this.pendingPositionHint = Math.max(this.pendingPositionHint ?? 0, doc.lastPosition);
    this.hintWrites ??= this.writeHints().finally(() => (this.hintWrites = undefined));
  }

  /**
   * Writes the waiting hints until none waits (the latest of each: a hint written late is not
   * queued behind older ones). Never rejects.
   */
  private async writeHints(): Promise<void> {
    while (this.pendingHeadHints.size > 0 || this.pendingPositionHint !== undefined) {
      const heads = [...this.pendingHeadHints];
      const position = this.pendingPositionHint;
      this.pendingHeadHints.clear();
      this.pendingPositionHint = undefined;
      try {
        await Promise.all([
          ...heads.map(([streamId, fields]) => writeHint(this.c, this.c.streams, streamId, fields)),
          position === undefined ? undefined : writeHint(this.c, this.c.meta, 'position', { position }),
        ]);
      } catch (error) {
        this.lastHintError = error;
      }
    }
  }

  /**
   * The stream's head as stored: from the cached head (or else the head hint), the stream's next
   * commits by `{ streamId, firstRevision }` until none follows (writing the id documents of
   * commits walked over, which a crashed writer may have left out). Refreshes the cache and, if it
   * walked, the hint.
   */
  private async head(streamId: string): Promise<KnownHead> {
    // A head this process stored or walked to is never ahead of the stored one (commits are never
    // removed): the walk starts there without reading the hint, and usually ends at its first lookup.
    const cached = this.heads.get(streamId);
    const hint = cached ? null : await this.c.streams.findOne({ _id: streamId });
    let head: KnownHead = cached
      ? { revision: cached.revision, hash: cached.hash, firstRevision: cached.firstRevision, position: cached.position }
      : hint
        ? { revision: hint.revision, hash: hint.hash, firstRevision: hint.firstRevision, position: hint.position }
        : EMPTY_HEAD;
    let walked: CommitDoc | undefined;
    for (;;) {
      const firstRevision = head.revision === 'no_stream' ? 0 : head.revision + 1;
      const next = await this.c.commits.findOne({ streamId, firstRevision });
      if (!next) break;
      await writeIdDocs(this.c, next);
      walked = next;
      head = { revision: next.lastRevision, hash: lastHashOf(next), firstRevision: next.firstRevision, position: next._id };
    }
    if (walked) {
      await writeHint(this.c, this.c.streams, streamId, {
        revision: walked.lastRevision,
        hash: lastHashOf(walked),
        firstRevision: walked.firstRevision,
        position: walked._id,
      });
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

  /**
   * A stream's last commit as just read: cached as its head (a decider's read followed by its append
   * then reads nothing more) unless the cache knows a later one. Commits are never removed, so this
   * is never ahead of the stored head; when it is behind, the append collides and walks as usual.
   */
  private rememberStoredHead(streamId: string, last: CommitDoc | undefined): void {
    if (!last) return;
    const cached = this.heads.get(streamId);
    if (cached && cached.revision !== 'no_stream' && cached.revision >= last.lastRevision) return;
    this.rememberHead(streamId, {
      revision: last.lastRevision,
      hash: lastHashOf(last),
      firstRevision: last.firstRevision,
      position: last._id,
      sinceHint: cached?.sinceHint,
    });
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
