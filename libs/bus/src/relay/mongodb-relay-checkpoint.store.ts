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

  /** The stored position of each name as this instance last read or saved it (stored ones only move forward). */
  private readonly seen = new Map<string, number>();

  async get(name: string): Promise<number | undefined> {
    assertRelayName(name);
    const doc = await this.collection.findOne({ _id: name });
    if (doc) this.seen.set(name, doc.position);
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
    // The position seen last (read or saved here) is where the stored one was then, or behind it:
    // at or past the new one, there is nothing to do; else the compare-and-set from it goes out
    // without reading first (the relay's one write per pass). It matches nothing when another
    // save came between: then read and compare as below.
    const seen = this.seen.get(name);
    if (seen !== undefined) {
      if (seen >= position) return;
      const moved = await this.collection.updateOne(
        { _id: name, position: seen },
        { $set: { position, updatedAt: new Date() } },
        { writeConcern: this.writeConcern },
      );
      if (moved.matchedCount === 1) {
        this.seen.set(name, position);
        return;
      }
    }
    for (;;) {
      const stored = await this.collection.findOne({ _id: name });
      if (stored !== null) this.seen.set(name, stored.position);
      if (stored !== null && stored.position >= position) return; // already at or past it
      try {
        if (stored === null) {
          await this.collection.insertOne({ _id: name, position, updatedAt: new Date() }, { writeConcern: this.writeConcern });
          this.seen.set(name, position);
          return;
        }
        const moved = await this.collection.updateOne(
          { _id: name, position: stored.position },
          { $set: { position, updatedAt: new Date() } },
          { writeConcern: this.writeConcern },
        );
        if (moved.matchedCount === 1) {
          this.seen.set(name, position);
          return;
        }
      } catch (e) {
        // another process inserted it first: compare again
        if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      }
    }
  }
}
