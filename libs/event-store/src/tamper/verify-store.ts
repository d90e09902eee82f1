/**
 * The auditor's integrity check of a whole event store (DESIGN §2.4, §4), through the EventStore
 * port only, so it runs the same against every adapter.
 *
 * 1. Log order (one pass of `readAll`): positions strictly increase (and are dense, for stores
 *    that promise it), every stored hash is a SHA-256, each stream's events appear in revision
 *    order; the event hashes become the leaves of a rebuilt Merkle log.
 * 2. Chains (`readStream` of every stream seen): `verifyStreamChain` recomputes each stream's
 *    chain from revision 0, and the stream must hold exactly the events `readAll` showed for it.
 * 3. Checkpoints: each signed checkpoint must verify against a trusted key, and the rebuilt log
 *    must extend its tree (consistency proof). With several checkpoints the first bad event is
 *    narrowed to the leaves between the last good and the first bad checkpoint.
 *
 * What each check can and cannot see:
 * - an edited payload, a deleted or reordered event inside a stream: the chain (2);
 * - a whole stream rewritten with all its hashes recomputed: chains and order are consistent
 *   again, only the signed checkpoint (3) notices, because the leaves changed;
 * - a stream cut short at its end: its chain is a valid prefix; a hole in dense positions (1),
 *   or the checkpoint (3) when the positions were renumbered too.
 */
import { KeyObject } from 'node:crypto';
import { assertNever } from '@fengqiao/kernel';
import type { EventStore, StoredEvent } from '../event-store.port';
import { ChainFailureReason, verifyStreamChain } from '../integrity/hash-chain';
import {
  CheckpointKeySet,
  CheckpointPublicJwk,
  CheckpointTrust,
  HASH_SIZE,
  MerkleLog,
  SignedCheckpoint,
  checkLogAgainstCheckpoint,
  fromHex,
  hashLeaf,
  toHex,
} from '../merkle';

export type IntegrityCheck = 'log_order' | 'chain' | 'checkpoint';

export type IntegrityFailureReason =
  // log order (1)
  | 'LOG_POSITION_NOT_INCREASING'
  | 'LOG_POSITION_GAP'
  | 'LOG_STREAM_OUT_OF_ORDER'
  | 'EVENT_HASH_MALFORMED'
  // chains (2)
  | 'CHAIN_HASH_MISMATCH'
  | 'CHAIN_REVISION_GAP'
  | 'CHAIN_REORDERED'
  | 'CHAIN_WRONG_STREAM'
  | 'STREAM_DIFFERS_FROM_LOG'
  // checkpoints (3)
  | 'CHECKPOINT_SIGNATURE_INVALID'
  | 'CHECKPOINT_ORIGIN_MISMATCH'
  | 'LOG_SHORTER_THAN_CHECKPOINT'
  | 'LOG_INCONSISTENT_WITH_CHECKPOINT';

export interface EventRef {
  id: string;
  streamId: string;
  revision: number;
  globalPosition: number;
  /** Index of the event's leaf in the rebuilt Merkle log, when it is in the log. */
  leafIndex?: number;
}

export interface IntegrityFailure {
  check: IntegrityCheck;
  reason: IntegrityFailureReason;
  detail: string;
  /** The first bad event, when the check can name it. */
  event?: EventRef;
  /**
   * Checkpoint failures: the first changed or missing event is among the leaves [from, to)
   * (from = size of the last checkpoint that still verifies, to = size of the first that fails;
   * `to` exceeds the rebuilt log's size when events are missing). `firstEvent` is leaf `from`.
   */
  suspectLeaves?: { from: number; to: number; firstEvent?: EventRef };
  checkpoint?: { treeSize: number; rootHash: string; timestamp: string };
}

export interface StoreVerification {
  ok: boolean;
  eventCount: number;
  streamCount: number;
  /** The rebuilt Merkle log's head: what a new checkpoint of this store would sign. */
  treeSize: number;
  rootHash: string;
  checkpointsVerified: number;
  /** Every failure found, earliest first (by leaf, then position). */
  failures: IntegrityFailure[];
  /** The earliest failure: the first bad event and why. */
  firstFailure?: IntegrityFailure;
}

