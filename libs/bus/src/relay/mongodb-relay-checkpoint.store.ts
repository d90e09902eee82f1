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
   * `$max` in an upsert is atomic on MongoDB; FerretDB 1.24 reads, compares and writes in separate
   * steps, so two concurrent saves of one name could lose the greater one. Saves of one name are
   * therefore serialised within the process, whatever the store instance; across processes on
   * FerretDB a lower racing save can still win until the next pass saves again (on MongoDB the
   * upsert itself is atomic).
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
    const write = () =>
      this.collection.updateOne(
        { _id: name },
        { $max: { position }, $set: { updatedAt: new Date() } },
        { upsert: true, writeConcern: this.writeConcern },
      );
    try {
      await write();
    } catch (e) {
      // two first saves racing: one upsert inserts, the other hits the unique _id; now it exists
      if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      await write();
    }
  }
}
