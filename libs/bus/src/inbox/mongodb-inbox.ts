/**
 * The inbox in MongoDB (distributed mode). Works on FerretDB: every claim is keyed by `_id` =
 * `claimKey(group, messageId)`, so concurrent deliveries are decided by the `_id` index (the loser's
 * insert fails with a duplicate key), and every lookup and conditional update is an equality on `_id`:
 * indexed on MongoDB, pushed down and indexed on FerretDB, whatever the server's planner makes of the
 * other fields (issue 15: FerretDB on PostgreSQL answered `{ group, messageId, … }` from an index on
 * `group` alone, so every claim cost a read of every claim of its consumer group). No transactions.
 *
 * Claims stored before this layout have an ObjectId `_id`; the unique index on (group, messageId)
 * stays, so a new-layout insert for a message with an old claim is still refused, and a lookup or
 * write that finds nothing by `_id` tries the old claim by (group, messageId) once (only then: a
 * claim of this layout is always found by `_id`).
 *
 * FerretDB 1.24 does not apply an update's filter atomically (it reads, then writes by `_id`: of 20
 * concurrent compare-and-sets from one value, up to 12 succeed; issue 15), so a takeover is decided
 * by an insert too: a marker `{ group, messageId: '<id>#takeover#<owner>#<leaseUntil>' }` for the
 * expired claim it takes over; only the inbox whose marker insert succeeds updates the claim. The
 * marker is stored `done` (pruned with the other done records). Left as it is: the old owner's
 * `renew` / `markDone` racing the takeover's update on FerretDB (the old owner finished its work
 * after its lease ran out); on MongoDB the filtered update excludes it.
 */
import { MongoServerError, type Collection, type ObjectId, type Db, type Filter, type WriteConcernSettings } from 'mongodb';
import { ClaimingInbox, type InboxOptions, type InboxRecord, type InboxRecords } from './claiming-inbox';

export interface InboxDocument {
  /** `claimKey(group, messageId)`; an ObjectId on claims stored before that layout */
  _id: string | ObjectId;
  group: string;
  messageId: string;
  status: 'pending' | 'done';
  owner: string;
  leaseUntil: number;
  doneAt?: Date;
}

export interface MongoInboxOptions extends InboxOptions {
  db: Db;
  /** Default `inbox`. */
  collection?: string;
  /** Default `{ w: 'majority', journal: true }`. */
  writeConcern?: WriteConcernSettings;
}

const DUPLICATE_KEY = 11000;
export const INBOX_UNIQUE_INDEX = 'group_message_unique';

/** A claim's `_id`: the group's length first, so no two (group, messageId) pairs share a key whatever characters they hold. */
export function claimKey(group: string, messageId: string): string {
  return `${group.length}:${group}/${messageId}`;
}

class MongoInboxRecords implements InboxRecords {
  constructor(
    private readonly c: Collection<InboxDocument>,
    private readonly writeConcern: WriteConcernSettings,
  ) {}

  insertClaim(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean> {
    return this.insert({ _id: claimKey(group, id), group, messageId: id, status: 'pending', owner, leaseUntil });
  }

  async read(group: string, id: string): Promise<InboxRecord | undefined> {
    const d = (await this.c.findOne({ _id: claimKey(group, id) })) ?? (await this.c.findOne({ group, messageId: id }));
    return d ? { status: d.status, owner: d.owner, leaseUntil: d.leaseUntil } : undefined;
  }

  async takeOver(group: string, id: string, expected: InboxRecord, owner: string, leaseUntil: number): Promise<boolean> {
    const marker = `${id}#takeover#${expected.owner}#${expected.leaseUntil}`;
    if (!(await this.insert({ _id: claimKey(group, marker), group, messageId: marker, status: 'done', owner, leaseUntil: 0, doneAt: new Date() })))
      return false;
    const r = await this.update(group, id, { status: 'pending', owner: expected.owner, leaseUntil: expected.leaseUntil }, { owner, leaseUntil });
    return r.modifiedCount === 1;
  }

  async renew(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean> {
    return (await this.update(group, id, { status: 'pending', owner }, { leaseUntil })).matchedCount === 1;
  }

  async markDone(group: string, id: string, owner: string, doneAt: Date): Promise<boolean> {
    return (await this.update(group, id, { status: 'pending', owner }, { status: 'done', doneAt })).modifiedCount === 1;
  }

  async release(group: string, id: string, owner: string): Promise<void> {
    const r = await this.c.deleteOne({ _id: claimKey(group, id), status: 'pending', owner }, { writeConcern: this.writeConcern });
    if (r.deletedCount === 0) await this.c.deleteOne({ group, messageId: id, status: 'pending', owner }, { writeConcern: this.writeConcern });
  }

  async prune(before: Date): Promise<number> {
    const r = await this.c.deleteMany({ status: 'done', doneAt: { $lt: before } });
    return r.deletedCount;
  }

  /** An insert the unique indexes may refuse: false then. */
  private async insert(doc: InboxDocument): Promise<boolean> {
    try {
      await this.c.insertOne(doc, { writeConcern: this.writeConcern });
      return true;
    } catch (e) {
      if (e instanceof MongoServerError && e.code === DUPLICATE_KEY) return false;
      throw e;
    }
  }

  /** A conditional update of the claim by `_id`; when nothing matched, of a claim stored before that layout. */
  private async update(group: string, id: string, condition: Filter<InboxDocument>, set: Partial<InboxDocument>) {
    const options = { writeConcern: this.writeConcern };
    const r = await this.c.updateOne({ _id: claimKey(group, id), ...condition }, { $set: set }, options);
    return r.matchedCount > 0 ? r : this.c.updateOne({ group, messageId: id, ...condition }, { $set: set }, options);
  }
}

export class MongoInbox extends ClaimingInbox {
  private constructor(records: MongoInboxRecords, options: MongoInboxOptions) {
    super(records, options);
  }

  /** Creates the unique index (idempotent) and returns a ready inbox. */
  static async create(options: MongoInboxOptions): Promise<MongoInbox> {
    const c = options.db.collection<InboxDocument>(options.collection ?? 'inbox');
    await c.createIndex({ group: 1, messageId: 1 }, { unique: true, name: INBOX_UNIQUE_INDEX });
    return new MongoInbox(new MongoInboxRecords(c, options.writeConcern ?? { w: 'majority', journal: true }), options);
  }
}
