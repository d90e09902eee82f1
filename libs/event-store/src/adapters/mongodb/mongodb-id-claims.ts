/**
 * Insert-first idempotency for the MongoDB event store (issue 15). Before its commit, an append
 * inserts one **claim** per event id (`_id` = event id): `{ claimStream, owner, at }`. The insert is
 * the check: the unique `_id` index refuses an id that is already claimed, and that check is served
 * by the index on every server. So an append whose ids are new sends no read at all before its commit.
 *
 * Where the claims live (decided once per store, kept in `<name>_meta`, see mongodb-layout.ts):
 * - **beside the commits**, in the commits collection itself, where the server's unique indexes let
 *   any number of documents lack the indexed fields (FerretDB: a missing field is a NULL, and NULLs
 *   never collide). Then the claims and the commit go out as one ordered `insertMany`: one round trip
 *   and, on FerretDB, one PostgreSQL transaction. The order is the guarantee: an ordered insert stops
 *   at the first refused document, so the commit after the claims is stored only if every claim was.
 * - in **`<name>_ids`** where a unique index counts a missing field as a value (MongoDB): claims
 *   would collide there on `lastPosition: null`. They are inserted first, then the commit.
 * Claims of layout 2 carry `streamId` instead of `claimStream` (a claim beside the commits must not:
 * a stream read asks for `{ streamId }`).
 *
 * A refused id is the slow path: the claim names its stream, the stream's commits are read, and the
 * port's idempotency rule decides (replay of the stored append, or `DuplicateEventIdError`). A claim
 * whose events are not stored belongs to an append still in flight, or to a writer that died between
 * its claims and its commit: the refused append releases its own new claims, waits and tries again;
 * a claim older than the lease (or one of this store instance's own claims that no running append
 * holds, e.g. after a network error on the commit) is taken over.
 *
 * What guarantees correctness without atomic updates (FerretDB's delete is a read then a delete):
 * - *one taker per stale claim*: taking over first inserts a takeover marker keyed by the claim's id,
 *   its `at` and the lease period elapsed since (`generation`); only the append whose marker insert
 *   succeeds deletes the stale claim (filter `_id` + `owner` + `at`) and claims the id again. A taker
 *   that dies after its marker blocks nobody for longer than one lease: the next period has a new key.
 * - *the lease*: an append that took longer than half the lease since claiming does not insert its
 *   commit on those claims; it releases them and claims again. Two commits with one id therefore need
 *   a commit insert to take longer than half the lease (default 30 s). With a fixed expected revision
 *   even that cannot store twice (the unique `(streamId, firstRevision)` index refuses the second);
 *   on MongoDB the unique multikey index on `eventIds` refuses it outright (FerretDB has no such
 *   index: it would index the whole array as one entry, see mongodb-event-store.ts).
 */
import { MongoBulkWriteError, MongoServerError, type Collection, type WriteConcernSettings } from 'mongodb';
import { newId } from '@fengqiao/kernel';

export interface IdDoc {
  _id: string;
  /** The stream of the append that claimed the id. */
  claimStream?: string;
  /** Layout 2 (`<name>_ids` only): the same. */
  streamId?: string;
  /** Layout-2 documents written after their commit: the commit's position. */
  position?: number;
  /** Claims: the store instance that claimed the id, and when. */
  owner?: string;
  at?: Date;
}

const DUPLICATE_KEY = 11000;
export const DEFAULT_CLAIM_LEASE_MS = 30_000;

/** The stream named by a claim or id document, of either layout. */
export function claimStreamOf(doc: IdDoc): string {
  return doc.claimStream ?? doc.streamId ?? '';
}

export type ClaimOutcome = { kind: 'claimed'; at: number } | { kind: 'refused'; refused: IdDoc[]; missing: string[] };

export class IdClaims {
  /** This store instance: its claims with no append running may be taken over at once. */
  readonly owner = newId();
  /** Ids claimed by appends of this instance that are still running. */
  private readonly inFlight = new Set<string>();

  /** `where.ids`: the claims' collection, read at each use (the store's migration settles it after construction). */
  constructor(
    private readonly where: { readonly ids: Collection<IdDoc> },
    private readonly writeConcern: WriteConcernSettings,
    readonly leaseMs: number,
  ) {}