export interface VerifyStoreOptions {
  /** A signed (or exported) checkpoint the auditor holds. */
  checkpoint?: SignedCheckpoint;
  /** Several checkpoints (e.g. every one the store wrote): narrows down where the log changed. */
  checkpoints?: readonly SignedCheckpoint[];
  /** The trusted signing key, or … */
  publicKey?: KeyObject | CheckpointPublicJwk;
  /** … the trusted key set (e.g. the exported JWKS of the district's log keys). */
  keySet?: CheckpointKeySet;
  /** When given, checkpoints must be for this log. */
  origin?: string;
  /**
   * The store promises dense positions 1, 2, 3 … (the sqlite and mongodb adapters do, KurrentDB
   * does not): a hole is then a deleted event. Default false.
   */
  densePositions?: boolean;
  /** Events per `readAll` page. Default 1000. */
  pageSize?: number;
  /** Which checks to run; default all three. (Running one alone shows what it catches by itself.) */
  checks?: readonly IntegrityCheck[];
}

interface StreamSeen {
  count: number;
  lastRevision: number;
  lastHash: string;
  broken: boolean;
}

function ref(e: StoredEvent, leafIndex?: number): EventRef {
  const r: EventRef = { id: e.id, streamId: e.streamId, revision: e.revision, globalPosition: e.globalPosition };
  if (leafIndex !== undefined) r.leafIndex = leafIndex;
  return r;
}

function chainReason(reason: ChainFailureReason): IntegrityFailureReason {
  switch (reason) {
    case 'hash_mismatch':
      return 'CHAIN_HASH_MISMATCH';
    case 'revision_gap':
      return 'CHAIN_REVISION_GAP';
    case 'reordered':
      return 'CHAIN_REORDERED';
    case 'wrong_stream':
      return 'CHAIN_WRONG_STREAM';
    default:
      return assertNever(reason);
  }
}

function trustOf(options: VerifyStoreOptions): CheckpointTrust | undefined {
  if (options.keySet) return { keySet: options.keySet };
  if (options.publicKey) return { publicKey: options.publicKey };
  return undefined;
}

