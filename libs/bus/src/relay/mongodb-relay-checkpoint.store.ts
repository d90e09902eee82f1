/**
 * Relay checkpoints in MongoDB (distributed mode). Works on FerretDB: one document per relay
 * (`_id` = relay name), moved forward by a compare-and-set on `_id` + the position read before
 * (equality only, issue 15); no transactions.
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
   * Never moves a checkpoint back: read the stored position, and when the new one is greater, update
   * with the filter `{ _id, position: <the position read> }` (equality only: FerretDB 1.24 pushes no
   * `$lt` down); when it matched nothing, another save came between: read and compare again. On
   * MongoDB that compare-and-set is atomic. On FerretDB 1.24 no update is (it reads, then writes by
   * `_id`: of 20 concurrent compare-and-sets from one value, up to 12 report success), so two
   * *processes* saving one relay's checkpoint at the same moment can leave the lower one; what
   * follows is only that the relay publishes those events again (at-least-once; consumers
   * deduplicate by event id in their inbox). Saves of one name in one process are serialised here,
   * and one relay runs in one process.
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
    for (;;) {
      const stored = await this.collection.findOne({ _id: name });
      if (stored !== null && stored.position >= position) return; // already at or past it
      try {
        if (stored === null) {
          await this.collection.insertOne({ _id: name, position, updatedAt: new Date() }, { writeConcern: this.writeConcern });
          return;
        }
        const moved = await this.collection.updateOne(
          { _id: name, position: stored.position },
          { $set: { position, updatedAt: new Date() } },
          { writeConcern: this.writeConcern },
        );
        if (moved.matchedCount === 1) return;
      } catch (e) {
        // another process inserted it first: compare again
        if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      }
    }
  }
}
