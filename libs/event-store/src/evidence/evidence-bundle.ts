/**
 * The evidence bundle of a matter (DESIGN §2 journey 4, §4): one JSON file an auditor can hand to
 * anyone, verifiable offline with nothing but the bundle and the published public keys.
 *
 * It holds, for every store (one per context) that has events of the matter:
 *   - a signed checkpoint of that store's Merkle log (with the signer's public key),
 *   - every event of the matter's streams covered by it, as hashed (the stored event without
 *     `globalPosition`, which the backend assigns and the hash does not cover), each with its
 *     inclusion proof (audit path) against the checkpoint's tree.
 *
 * Verifying (`verifyEvidenceBundle`) checks, naming the first bad event of each stream:
 *   1. the checkpoint's Ed25519 signature against the trusted key set;
 *   2. the event's shape: exactly the envelope fields, nothing added, nothing missing, and an actor,
 *      a time and a correlation (DESIGN §4 "every event has actor, time and correlation");
 *   3. each stream's chain from revision 0 (`verifyStreamChain`: contents match their hashes,
 *      nothing removed, nothing swapped);
 *   4. each event hash is the leaf at its position in the checkpoint's tree (inclusion proof).
 * Every byte of an event is covered: its fields by 2–3 (the hash by 3 and 4), its proof by 4.
 *
 * This file imports only node:crypto-based integrity code (hash chain, Merkle proofs, checkpoint
 * signatures), never an adapter, so the offline verifier loads no database driver.
 */
import type { HashedContent } from '../event-store.port';
import { verifyStreamChain } from '../integrity/hash-chain';
import type { CheckpointKeySet, ExportedCheckpoint } from '../merkle/checkpoint';
import { verifyCheckpoint } from '../merkle/checkpoint';
import { verifyEventInclusion } from '../merkle/log-audit';
import type { InclusionProof } from '../merkle/merkle-proof';
import type { StoredEvent } from '../event-store.port';

export const EVIDENCE_BUNDLE_FORMAT = 'fengqiao/evidence-bundle/v1';

/** An event as it was hashed, plus its hash. */
export type BundledEvent = HashedContent & { hash: string };

export interface BundledStream {
  streamId: string;
  events: Array<{ event: BundledEvent; proof: InclusionProof }>;
}

/** The part of a bundle from one store (one context's event store). */
export interface BundledLog {
  context: string;
  checkpoint: ExportedCheckpoint;
  streams: BundledStream[];
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_BUNDLE_FORMAT;
  /** What the bundle is about, e.g. `{ kind: 'grid_case', id: '…' }`. */
  matter: { kind: string; id: string };
  exportedAt: string;
  exportedBy: { userId: string; role: string; unitId: string };
  logs: BundledLog[];
  /** The public keys the exporting system published (an auditor should compare them with their own copy). */
  keys: CheckpointKeySet;
}

export type BundleFailureReason =
  | 'BUNDLE_MALFORMED'
  | 'CHECKPOINT_SIGNATURE_INVALID'
  | 'EVENT_MALFORMED'
  | 'EVENT_INCOMPLETE'
  | 'CHAIN_HASH_MISMATCH'
  | 'CHAIN_REVISION_GAP'
  | 'CHAIN_REORDERED'
  | 'CHAIN_WRONG_STREAM'
  | 'EVENT_NOT_INCLUDED';

export interface BundleFailure {
  reason: BundleFailureReason;
  detail: string;
  context?: string;
  streamId?: string;
  /** The event the failure is about, when there is one. */
  eventId?: string;
  revision?: number;
  type?: string;
}

export interface BundleVerification {
  ok: boolean;
  eventCount: number;
  streamCount: number;
  /** Per store: the checkpoint the events were proven against. */
  checkpoints: Array<{ context: string; origin: string; treeSize: number; rootHash: string; timestamp: string; keyId: string }>;
  failures: BundleFailure[];
}

