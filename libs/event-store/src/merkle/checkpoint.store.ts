/**
 * Where signed checkpoints are kept. Append-only: one checkpoint per tree size; saving the same
 * head again is a no-op, saving a different root for a size already stored is a fork and throws
 * `CheckpointConflictError`.
 */
import { SignedCheckpoint } from './checkpoint';
import { CheckpointConflictError } from './merkle.errors';

export interface CheckpointStore {
  /** Stores a checkpoint; idempotent for the same (treeSize, rootHash). */
  save(signed: SignedCheckpoint): Promise<void>;
  /** The checkpoint with the largest tree size. */
  latest(): Promise<SignedCheckpoint | undefined>;
  /** The checkpoint for exactly this tree size. */
  get(treeSize: number): Promise<SignedCheckpoint | undefined>;
  /** Checkpoints in ascending tree size, after `afterSize` (exclusive), at most `limit`. */
  list(options?: { afterSize?: number; limit?: number }): Promise<SignedCheckpoint[]>;
}

/** Shared rule for all adapters: what to do when a checkpoint for this size already exists. */
export function assertSameHead(stored: SignedCheckpoint, incoming: SignedCheckpoint): void {
  const a = stored.checkpoint;
  const b = incoming.checkpoint;
  if (a.rootHash !== b.rootHash || a.origin !== b.origin) {
    throw new CheckpointConflictError(b.treeSize, a.rootHash, b.rootHash);
  }
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly bySize = new Map<number, SignedCheckpoint>();

  async save(signed: SignedCheckpoint): Promise<void> {
    const existing = this.bySize.get(signed.checkpoint.treeSize);
    if (existing) {
      assertSameHead(existing, signed);
      return;
    }
    this.bySize.set(signed.checkpoint.treeSize, structuredClone(signed));
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    let best: SignedCheckpoint | undefined;
    for (const c of this.bySize.values()) {
      if (!best || c.checkpoint.treeSize > best.checkpoint.treeSize) best = c;
    }
    return best && structuredClone(best);
  }

  async get(treeSize: number): Promise<SignedCheckpoint | undefined> {
    const c = this.bySize.get(treeSize);
    return c && structuredClone(c);
  }

  async list({ afterSize = -1, limit = Number.MAX_SAFE_INTEGER }: { afterSize?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    return [...this.bySize.values()]
      .filter((c) => c.checkpoint.treeSize > afterSize)
      .sort((x, y) => x.checkpoint.treeSize - y.checkpoint.treeSize)
      .slice(0, limit)
      .map((c) => structuredClone(c));
  }
}
