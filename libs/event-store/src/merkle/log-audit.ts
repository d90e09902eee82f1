/**
 * Auditor-side checks of a Merkle log against signed checkpoints, offline: the signature, then a
 * consistency proof from the checkpoint's tree to the log's current tree (the log only grew).
 */
import { KeyObject } from 'node:crypto';
import { CheckpointKeySet, CheckpointPublicJwk, SignedCheckpoint, verifyCheckpoint } from './checkpoint';
import { eventHashLeaf, hashLeaf, toHex } from './merkle-hash';
import { MerkleLog } from './merkle-log';
import { InclusionProof, verifyConsistencyProof, verifyInclusionProof } from './merkle-proof';

export type CheckpointTrust = { publicKey: KeyObject | CheckpointPublicJwk } | { keySet: CheckpointKeySet };

export type LogCheckpointFailure =
  'CHECKPOINT_SIGNATURE_INVALID' | 'CHECKPOINT_ORIGIN_MISMATCH' | 'LOG_SHORTER_THAN_CHECKPOINT' | 'LOG_INCONSISTENT_WITH_CHECKPOINT';

export type LogCheckpointResult =
  { ok: true; checkpointSize: number; logSize: number } | { ok: false; reason: LogCheckpointFailure; detail: string; checkpointSize: number; logSize: number };

/**
 * Checks that `log` extends the tree a signed checkpoint commits to. `origin`, when given, must
 * match the checkpoint's origin.
 */
export function checkLogAgainstCheckpoint(log: MerkleLog, signed: SignedCheckpoint, trust: CheckpointTrust, origin?: string): LogCheckpointResult {
  const cp = signed.checkpoint;
  const sizes = { checkpointSize: cp.treeSize, logSize: log.size };
  const sig = verifyCheckpoint(signed, trust);
  if (!sig.ok) return { ok: false, reason: 'CHECKPOINT_SIGNATURE_INVALID', detail: `${sig.reason}: ${sig.detail}`, ...sizes };
  if (origin !== undefined && cp.origin !== origin) {
    return { ok: false, reason: 'CHECKPOINT_ORIGIN_MISMATCH', detail: `checkpoint is for ${cp.origin}, log is ${origin}`, ...sizes };
  }
  if (cp.treeSize > log.size) {
    return {
      ok: false,
      reason: 'LOG_SHORTER_THAN_CHECKPOINT',
      detail: `checkpoint covers ${cp.treeSize} events, the log has ${log.size}`,
      ...sizes,
    };
  }
  const proof = log.consistencyProof(cp.treeSize, log.size);
  if (!verifyConsistencyProof(proof, cp.rootHash, log.root())) {
    return {
      ok: false,
      reason: 'LOG_INCONSISTENT_WITH_CHECKPOINT',
      detail: `the first ${cp.treeSize} events hash to ${toHex(log.root(cp.treeSize))}, checkpoint says ${cp.rootHash}`,
      ...sizes,
    };
  }
  return { ok: true, ...sizes };
}

/** The Merkle leaf hash of an event: SHA-256(0x00 || event hash bytes). */
export function eventLeafHash(eventHashHex: string): Buffer {
  return hashLeaf(eventHashLeaf(eventHashHex));
}

/** Offline: is the event with this hash at `proof.leafIndex` of the tree a checkpoint commits to? */
export function verifyEventInclusion(eventHashHex: string, proof: InclusionProof, checkpoint: SignedCheckpoint): boolean {
  if (proof.treeSize !== checkpoint.checkpoint.treeSize) return false;
  let leaf: Buffer;
  try {
    leaf = eventLeafHash(eventHashHex);
  } catch {
    return false;
  }
  return verifyInclusionProof(proof, leaf, checkpoint.checkpoint.rootHash);
}