const EVENT_KEYS = new Set([
  'id',
  'type',
  'schemaVersion',
  'streamId',
  'revision',
  'occurredAt',
  'recordedAt',
  'actor',
  'correlationId',
  'causationId',
  'jurisdiction',
  'legalBasis',
  'data',
  'hash',
]);
const REQUIRED_KEYS = [...EVENT_KEYS].filter((k) => k !== 'legalBasis');
const ACTOR_KEYS = new Set(['userId', 'role', 'unitId', 'directoryVersion']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

/** Why an event's shape is wrong (fields added or missing), or undefined. */
function shapeProblem(e: unknown): { reason: 'EVENT_MALFORMED' | 'EVENT_INCOMPLETE'; detail: string } | undefined {
  if (!isObject(e)) return { reason: 'EVENT_MALFORMED', detail: 'event is not an object' };
  const extra = Object.keys(e).filter((k) => !EVENT_KEYS.has(k));
  if (extra.length) return { reason: 'EVENT_MALFORMED', detail: `unexpected fields ${extra.join(', ')}` };
  const missing = REQUIRED_KEYS.filter((k) => !(k in e));
  if (missing.length) return { reason: 'EVENT_MALFORMED', detail: `missing fields ${missing.join(', ')}` };
  if (!isObject(e.actor)) return { reason: 'EVENT_INCOMPLETE', detail: 'no actor' };
  const extraActor = Object.keys(e.actor).filter((k) => !ACTOR_KEYS.has(k));
  if (extraActor.length) return { reason: 'EVENT_MALFORMED', detail: `unexpected actor fields ${extraActor.join(', ')}` };
  if (!nonEmpty(e.actor.userId) || !nonEmpty(e.actor.role) || !nonEmpty(e.actor.unitId)) {
    return { reason: 'EVENT_INCOMPLETE', detail: 'actor lacks userId, role or unitId' };
  }
  for (const k of ['occurredAt', 'recordedAt'] as const) {
    if (!nonEmpty(e[k]) || Number.isNaN(Date.parse(e[k] as string))) return { reason: 'EVENT_INCOMPLETE', detail: `${k} is not a time` };
  }
  if (!nonEmpty(e.correlationId) || !nonEmpty(e.causationId)) return { reason: 'EVENT_INCOMPLETE', detail: 'no correlationId or causationId' };
  if (!Array.isArray(e.jurisdiction) || !isObject(e.data) || typeof e.hash !== 'string') {
    return { reason: 'EVENT_MALFORMED', detail: 'jurisdiction, data or hash has the wrong type' };
  }
  if (!Number.isSafeInteger(e.revision) || !Number.isSafeInteger(e.schemaVersion)) {
    return { reason: 'EVENT_MALFORMED', detail: 'revision or schemaVersion is not an integer' };
  }
  return undefined;
}

const CHAIN_REASON = {
  hash_mismatch: 'CHAIN_HASH_MISMATCH',
  revision_gap: 'CHAIN_REVISION_GAP',
  reordered: 'CHAIN_REORDERED',
  wrong_stream: 'CHAIN_WRONG_STREAM',
} as const;

function about(context: string, streamId: string, e: unknown): Pick<BundleFailure, 'context' | 'streamId' | 'eventId' | 'revision' | 'type'> {
  const ev = isObject(e) ? e : {};
  return {
    context,
    streamId,
    ...(typeof ev.id === 'string' ? { eventId: ev.id } : {}),
    ...(typeof ev.revision === 'number' ? { revision: ev.revision } : {}),
    ...(typeof ev.type === 'string' ? { type: ev.type } : {}),
  };
}

/**
 * Verifies a bundle offline. `trusted`: the key set the auditor trusts (published by the system,
 * kept by the auditor); default: the keys inside the bundle (then the result only proves the bundle
 * is internally consistent and signed by the keys it names: compare `checkpoints[].keyId`).
 */
export function verifyEvidenceBundle(input: unknown, trusted?: CheckpointKeySet): BundleVerification {
  const result: BundleVerification = { ok: false, eventCount: 0, streamCount: 0, checkpoints: [], failures: [] };
  const fail = (f: BundleFailure): BundleVerification => {
    result.failures.push(f);
    return result;
  };
  if (!isObject(input) || input.format !== EVIDENCE_BUNDLE_FORMAT || !Array.isArray(input.logs)) {
    return fail({ reason: 'BUNDLE_MALFORMED', detail: `not a ${EVIDENCE_BUNDLE_FORMAT} bundle` });
  }
  const bundle = input as unknown as EvidenceBundle;
  const keySet = trusted ?? bundle.keys;
  if (!isObject(keySet) || !Array.isArray(keySet.keys)) return fail({ reason: 'BUNDLE_MALFORMED', detail: 'no key set to verify against' });

  for (const log of bundle.logs) {
    if (!isObject(log) || !isObject(log.checkpoint) || !Array.isArray(log.streams)) {
      fail({ reason: 'BUNDLE_MALFORMED', detail: 'a log lacks its checkpoint or streams' });
      continue;
    }
    const context = String(log.context);
    const signature = verifyCheckpoint(log.checkpoint, { keySet });
    if (!signature.ok) {
      fail({ reason: 'CHECKPOINT_SIGNATURE_INVALID', detail: `${signature.reason}: ${signature.detail}`, context });
      continue;
    }
    const cp = log.checkpoint.checkpoint;
    result.checkpoints.push({ context, origin: cp.origin, treeSize: cp.treeSize, rootHash: cp.rootHash, timestamp: cp.timestamp, keyId: cp.keyId });
    for (const stream of log.streams) {
      if (!isObject(stream) || !Array.isArray(stream.events)) {
        fail({ reason: 'BUNDLE_MALFORMED', detail: 'a stream lacks its events', context });
        continue;
      }
      result.streamCount += 1;
      const streamId = String(stream.streamId);
      const events = stream.events.map((x) => (isObject(x) ? x.event : undefined));
      result.eventCount += events.length;
      const badShape = events.findIndex((e) => shapeProblem(e) !== undefined);
      if (badShape >= 0) {
        const p = shapeProblem(events[badShape]) as { reason: BundleFailureReason; detail: string };
        fail({ ...p, ...about(context, streamId, events[badShape]) });
        continue;
      }
      const typed = events as unknown as BundledEvent[];
      const foreign = typed.find((e) => e.streamId !== streamId);
      if (foreign) {
        fail({ reason: 'CHAIN_WRONG_STREAM', detail: `event of ${foreign.streamId} listed under ${streamId}`, ...about(context, streamId, foreign) });
        continue;
      }
      // globalPosition is not hashed and not in the bundle; the chain check ignores it.
      const chain = verifyStreamChain(typed.map((e) => ({ ...e, globalPosition: 0 }) as StoredEvent));
      if (!chain.ok) {
        fail({ reason: CHAIN_REASON[chain.reason], detail: chain.detail, ...about(context, streamId, chain.event) });
        continue;
      }
      for (const { event, proof } of stream.events as Array<{ event: BundledEvent; proof: InclusionProof }>) {
        const proofOk = isObject(proof) && Array.isArray(proof.path) && verifyEventInclusion(event.hash, proof, log.checkpoint);
        if (!proofOk) {
          fail({
            reason: 'EVENT_NOT_INCLUDED',
            detail: `no valid audit path to the checkpoint's root (tree size ${cp.treeSize})`,
            ...about(context, streamId, event),
          });
          break;
        }
      }
    }
  }
  result.ok = result.failures.length === 0;
  return result;
}

/** One line per failure, naming the event: for the command-line verifier and logs. */
export function describeBundleFailure(f: BundleFailure): string {
  const where = [f.context, f.streamId, f.revision !== undefined ? `revision ${f.revision}` : undefined, f.type, f.eventId ? `event ${f.eventId}` : undefined]
    .filter(Boolean)
    .join(' / ');
  return `${f.reason}${where ? ` at ${where}` : ''}: ${f.detail}`;
}
