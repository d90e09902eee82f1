/**
 * Writes signed checkpoints of a Merkle log (call it periodically, e.g. from a timer or after
 * every N appends). Before signing a new head it proves the head extends the last stored
 * checkpoint, so the log's own key never signs a fork.
 */
import { Clock, systemClock } from '@fengqiao/kernel';
import { CheckpointSigner, SignedCheckpoint } from './checkpoint';
import { CheckpointStore } from './checkpoint.store';
import { fromHex } from './merkle-hash';
import { MerkleLog } from './merkle-log';
import { verifyConsistencyProof } from './merkle-proof';
import { MerkleLogForkError } from './merkle.errors';

export interface MerkleCheckpointerOptions {
  log: MerkleLog;
  signer: CheckpointSigner;
  store: CheckpointStore;
  origin: string;
  clock?: Clock;
}

export class MerkleCheckpointer {
  private readonly clock: Clock;

  constructor(private readonly options: MerkleCheckpointerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Signs and stores the log's current head; returns the stored checkpoint for that size. */
  async checkpoint(): Promise<SignedCheckpoint> {
    const { log, signer, store, origin } = this.options;
    const head = log.head();
    const previous = await store.latest();
    if (previous) {
      const p = previous.checkpoint;
      if (p.origin !== origin) {
        throw new MerkleLogForkError({ checkpointSize: p.treeSize, logSize: head.treeSize, reason: `检查点属于日志 ${p.origin}` });
      }
      if (p.treeSize > head.treeSize) {
        throw new MerkleLogForkError({ checkpointSize: p.treeSize, logSize: head.treeSize, reason: '日志比已签名的检查点短' });
      }
      const proof = log.consistencyProof(p.treeSize, head.treeSize);
      if (!verifyConsistencyProof(proof, fromHex(p.rootHash), head.rootHash)) {
        throw new MerkleLogForkError({ checkpointSize: p.treeSize, logSize: head.treeSize, reason: '一致性证明不成立' });
      }
      if (p.treeSize === head.treeSize) return previous;
    }
    const signed = signer.sign({ origin, treeSize: head.treeSize, rootHash: head.rootHash, timestamp: this.clock.now().toISOString() });
    await store.save(signed);
    return signed;
  }
}
