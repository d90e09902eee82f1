/**
 * Per-stream hash chain (DESIGN §4).
 *
 *   hash(e) = SHA-256 hex of UTF-8( prevHash + "\n" + JCS(content(e)) )
 *
 * - `prevHash` is the hash of the previous event of the same stream (revision − 1), or
 *   `GENESIS_HASH` (64 zeros) for revision 0;
 * - `JCS` is RFC 8785 canonical JSON (`canonicalize`);
 * - `content(e)` is the stored event without `hash` and without `globalPosition`. An absent
 *   `legalBasis` is absent, never `null`.
 *
 * Why `globalPosition` is left out: it is an index the store assigns (SQLite rowid, a MongoDB
 * position, KurrentDB's commit position, which is only known after the write). Covering it would make
 * the chain depend on the backend, break when events are copied from the embedded store to a
 * distributed one, and be impossible on KurrentDB. The order of the whole log is protected by the
 * Merkle log over event hashes instead; the order within a stream is protected here, through
 * `revision` and the chaining.
 */
import { createHash, hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { HashedContent, StoredEvent } from '../event-store.port';
import { matchesStoredBytes, storedBytesOf, type StoredBytes } from './stored-bytes';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The exact object that is hashed: the event without `hash` and `globalPosition` (every other
 * envelope field, `actor.directoryVersion` included when present). For display and proofs; the
 * bytes are always produced by `canonicalEnvelope`, the one function append and verify share.
 */
export function hashedContent(event: HashedContent | StoredEvent): HashedContent {
  const a = event.actor;
  const content: HashedContent = {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    revision: event.revision,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: { userId: a.userId, role: a.role, unitId: a.unitId, ...(a.directoryVersion !== undefined ? { directoryVersion: a.directoryVersion } : {}) },
    correlationId: event.correlationId,
    causationId: event.causationId,
    jurisdiction: [...event.jurisdiction],
    data: event.data,
  };
  if (event.legalBasis !== undefined) content.legalBasis = event.legalBasis;
  return content;
}

/** RFC 8785 canonical JSON of the hashed content: `canonicalEnvelope` over the canonical data. */
export function canonicalContent(event: HashedContent | StoredEvent): string {
  const dataJson = canonicalize(event.data);
  if (dataJson === undefined) throw new Error('event data is not serialisable to JSON');
  return canonicalEnvelope(event, dataJson);
}

/**
 * SHA-256 hex over the previous hash of the stream and the canonical JSON of `event` (without hash).
 * The verify path; the append path (`encodeEvents`) calls `canonicalEnvelope` + `hashCanonical`
 * with the data JSON it stores, which gives the same bytes.
 */
export function hashEvent(prevHash: string, event: HashedContent | StoredEvent): string {
  return hashCanonical(prevHash, canonicalContent(event));
}

/** SHA-256 hex over the previous hash and an already canonical JSON of the hashed content. */
export function hashCanonical(prevHash: string, canonicalJson: string | Uint8Array): string {
  // one-shot hash of one string: about twice as fast per event as a Hash object with three
  // updates (issue 15: chain verification); the bytes are the same
  if (typeof canonicalJson === 'string') return hash('sha256', `${prevHash}\n${canonicalJson}`, 'hex');
  // (a Uint8Array is the UTF-8 of the canonical JSON, as stored: hashed without encoding it again)
  return hashStoredBytes(prevHash, canonicalJson);
}

/**
 * `prevHash + "\n" + bytes` hashed in one call: the input is laid out in a reused buffer and hashed
 * through a view of it kept per length, so no Hash object and no buffer is made per event (a Hash
 * object with three updates and its garbage were two thirds of chain verification, issue 15).
 * A previous hash that is not 64 ASCII characters, or content too long for the buffer, takes the
 * Hash object; the bytes hashed are the same.
 */
function hashStoredBytes(prevHash: string, bytes: Uint8Array): string {
  const total = PREFIX_LENGTH + bytes.byteLength;
  if (prevHash.length !== 64 || total > SCRATCH.length || Buffer.byteLength(prevHash, 'utf8') !== 64) {
    return createHash('sha256').update(prevHash, 'utf8').update('\n', 'utf8').update(bytes).digest('hex');
  }
  SCRATCH.write(prevHash, 0, 64, 'latin1');
  SCRATCH[64] = 0x0a;
  SCRATCH.set(bytes, PREFIX_LENGTH);
  let view = VIEWS.get(total);
  if (view === undefined) {
    if (VIEWS.size >= 4096) VIEWS.clear();
    view = SCRATCH.subarray(0, total);
    VIEWS.set(total, view);
  }
  return hash('sha256', view, 'hex');
}

/** The chain hash over stored bytes, in whichever form the adapter kept them (`StoredForm`). */
function hashStored(prevHash: string, bytes: StoredBytes): string {
  return bytes.form === 'text' ? hashCanonical(prevHash, bytes.content) : hashStoredBytes(prevHash, bytes.stored as Uint8Array);
}

const PREFIX_LENGTH = 65; // 64 hex characters and "\n"
const SCRATCH = Buffer.alloc(64 * 1024);
const VIEWS = new Map<number, Buffer>();

const str = (s: string): string => JSON.stringify(s);

/**
 * `canonicalContent(event)` with the canonical JSON of `event.data` given (`dataJson`), so that the
 * payload is serialised only once per append. The envelope has a fixed shape, so its keys are
 * written here in RFC 8785 order (UTF-16 code-unit order, as `canonicalize` sorts them); strings and
 * numbers are serialised by `JSON.stringify`, exactly as `canonicalize` does. Byte-identical to
 * `canonicalContent` (pinned by the hash-chain spec and the golden fixtures).
 */
export function canonicalEnvelope(event: HashedContent | StoredEvent, dataJson: string): string {
  const a = event.actor;
  const dv = a.directoryVersion !== undefined ? `"directoryVersion":${JSON.stringify(a.directoryVersion)},` : '';
  let out = `{"actor":{${dv}"role":${str(a.role)},"unitId":${str(a.unitId)},"userId":${str(a.userId)}}`;
  out += `,"causationId":${str(event.causationId)},"correlationId":${str(event.correlationId)},"data":${dataJson}`;
  out += `,"id":${str(event.id)},"jurisdiction":[${event.jurisdiction.map(str).join(',')}]`;
  if (event.legalBasis !== undefined) out += `,"legalBasis":${str(event.legalBasis)}`;
  out += `,"occurredAt":${str(event.occurredAt)},"recordedAt":${str(event.recordedAt)},"revision":${JSON.stringify(event.revision)}`;
  out += `,"schemaVersion":${JSON.stringify(event.schemaVersion)},"streamId":${str(event.streamId)},"type":${str(event.type)}}`;
  return out;
}

export type ChainFailureReason = 'hash_mismatch' | 'revision_gap' | 'wrong_stream' | 'reordered';

export interface ChainFailure {
  /** Index in the array given to `verifyStreamChain`. */
  index: number;
  event: StoredEvent;
  reason: ChainFailureReason;
  detail: string;
}

export type ChainVerification = { ok: true; eventCount: number; lastHash: string } | ({ ok: false } & ChainFailure);

export interface VerifyOptions {
  /**
   * Hash of the event just before `events[0]` when verifying a slice that does not start at
   * revision 0. Default: `GENESIS_HASH`, and `events[0]` must then be revision 0.
   */
  prevHash?: string;
}

/**
 * Verifies the events of one stream, given in revision order. Returns the first bad event and why:
 * - `wrong_stream`: its `streamId` differs from the first event's;
 * - `reordered`: its revision is not greater than the previous one (swapped or repeated);
 * - `revision_gap`: its revision skips one or more revisions (an event removed), or the chain does
 *   not start at revision 0 without a `prevHash`;
 * - `hash_mismatch`: the recomputed hash differs (content altered, or a predecessor altered).
 *
 * An event read from a store that keeps the canonical bytes (the SQLite adapter) is hashed from
 * those bytes when its fields still equal them (`integrity/stored-bytes.ts`); any other event, or
 * one edited since it was read, is re-canonicalised. Both give the same hash for the same content.
 */
export function verifyStreamChain(events: readonly StoredEvent[], options: VerifyOptions = {}): ChainVerification {
  let prevHash = options.prevHash ?? GENESIS_HASH;
  if (events.length === 0) return { ok: true, eventCount: 0, lastHash: prevHash };
  const streamId = events[0].streamId;
  let expectedRevision = options.prevHash === undefined ? 0 : events[0].revision;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (event.streamId !== streamId) {
      return { ok: false, index, event, reason: 'wrong_stream', detail: `stream ${event.streamId}, expected ${streamId}` };
    }
    if (event.revision < expectedRevision) {
      return { ok: false, index, event, reason: 'reordered', detail: `revision ${event.revision} after ${expectedRevision - 1}` };
    }
    if (event.revision > expectedRevision) {
      return { ok: false, index, event, reason: 'revision_gap', detail: `revision ${event.revision}, expected ${expectedRevision}` };
    }
    const bytes = storedBytesOf(event);
    const recomputed = bytes !== undefined && matchesStoredBytes(event, bytes) ? hashStored(prevHash, bytes) : hashEvent(prevHash, event);
    if (recomputed !== event.hash) {
      return { ok: false, index, event, reason: 'hash_mismatch', detail: `stored ${event.hash}, recomputed ${recomputed}` };
    }
    prevHash = event.hash;
    expectedRevision += 1;
  }
  return { ok: true, eventCount: events.length, lastHash: prevHash };
}
