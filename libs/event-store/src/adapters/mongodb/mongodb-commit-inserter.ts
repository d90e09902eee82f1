/**
 * The append's commit insert for the MongoDB event store: commits queued while an insert is in
 * flight go out together in one ordered `insertMany` at consecutive positions, each at the position
 * after the last commit visible (the unique `_id` refuses a position another process took first:
 * walk on and try again). See "Global positions without holes" in mongodb-event-store.ts.
 * Where the claims live beside the commits, a commit may bring its append's claims: they go into
 * the same ordered insert just before it, so the commit is stored only if all of them were.
 */
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { DUPLICATE_KEY, MAX_INSERT_DOCS, placeCommit, type CommitBody, type CommitDoc } from './mongodb-commit-doc';
import type { IdDoc } from './mongodb-id-claims';
import { INDEX, type MongoCollections } from './mongodb-layout';

/** Most commits inserted by one `insertMany`. */
const MAX_GROUP = 64;

/**
 * `claim_refused`: one of the claims brought along was refused (its id is claimed already);
 * `claim_failed`: the server refused one for another reason (`error`). Either way the ones before
 * it (`stored`: their ids) are stored, the commit is not.
 */
export type InsertOutcome =
  | { kind: 'inserted'; doc: CommitDoc }
  | { kind: 'stream_conflict' }
  | { kind: 'claim_refused'; stored: string[] }
  | { kind: 'claim_failed'; stored: string[]; error: unknown };

interface PendingCommit {
  body: CommitBody;
  /** Claims to insert just before the commit (claims beside the commits only); cleared once stored. */
  claims: IdDoc[] | undefined;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

export class CommitInserter {
  /** Commits waiting for the next grouped insert, in arrival order. */
  private readonly pendingCommits: PendingCommit[] = [];
  /** The running insert loop, if any: one group in flight at a time per store. */
  private draining: Promise<void> | undefined;
  /** Next free position as last seen by this process (undefined: find it from the hint). */
  private nextPosition: number | undefined;
  /** A position another commit was seen to hold: the walk to the next free one starts there, not at the hint. */
  private takenPosition = 0;

  constructor(private readonly c: MongoCollections) {}

  /** Resolves when no insert is in flight (for `close`). */
  async idle(): Promise<void> {
    await this.draining;
  }

  /**
   * Queues a commit (with its append's claims, where they live beside the commits) for the next
   * grouped insert; resolves when it is stored or refused.
   */
  insert(body: CommitBody, claims?: IdDoc[]): Promise<InsertOutcome> {
    return new Promise<InsertOutcome>((resolve, reject) => {
      this.pendingCommits.push({ body, claims: claims !== undefined && claims.length > 0 ? claims : undefined, resolve, reject });
      if (this.draining === undefined) this.draining = this.drain();
    });
  }

