/**
 * Checkpoints in a MongoDB collection (distributed mode). Works on FerretDB: `_id` = tree size
 * gives the uniqueness, no transactions, only find / sort / limit / insertOne.
 */
import { Collection, Db, MongoServerError } from 'mongodb';
import { SignedCheckpoint } from './checkpoint';
import { CheckpointStore, assertSameHead } from './checkpoint.store';

export interface CheckpointDocument {
  _id: number;
  origin: string;
  rootHash: string;
  timestamp: string;
  keyId: string;
  signature: string;
}

const DUPLICATE_KEY = 11000;

function toCheckpoint(d: CheckpointDocument): SignedCheckpoint {
  return {
    checkpoint: { origin: d.origin, treeSize: d._id, rootHash: d.rootHash, timestamp: d.timestamp, keyId: d.keyId },
    signature: d.signature,
  };
}

export class MongoCheckpointStore implements CheckpointStore {
  constructor(private readonly collection: Collection<CheckpointDocument>) {}

  static forDb(db: Db, collectionName = 'merkle_checkpoints'): MongoCheckpointStore {
    return new MongoCheckpointStore(db.collection<CheckpointDocument>(collectionName));
  }

  async save(signed: SignedCheckpoint): Promise<void> {
    const c = signed.checkpoint;
    try {
      await this.collection.insertOne({
        _id: c.treeSize,
        origin: c.origin,
        rootHash: c.rootHash,
        timestamp: c.timestamp,
        keyId: c.keyId,
        signature: signed.signature,
      });
    } catch (e) {
      if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      const existing = await this.get(c.treeSize);
      if (!existing) throw e;
      assertSameHead(existing, signed);
    }
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const [d] = await this.collection.find({}).sort({ _id: -1 }).limit(1).toArray();
    return d && toCheckpoint(d);
  }

  async get(treeSize: number): Promise<SignedCheckpoint | undefined> {
    const d = await this.collection.findOne({ _id: treeSize });
    return d ? toCheckpoint(d) : undefined;
  }

  async list({ afterSize = -1, limit }: { afterSize?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    let cursor = this.collection.find({ _id: { $gt: afterSize } }).sort({ _id: 1 });
    if (limit !== undefined) cursor = cursor.limit(limit);
    return (await cursor.toArray()).map(toCheckpoint);
  }
}