export async function verifyStore(store: EventStore, options: VerifyStoreOptions = {}): Promise<StoreVerification> {
  const pageSize = options.pageSize ?? 1000;
  const checkpoints = [...(options.checkpoint ? [options.checkpoint] : []), ...(options.checkpoints ?? [])];
  const trust = trustOf(options);
  if (checkpoints.length > 0 && !trust) {
    throw new TypeError('verifyStore: checkpoints need a trusted publicKey or keySet to be checked against');
  }

  const enabled = new Set<IntegrityCheck>(options.checks ?? ['log_order', 'chain', 'checkpoint']);
  const failures: IntegrityFailure[] = [];
  const report = (f: IntegrityFailure): void => {
    if (enabled.has(f.check)) failures.push(f);
  };
  const log = new MerkleLog();
  const streams = new Map<string, StreamSeen>();
  /** Global position of each leaf, to name the events of a suspect range. */
  const leafPositions: number[] = [];
  const leafOfPosition = new Map<number, number>();

  // 1. Log order, and the Merkle log rebuilt from the stored hashes.
  let lastPosition = 0;
  let positionBroken = false;
  /** Reads the log on from `lastPosition` to its end: at first, and again when a live store grew meanwhile. */
  const readLog = async (): Promise<void> => {
    for (;;) {
      const page = await store.readAll({ afterPosition: lastPosition, maxCount: pageSize });
      if (page.length === 0) break;
      for (const e of page) {
        const leafIndex = log.size;
        if (!positionBroken && e.globalPosition <= lastPosition) {
          positionBroken = true;
          report({
            check: 'log_order',
            reason: 'LOG_POSITION_NOT_INCREASING',
            detail: `position ${e.globalPosition} after ${lastPosition}`,
            event: ref(e, leafIndex),
          });
        } else if (!positionBroken && options.densePositions && e.globalPosition !== lastPosition + 1) {
          positionBroken = true;
          report({
            check: 'log_order',
            reason: 'LOG_POSITION_GAP',
            detail: `positions ${lastPosition + 1}…${e.globalPosition - 1} are missing before this event`,
            event: ref(e, leafIndex),
          });
        }
        let leaf: Buffer;
        try {
          leaf = fromHex(e.hash, HASH_SIZE);
        } catch {
          report({ check: 'log_order', reason: 'EVENT_HASH_MALFORMED', detail: `hash ${JSON.stringify(e.hash)}`, event: ref(e, leafIndex) });
          leaf = Buffer.from(String(e.hash), 'utf8');
        }
        log.appendLeafHash(hashLeaf(leaf));
        leafPositions.push(e.globalPosition);
        leafOfPosition.set(e.globalPosition, leafIndex);

        const seen = streams.get(e.streamId);
        if (!seen) {
          streams.set(e.streamId, { count: 1, lastRevision: e.revision, lastHash: e.hash, broken: false });
        } else {
          if (!seen.broken && e.revision <= seen.lastRevision) {
            seen.broken = true;
            report({
              check: 'log_order',
              reason: 'LOG_STREAM_OUT_OF_ORDER',
              detail: `revision ${e.revision} of ${e.streamId} comes after revision ${seen.lastRevision} in the log`,
              event: ref(e, leafIndex),
            });
          }
          seen.count += 1;
          seen.lastRevision = Math.max(seen.lastRevision, e.revision);
          seen.lastHash = e.hash;
        }
        lastPosition = Math.max(lastPosition, e.globalPosition);
      }
    }
  };
  await readLog();

  // 2. Every stream's chain, read the way services read it.
  for (const [streamId, seen] of enabled.has('chain') ? streams : new Map<string, StreamSeen>()) {
    const events: StoredEvent[] = [];
    for (;;) {
      const from = events.length === 0 ? 0 : events[events.length - 1].revision + 1;
      const page = await store.readStream(streamId, { fromRevision: from, maxCount: pageSize });
      events.push(...page);
      if (page.length < pageSize) break;
    }
    // a live store: events appended to the stream after the log was read lie past the log's end;
    // the log is read on to its new end (an event the log still does not show then fails below)
    if (events.length > 0 && events[events.length - 1].globalPosition > lastPosition) await readLog();
    const chain = verifyStreamChain(events);
    if (!chain.ok) {
      report({
        check: 'chain',
        reason: chainReason(chain.reason),
        detail: chain.detail,
        event: ref(chain.event, leafOfPosition.get(chain.event.globalPosition)),
      });
      continue;
    }
    const inLog = events.filter((e) => leafOfPosition.has(e.globalPosition)).length;
    if (events.length !== seen.count || inLog !== events.length || chain.lastHash !== seen.lastHash) {
      const missing = events.find((e) => !leafOfPosition.has(e.globalPosition));
      const f: IntegrityFailure = {
        check: 'chain',
        reason: 'STREAM_DIFFERS_FROM_LOG',
        detail: `readStream holds ${events.length} events of ${streamId}, readAll showed ${seen.count}`,
      };
      if (missing) f.event = ref(missing);
      report(f);
    }
  }

  // 3. Signed checkpoints against the rebuilt log.
  let checkpointsVerified = 0;
  if (trust && checkpoints.length > 0 && enabled.has('checkpoint')) {
    const sorted = [...checkpoints].sort((a, b) => a.checkpoint.treeSize - b.checkpoint.treeSize);
    let lastGoodSize = 0;
    let reported = false;
    for (const cp of sorted) {
      const result = checkLogAgainstCheckpoint(log, cp, trust, options.origin);
      const c = cp.checkpoint;
      if (result.ok) {
        checkpointsVerified += 1;
        lastGoodSize = Math.max(lastGoodSize, c.treeSize);
        continue;
      }
      const failure: IntegrityFailure = {
        check: 'checkpoint',
        reason: result.reason,
        detail: result.detail,
        checkpoint: { treeSize: c.treeSize, rootHash: c.rootHash, timestamp: c.timestamp },
      };
      if (result.reason === 'CHECKPOINT_SIGNATURE_INVALID' || result.reason === 'CHECKPOINT_ORIGIN_MISMATCH') {
        report(failure); // says nothing about the log: every bad checkpoint is reported
        continue;
      }
      if (reported) continue; // a later checkpoint fails for the same change
      reported = true;
      // The first changed or missing leaf is at or after the last good checkpoint's size and
      // before this checkpoint's size (which may exceed the log when events are missing).
      const from = Math.min(lastGoodSize, log.size);
      failure.suspectLeaves = { from, to: c.treeSize };
      if (from < log.size) {
        const [first] = await store.readAll({ afterPosition: leafPositions[from] - 1, maxCount: 1 });
        if (first) failure.suspectLeaves.firstEvent = ref(first, from);
      }
      report(failure);
    }
  }

  // Earliest first. A failure naming an event sorts at its leaf; a checkpoint's suspect range
  // [from, to) sorts just before leaf `to`: an exact event inside the range is the better answer,
  // one at or after `to` comes after the (earlier) change the checkpoint proves.
  const position = (f: IntegrityFailure): number => {
    if (f.event?.leafIndex !== undefined) return f.event.leafIndex;
    if (f.suspectLeaves) return f.suspectLeaves.to - 0.5;
    return f.event ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER;
  };
  failures.sort((a, b) => position(a) - position(b));

  const result: StoreVerification = {
    ok: failures.length === 0,
    eventCount: log.size,
    streamCount: streams.size,
    treeSize: log.size,
    rootHash: toHex(log.root()),
    checkpointsVerified,
    failures,
  };
  if (failures.length > 0) result.firstFailure = failures[0];
  return result;
}