  /** Inserts the queued commits, one group at a time, until the queue is empty. Never rejects. */
  private async drain(): Promise<void> {
    try {
      while (this.pendingCommits.length > 0) {
        // as many as fit in one insert (at least one: an append brings claims only if they fit)
        let count = 0;
        let docs = 0;
        for (const c of this.pendingCommits) {
          docs += 1 + (c.claims?.length ?? 0);
          if (count === MAX_GROUP || (count > 0 && docs > MAX_INSERT_DOCS)) break;
          count += 1;
        }
        await this.insertGroup(this.pendingCommits.splice(0, count));
      }
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * Inserts a group of commits at consecutive positions with one ordered `insertMany` (one round
   * trip, one journal write), each commit after the claims it brings. An ordered insert stops at the
   * first refused document: the ones before it are stored (commits at dense positions), the refused
   * one is a claim (reported to its append), a position conflict (another process took the position:
   * walk on and try again) or its commit's own stream/event-id conflict (reported to its append), and
   * the ones after it were not attempted and are tried again, in their order, at the next free
   * positions. Settles every commit of the group; never throws.
   */
  private async insertGroup(group: PendingCommit[]): Promise<void> {
    let waiting = group;
    while (waiting.length > 0) {
      let position: number;
      try {
        position = this.nextPosition ?? (await this.freePosition(this.takenPosition));
      } catch (error) {
        for (const c of waiting) c.reject(error);
        return;
      }
      const commits: CommitDoc[] = [];
      // the documents in insert order, and for each the commit it belongs to (index into `waiting`)
      const docs: (CommitDoc | IdDoc)[] = [];
      const owners: { commit: number; claim: boolean }[] = [];
      waiting.forEach((c, i) => {
        for (const claim of c.claims ?? []) {
          docs.push(claim);
          owners.push({ commit: i, claim: true });
        }
        const doc = placeCommit(c.body, position);
        commits.push(doc);
        docs.push(doc);
        owners.push({ commit: i, claim: false });
        position = doc.lastPosition + 1;
      });
      try {
        if (docs.length === 1) await this.c.commits.insertOne(commits[0], { writeConcern: this.c.writeConcern });
        else await this.c.commits.insertMany(docs as CommitDoc[], { ordered: true, writeConcern: this.c.writeConcern });
        this.nextPosition = position;
        waiting.forEach((c, i) => c.resolve({ kind: 'inserted', doc: commits[i] }));
        return;
      } catch (error) {
        this.nextPosition = undefined;
        this.takenPosition = Math.max(this.takenPosition, commits[0]._id);
        const refused = refusedDocument(error, docs.length);
        if (refused === undefined) {
          // not a plain refusal (network, write concern, …): which documents are stored is unknown,
          // so every append of the group fails; a retry with the same event ids is idempotent.
          for (const c of waiting) c.reject(error);
          return;
        }
        const { commit: at, claim } = owners[refused.index];
        for (let i = 0; i < at; i++) waiting[i].resolve({ kind: 'inserted', doc: commits[i] });
        const failed = waiting[at];
        const rest = waiting.slice(at + 1);
        if (claim) {
          // a claim of this commit's append: its id is claimed already (the append looks at the
          // claim), or refused otherwise; nothing of this commit's positions was used
          this.nextPosition = commits[at]._id;
          const stored = docs
            .slice(0, refused.index)
            .filter((_, i) => owners[i].commit === at)
            .map((d) => d._id as string);
          failed.resolve(refused.code === DUPLICATE_KEY ? { kind: 'claim_refused', stored } : { kind: 'claim_failed', stored, error: refused.error });
          waiting = rest;
          continue;
        }
        if (refused.code !== DUPLICATE_KEY) {
          failed.reject(refused.error);
          waiting = rest;
          continue;
        }
        failed.claims = undefined; // stored: they preceded the refused commit
        this.takenPosition = Math.max(this.takenPosition, commits[at]._id);
        const doc = commits[at];
        let positionConflict: boolean;
        try {
          positionConflict = await this.isPositionConflict(refused.text, doc);
        } catch (lookupError) {
          failed.reject(lookupError);
          waiting = rest;
          continue;
        }
        if (positionConflict) {
          waiting = [failed, ...rest];
        } else {
          failed.resolve({ kind: 'stream_conflict' });
          waiting = rest;
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
    const taken = await this.c.commits.findOne({ streamId: doc.streamId, firstRevision: doc.firstRevision }, { projection: { _id: 1 } });
    return taken === null;
  }

  /**
   * The first free position: from the hint (never ahead of the truth), then the next commit by
   * `_id` until none follows.
   */
  private async freePosition(taken: number): Promise<number> {
    let last = Math.max((await this.c.meta.findOne({ _id: 'position' }))?.position ?? 0, taken - 1);
    for (;;) {
      const next = await this.c.commits.findOne({ _id: last + 1 }, { projection: { lastPosition: 1 } });
      if (!next) return last + 1;
      last = next.lastPosition;
    }
  }
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
