/**
 * Read-all of the MongoDB event store: whole pages of commits by equality on `page`, stitched in
 * position order from the commit holding checkpoint + 1, stopping at the first gap (a commit not
 * visible to this query yet: the next read returns it). See "Read-all pages" in
 * mongodb-event-store.ts.
 */
import type { Collection } from 'mongodb';
import { DEFAULT_READ_ALL_MAX_COUNT, type ReadAllOptions, type StoredEvent } from '../../event-store.port';
import { maxCountOf, toSafeInteger } from '../../envelope';
import { PAGE_POSITIONS, pageOf, unwrap, type CommitDoc } from './mongodb-commit-doc';

/** `_id`s probed at once when a read starts inside a commit. */
const PROBE_BATCH = 16;
/** `_id` lookups a read at the end of the log makes at least before it goes on by pages. */
const TAIL_PROBES = 16;
/**
 * On FerretDB 1.24, what one `_id` lookup costs, in commits of a page read: a page read costs in
 * proportion to the commits it returns, those before the reader's position included, and one lookup
 * costs about as much as five of them. Measured on one of our 2-core machines (FerretDB 1.24 on
 * PostgreSQL 15, a page of 900 one-event commits of a case report): a lookup about 2 ms of CPU
 * (FerretDB 0.9–1.4, PostgreSQL 0.3, Node 0.5–0.7), the page 370 ms (FerretDB 325, PostgreSQL
 * 22, Node 19–24), 0.41 ms per commit.
 */
export const FERRETDB_LOOKUP_IN_PAGE_COMMITS = 5;
/** Commit ends remembered per store instance. */
const COMMIT_ENDS_SIZE = 10_000;

export class ReadAllPages {
  /**
   * Last positions of commits this process saw: a read-all that starts right after one of them
   * knows a commit (if any) starts there, so it need not probe below for a commit holding it.
   */
  private readonly commitEnds = new Set<number>();
  /** Tail lookups on their way, by `_id`: a reader asking for the same one while it runs shares it. */
  private readonly inFlight = new Map<number, SharedLookup>();

  /**
   * @param lookupInPageCommits what one `_id` lookup costs in commits of a page read, where that is
   *   known (FerretDB: `FERRETDB_LOOKUP_IN_PAGE_COMMITS`): a reader at the end of the log then follows
   *   it by lookups while they cost less than the page read they save (see `read`). Undefined
   *   (MongoDB, whose page reads are index scans that cost little per commit): TAIL_PROBES lookups.
   */
  constructor(
    private readonly commits: Collection<CommitDoc>,
    private readonly lookupInPageCommits?: number,
  ) {}

  async read(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
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
    let next = after + 1;
    // A reader at the end of the log (a relay or projector following it, the common case) reads after
    // the end of a commit it saw: the next commit, if any, starts at after + 1. It is looked up by
    // `_id` (one document) instead of fetching its whole page, whose earlier commits this reader
    // already has (on FerretDB every query returns the rows it matches, and a page holds up to
    // PAGE_POSITIONS commits). A reader that keeps finding commits goes on by pages once its lookups
    // have cost what the page read would waste: on FerretDB the commits of the page before `next`
    // (its positions there, at most one commit each), priced in lookups. Late in a page that is
    // many lookups (a relay behind by a burst of appends: on FerretDB a page read of 900 commits
    // cost as much CPU as some 180 lookups, and readers that fell 16 commits behind kept paying
    // it, which put them further behind); early in a page, few. Both ways the reader pays at most
    // about twice what the cheaper of the two would have cost.
    if (this.commitEnds.has(after)) {
      for (let probe = 0; probe < this.tailLookups(next); probe++) {
        const found = await this.lookup(next);
        if (!found || !take(found)) return out;
        next = found.lastPosition + 1;
      }
    }
    // Whole pages of commits by equality on `page`, stitched in position order from the commit that
    // holds `next`; a gap (a commit not visible to this query yet) ends the read: the next read
    // returns it.
    let page = pageOf(next);
    let byId = await this.pageOfCommits(page);
    let doc = byId.get(next) ?? [...byId.values()].find((d) => d._id < next && d.lastPosition >= next);
    if (!doc && !this.commitEnds.has(next - 1)) {
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

  /** How many `_id` lookups a reader at the end of the log makes before it reads the page of `next`. */
  private tailLookups(next: number): number {
    if (this.lookupInPageCommits === undefined) return TAIL_PROBES;
    const beforeInPage = next - pageOf(next) * PAGE_POSITIONS;
    return Math.max(TAIL_PROBES, Math.floor(beforeInPage / this.lookupInPageCommits));
  }

  private async pageOfCommits(page: number): Promise<Map<number, CommitDoc>> {
    const byId = new Map<number, CommitDoc>();
    // a page holds at most PAGE_POSITIONS commits: one batch, no getMore round trips
    for (const doc of await this.commits.find({ page }, { batchSize: PAGE_POSITIONS + 1 }).toArray()) byId.set(doc._id, doc);
    return byId;
  }

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

  /**
   * The commit at `_id` = `position`, by a tail lookup. The readers of one store in a process (its
   * relay, its projector, the audit follower) follow the log together, each woken by the same
   * append: a lookup asked for while the same one is on its way shares it (its answer is as fresh as
   * a query of one's own would be). Nothing is kept after the answer: a reader must see the store as
   * it is now, an altered or truncated one included (the audit's verification reads through here).
   * Each reader that joined gets its own copy of the commit's `data` (the first keeps the original),
   * made before any of them runs on: no reader sees another's edits.
   */
  private lookup(position: number): Promise<CommitDoc | null> {
    const shared = this.inFlight.get(position);
    if (shared) {
      const turn = shared.joined++;
      return shared.answer.then(() => shared.copies[turn] ?? null);
    }
    const entry: SharedLookup = { joined: 0, copies: [], answer: Promise.resolve(null) };
    entry.answer = this.commits.findOne({ _id: position }).then(
      (doc) => {
        this.inFlight.delete(position);
        if (doc) for (let i = 0; i < entry.joined; i++) entry.copies.push(withOwnData(doc));
        return doc;
      },
      (error: unknown) => {
        this.inFlight.delete(position);
        throw error;
      },
    );
    this.inFlight.set(position, entry);
    return entry.answer;
  }

  /** A commit ending at `lastPosition` was seen (stored by this process, or read). */
  rememberEnd(lastPosition: number): void {
    if (this.commitEnds.size >= COMMIT_ENDS_SIZE) this.commitEnds.clear();
    this.commitEnds.add(lastPosition);
  }
}

/** A tail lookup on its way and the readers that joined it (see `ReadAllPages.lookup`). */
interface SharedLookup {
  answer: Promise<CommitDoc | null>;
  joined: number;
  /** one copy of the commit per reader that joined, in the order they joined */
  copies: CommitDoc[];
}

/** The commit with its own copy of every event's `data` (JSON values); the rest `unwrap` copies anyway. */
function withOwnData(doc: CommitDoc): CommitDoc {
  return { ...doc, events: doc.events.map((e) => ({ ...e, data: copyJson(e.data) })) };
}

/** A copy of the arrays and plain objects in `value` (anything else, a string or a number, is shared as it is). */
function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyJson) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(Object.getPrototypeOf(value) ?? Object.prototype) === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyJson(v);
    return out as T;
  }
  return value;
}
