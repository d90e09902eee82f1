/**
 * Evidence that the events of one case are in the signed log (DESIGN §2.4 "export a verifiable
 * evidence bundle", §4 "inclusion proofs for the events of a case"): the case's events as stored,
 * one inclusion proof per event against the tree of a signed checkpoint, and that checkpoint.
 * The bundle is plain JSON and verifies offline with the log's public key (set):
 *   - the checkpoint's signature;
 *   - the case's chain recomputes from revision 0 (so the contents match the hashes);
 *   - every event hash is a leaf of the checkpoint's tree at its position.
 */
import { KeyObject } from 'node:crypto';
import type { EventStore, StoredEvent } from '../event-store.port';
import { verifyStreamChain } from '../integrity/hash-chain';
import {
  CheckpointTrust,
  ExportedCheckpoint,
  InclusionProof,
  SignedCheckpoint,
  checkLogAgainstCheckpoint,
  exportCheckpoint,
  verifyCheckpoint,
  verifyEventInclusion,
} from '../merkle';
import { EventStoreMerkleLog } from './event-store-merkle-log';

export const CASE_EVIDENCE_FORMAT = 'fengqiao/case-inclusion/v1';

export interface CaseEvidence {
  format: typeof CASE_EVIDENCE_FORMAT;
  streamId: string;
  checkpoint: ExportedCheckpoint;
  /** The case's events covered by the checkpoint, in revision order, each with its audit path. */
  events: { event: StoredEvent; proof: InclusionProof }[];
}

export type CaseEvidenceFailure = 'CHECKPOINT_SIGNATURE_INVALID' | 'WRONG_STREAM' | 'CHAIN_BROKEN' | 'EVENT_NOT_INCLUDED';

export type CaseEvidenceVerification =
  { ok: true; eventCount: number; treeSize: number } | { ok: false; reason: CaseEvidenceFailure; detail: string; eventId?: string };

/**
 * Builds the bundle from a store. Refuses (throws) when the store no longer extends the
 * checkpoint: evidence is only issued from a log that verifies.
 */
export async function buildCaseEvidence(store: EventStore, streamId: string, checkpoint: SignedCheckpoint, signerPublicKey: KeyObject): Promise<CaseEvidence> {
  const leafOf = new Map<string, number>();
  const follower = new EventStoreMerkleLog(store);
  await follower.catchUp((event, leafIndex) => {
    if (event.streamId === streamId) leafOf.set(event.id, leafIndex);
  });
  const trust: CheckpointTrust = { publicKey: signerPublicKey };
  const check = checkLogAgainstCheckpoint(follower.log, checkpoint, trust);
  if (!check.ok) throw new Error(`cannot issue evidence: ${check.reason}: ${check.detail}`);
  const treeSize = checkpoint.checkpoint.treeSize;
  const events = (await store.readStream(streamId)).filter((e) => {
    const leaf = leafOf.get(e.id);
    return leaf !== undefined && leaf < treeSize;
  });
  return {
    format: CASE_EVIDENCE_FORMAT,
    streamId,
    checkpoint: exportCheckpoint(checkpoint, signerPublicKey),
    events: events.map((event) => ({ event, proof: follower.log.inclusionProof(leafOf.get(event.id) as number, treeSize) })),
  };
}

/** Verifies a bundle offline against the trusted key (set) of the log. */
export function verifyCaseEvidence(evidence: CaseEvidence, trust: CheckpointTrust): CaseEvidenceVerification {
  const signature = verifyCheckpoint(evidence.checkpoint, trust);
  if (!signature.ok) return { ok: false, reason: 'CHECKPOINT_SIGNATURE_INVALID', detail: `${signature.reason}: ${signature.detail}` };
  const events = evidence.events.map((e) => e.event);
  const foreign = events.find((e) => e.streamId !== evidence.streamId);
  if (foreign) return { ok: false, reason: 'WRONG_STREAM', detail: `event of ${foreign.streamId}`, eventId: foreign.id };
  const chain = verifyStreamChain(events);
  if (!chain.ok) return { ok: false, reason: 'CHAIN_BROKEN', detail: `${chain.reason}: ${chain.detail}`, eventId: chain.event.id };
  for (const { event, proof } of evidence.events) {
    if (!verifyEventInclusion(event.hash, proof, evidence.checkpoint)) {
      return { ok: false, reason: 'EVENT_NOT_INCLUDED', detail: `no valid audit path at leaf ${proof.leafIndex}`, eventId: event.id };
    }
  }
  return { ok: true, eventCount: events.length, treeSize: evidence.checkpoint.checkpoint.treeSize };
}