  /**
   * Inserts the claims (one unordered `insertMany`). All new: `claimed`. Otherwise the claims this
   * call inserted are released again and the documents that refused the others are returned
   * (`missing`: refused ids whose document is gone by now, e.g. released meanwhile).
   */
  async claim(streamId: string, ids: readonly string[]): Promise<ClaimOutcome> {
    const at = Date.now();
    const refusedIds = await this.insert(this.hold(streamId, ids, at));
    if (refusedIds.length === 0) return { kind: 'claimed', at };
    const refusedSet = new Set(refusedIds);
    await this.releaseIds(ids.filter((id) => !refusedSet.has(id)));
    const found = await Promise.all(refusedIds.map((id) => this.where.ids.findOne({ _id: id })));
    return {
      kind: 'refused',
      refused: found.filter((d): d is IdDoc => d !== null),
      missing: refusedIds.filter((_, i) => found[i] === null),
    };
  }

  /**
   * The claim documents of a running append, held by it from now on (its own claims are not taken
   * over by this instance while it runs): for `claim`, or to go out with the commit in one insert.
   */
  hold(streamId: string, ids: readonly string[], at: number): IdDoc[] {
    for (const id of ids) this.inFlight.add(id);
    return ids.map((id) => ({ _id: id, claimStream: streamId, owner: this.owner, at: new Date(at) }));
  }

  /** Releases the claims of an append that stored nothing (its conflict, or its own failure). */
  async release(ids: readonly string[]): Promise<void> {
    await this.releaseIds(ids);
  }

  /** The append is over (stored or failed): its claims stay, but are no longer held by a running append. */
  done(ids: readonly string[]): void {
    for (const id of ids) this.inFlight.delete(id);
  }

  /** Whether a claim whose events are not stored may be taken over now. */
  isStale(doc: IdDoc, now = Date.now()): boolean {
    if (!(doc.at instanceof Date)) return true; // a layout-2 id document whose commit is gone
    if (doc.owner === this.owner && !this.inFlight.has(doc._id)) return true;
    return now - doc.at.getTime() > this.leaseMs;
  }

  /**
   * Takes over a stale claim: the marker insert decides the one taker per lease period, which then
   * deletes the stale claim (only if it is still that claim). Returns whether this call took it.
   */
  async takeOver(doc: IdDoc, now = Date.now()): Promise<boolean> {
    const at = doc.at instanceof Date ? doc.at.getTime() : 0;
    const generation = Math.floor(Math.max(0, now - at) / this.leaseMs);
    const marker = `takeover:${doc._id}:${at}:${generation}`;
    if ((await this.insert([{ _id: marker, claimStream: claimStreamOf(doc), owner: this.owner, at: new Date(now) }])).length > 0) return false;
    const filter = doc.at instanceof Date ? { _id: doc._id, owner: doc.owner, at: doc.at } : { _id: doc._id };
    await this.where.ids.deleteOne(filter, { writeConcern: this.writeConcern });
    return true;
  }

  private async releaseIds(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.inFlight.delete(id);
    await Promise.all(ids.map((id) => this.where.ids.deleteOne({ _id: id, owner: this.owner }, { writeConcern: this.writeConcern })));
  }

  /** Inserts, unordered; returns the ids refused as duplicates (any other failure throws). */
  private async insert(docs: IdDoc[]): Promise<string[]> {
    try {
      if (docs.length === 1) await this.where.ids.insertOne(docs[0], { writeConcern: this.writeConcern });
      else await this.where.ids.insertMany(docs, { ordered: false, writeConcern: this.writeConcern });
      return [];
    } catch (e) {
      if (docs.length === 1 && e instanceof MongoServerError && e.code === DUPLICATE_KEY) return [docs[0]._id];
      if (!(e instanceof MongoBulkWriteError)) throw e;
      const errors = (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]).filter((w) => w !== undefined);
      if (errors.length === 0 || errors.some((w) => w.code !== DUPLICATE_KEY)) throw e;
      return errors.map((w) => docs[w.index]._id);
    }
  }
}
