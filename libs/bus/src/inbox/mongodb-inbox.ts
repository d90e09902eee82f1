/**
 * The inbox in MongoDB (distributed mode). Works on FerretDB: a unique index on
 * (group, messageId) decides between concurrent deliveries (the loser's insert fails with a
 * duplicate key); every later change is a conditional single-document update; no transactions.
 *
 * FerretDB 1.24 does not apply an update's filter atomically (it reads, then writes by `_id`: of 20
 * concurrent compare-and-sets from one value, up to 12 succeed; issue 15), so a takeover is decided
 * by an insert too: a marker `{ group, messageId: '<id>#takeover#<owner>#<leaseUntil>' }` for the
 * expired claim it takes over; only the inbox whose marker insert succeeds updates the claim. The
 * marker is stored `done` (pruned with the other done records). Left as it is: the old owner's
 * `renew` / `markDone` racing the takeover's update on FerretDB (the old owner finished its work
 * after its lease ran out); on MongoDB the filtered update excludes it.
 */
import { MongoServerError, type Collection, type Db, type WriteConcernSettings } from 'mongodb';
import { ClaimingInbox, type InboxOptions, type InboxRecord, type InboxRecords } from './claiming-inbox';

export interface InboxDocument {
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

class MongoInboxRecords implements InboxRecords {
  constructor(
    private readonly c: Collection<InboxDocument>,
    private readonly writeConcern: WriteConcernSettings,
  ) {}

  async insertClaim(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean> {
    try {
      await this.c.insertOne({ group, messageId: id, status: 'pending', owner, leaseUntil }, { writeConcern: this.writeConcern });
      return true;
    } catch (e) {
      if (e instanceof MongoServerError && e.code === DUPLICATE_KEY) return false;
      throw e;
    }
  }

  async read(group: string, id: string): Promise<InboxRecord | undefined> {
    const d = await this.c.findOne({ group, messageId: id });
    return d ? { status: d.status, owner: d.owner, leaseUntil: d.leaseUntil } : undefined;
  }

  async takeOver(group: string, id: string, expected: InboxRecord, owner: string, leaseUntil: number): Promise<boolean> {
    const marker = `${id}#takeover#${expected.owner}#${expected.leaseUntil}`;
    if (!(await this.insertMarker(group, marker, owner))) return false;
    const r = await this.c.updateOne(
      { group, messageId: id, status: 'pending', owner: expected.owner, leaseUntil: expected.leaseUntil },
      { $set: { owner, leaseUntil } },
      { writeConcern: this.writeConcern },
    );
    return r.modifiedCount === 1;
  }

  /** One taker per expired claim: the marker's insert is refused for every other. */
  private async insertMarker(group: string, marker: string, owner: string): Promise<boolean> {
    try {
      await this.c.insertOne({ group, messageId: marker, status: 'done', owner, leaseUntil: 0, doneAt: new Date() }, { writeConcern: this.writeConcern });
      return true;
    } catch (e) {
      if (e instanceof MongoServerError && e.code === DUPLICATE_KEY) return false;
      throw e;
    }
  }

  async renew(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean> {
    const r = await this.c.updateOne({ group, messageId: id, status: 'pending', owner }, { $set: { leaseUntil } }, { writeConcern: this.writeConcern });
    return r.matchedCount === 1;
  }

  async markDone(group: string, id: string, owner: string, doneAt: Date): Promise<boolean> {
    const r = await this.c.updateOne(
      { group, messageId: id, status: 'pending', owner },
      { $set: { status: 'done', doneAt } },
      { writeConcern: this.writeConcern },
    );
    return r.modifiedCount === 1;
  }

  async release(group: string, id: string, owner: string): Promise<void> {
    await this.c.deleteOne({ group, messageId: id, status: 'pending', owner }, { writeConcern: this.writeConcern });
  }

  async prune(before: Date): Promise<number> {
    const r = await this.c.deleteMany({ status: 'done', doneAt: { $lt: before } });
    return r.deletedCount;
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
