import { DomainError } from '@fengqiao/kernel';

/** Two checkpoints for the same tree size with different roots: the log forked. */
export class CheckpointConflictError extends DomainError {
  constructor(treeSize: number, storedRoot: string, newRoot: string) {
    super('MERKLE.CHECKPOINT_CONFLICT', `树大小 ${treeSize} 已有不同根哈希的检查点，日志可能被篡改`, 'conflict', { treeSize, storedRoot, newRoot });
  }
}

/** The log's current head does not extend the last signed checkpoint. */
export class MerkleLogForkError extends DomainError {
  constructor(detail: { checkpointSize: number; logSize: number; reason: string }) {
    super('MERKLE.LOG_FORKED', `当前日志与已签名的检查点不一致：${detail.reason}`, 'illegal_state', detail);
  }
}
