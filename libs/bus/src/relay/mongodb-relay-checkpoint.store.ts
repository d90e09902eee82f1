/**
 * Relay checkpoints in MongoDB (distributed mode). Works on FerretDB: one document per relay
 * (`_id` = relay name), moved forward with `$max` in a single-document upsert; no transactions.
 */
import { MongoServerError, type Collection, type Db, type WriteConcernSettings } from 'mongodb';
import { assertPosition, assertRelayName, type RelayCheckpointStore } from './relay-checkpoint.store';

export interface RelayCheckpointDocument {
  _id: string;
  position: number;
  updatedAt: Date;
}

const DUPLICATE_KEY = 11000;

export class MongoRelayCheckpointStore implements RelayCheckpointStore {
  constructor(
    private readonly collection: Collection<RelayCheckpointDocument>,
    private readonly writeConcern: WriteConcernSettings = { w: 'majority', journal: true },
  ) {}

  static forDb(db: Db, collectionName = 'relay_checkpoints'): MongoRelayCheckpointStore {
    return new MongoRelayCheckpointStore(db.collection<RelayCheckpointDocument>(collectionName));
  }

  async get(name: string): Promise<number | undefined> {
    assertRelayName(name);
    const doc = await this.collection.findOne({ _id: name });
    return doc?.position;
  }

  /** Saves of one name are serialised in this process, across instances (see `set`). */
  private static readonly queues = new Map<string, Promise<unknown>>();

  /**
   * Never moves a checkpoint back, on every backend and across processes: the comparison is in the
   * update's filter (`position < new`), which MongoDB and FerretDB both apply to the document they
   * write, instead of `$max`, which FerretDB 1.24 evaluates after a separate read. A first save
   * inserts; when two first saves race, the loser's insert hits the unique `_id` and it retries the
   * conditional update. Saves of one name are also serialised in this process (fewer round trips
   * lost to that race).
   */
  async set(name: string, position: number): Promise<void> {
    assertRelayName(name);
    assertPosition(position);
    const queues = MongoRelayCheckpointStore.queues;
    const key = `${this.collection.namespace}/${name}`;
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.save(name, position));
    queues.set(key, next);
    try {
      await next;
    } finally {
      if (queues.get(key) === next) queues.delete(key);
    }
  }

  private async save(name: string, position: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const moved = await this.collection.updateOne(
        { _id: name, position: { $lt: position } },
        { $set: { position, updatedAt: new Date() } },
        { writeConcern: this.writeConcern },
      );
      if (moved.matchedCount === 1) return;
      if (await this.collection.findOne({ _id: name }, { projection: { _id: 1 } })) return; // already at or past it
      try {
        await this.collection.insertOne({ _id: name, position, updatedAt: new Date() }, { writeConcern: this.writeConcern });
        return;
      } catch (e) {
        // another process inserted it first: compare again
        if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      }
    }
  }
}
