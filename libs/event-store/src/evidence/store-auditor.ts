/**
 * The audit side of one event store (DESIGN §4): it follows the store into a Merkle log of event
 * hashes, signs checkpoints of it (on a schedule the caller drives), and answers what an auditor
 * asks of this store: inclusion proofs for a matter's events, a consistency proof from a
 * checkpoint the auditor holds, the evidence of a set of streams for a bundle.
 *
 * The leaves live only in the store: the log is rebuilt from `readAll` at start and kept current
 * by `catchUp()`. Checkpoints are kept in a CheckpointStore beside the store.
 */
import { KeyObject } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '@fengqiao/kernel';
import type { EventStore, StoredEvent } from '../event-store.port';
import { CheckpointKeySet, CheckpointSigner, ExportedCheckpoint, SignedCheckpoint, exportCheckpoint } from '../merkle/checkpoint';
import type { CheckpointStore } from '../merkle/checkpoint.store';
import { CheckpointTrust, LogCheckpointResult, checkLogAgainstCheckpoint } from '../merkle/log-audit';
import { MerkleCheckpointer } from '../merkle/merkle-checkpointer';
import { eventHashLeaf, hashLeaf } from '../merkle/merkle-hash';
import { MerkleLog } from '../merkle/merkle-log';
import type { ConsistencyProof, InclusionProof } from '../merkle/merkle-proof';
import { BundledEvent, BundledLog } from './evidence-bundle';

export interface StoreAuditorOptions {
  /** e.g. `grid-dispatch` */
  context: string;
  events: EventStore;
  checkpoints: CheckpointStore;
  signer: CheckpointSigner;
  /** Public keys of retired signing keys, still published so old checkpoints verify. */
  retiredKeys?: CheckpointKeySet;
  /** The log's name in its checkpoints; default `fengqiao/<context>/event-store`. */
  origin?: string;
  clock?: Clock;
  pageSize?: number;
  /** Sees every event as it joins the log (e.g. to index a matter's streams). */
  onEvent?: (event: StoredEvent, leafIndex: number) => void;
  /**
   * Told the log's size each time a catch-up passes another `progressEvery` leaves (default
   * 100,000), and once at its end when it added that many or more: following a large store at
   * start-up takes a while and says how far it got.
   */
  onProgress?: (progress: { treeSize: number; added: number; seconds: number; done: boolean }) => void;
  progressEvery?: number;
}

/** The event as hashed: the stored event without `globalPosition` and the trace context (metadata, not evidence). */
export function bundledEvent(e: StoredEvent): BundledEvent {
  const { globalPosition: _position, traceparent: _trace, ...rest } = e;
  return rest;
}

export class StoreAuditor {
  readonly context: string;
  readonly origin: string;
  readonly log = new MerkleLog();
  /**
   * Global position of each leaf, in leaf order (read-all order, so increasing): an event's leaf is
   * found by binary search on its position. 8 bytes a leaf; a map from event id to leaf held every
   * id string (~100 MB with 1,000,000 events, issue 15).
   */
  private readonly positions = new PositionArray();
  private last = 0;
  private readonly checkpointer: MerkleCheckpointer;
  private catchingUp: Promise<number> | undefined;

  constructor(private readonly options: StoreAuditorOptions) {
    this.context = options.context;
    this.origin = options.origin ?? `fengqiao/${options.context}/event-store`;
    this.checkpointer = new MerkleCheckpointer({
      log: this.log,
      signer: options.signer,
      store: options.checkpoints,
      origin: this.origin,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  get publicKey(): KeyObject {
    return this.options.signer.publicKey;
  }

  /** The current key and the retired ones still published. */
  keySet(): CheckpointKeySet {
    const current = this.options.signer.publicJwk();
    const retired = (this.options.retiredKeys?.keys ?? []).filter((k) => k.kid !== current.kid);
    return { keys: [current, ...retired] };
  }

  trust(): CheckpointTrust {
    return { keySet: this.keySet() };
  }

  /** Appends every event stored since the last call to the log; returns the tree size. One at a time. */
  catchUp(): Promise<number> {
    this.catchingUp ??= this.doCatchUp().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private async doCatchUp(): Promise<number> {
    const pageSize = this.options.pageSize ?? 1000;
    const every = this.options.progressEvery ?? 100_000;
    const started = Date.now();
    const from = this.log.size;
    let told = from;
    const tell = (done: boolean) =>
      this.options.onProgress?.({ treeSize: this.log.size, added: this.log.size - from, seconds: (Date.now() - started) / 1000, done });
    for (;;) {
      const page = await this.options.events.readAll({ afterPosition: this.last, maxCount: pageSize });
      if (page.length === 0) {
        if (this.log.size - from >= every) tell(true);
        return this.log.size;
      }
      for (const e of page) {
        this.options.onEvent?.(e, this.log.size);
        this.positions.push(e.globalPosition);
        this.log.append(eventHashLeaf(e.hash));
        this.last = e.globalPosition;
      }
      if (this.log.size - told >= every) {
        told = this.log.size;
        tell(false);
      }
      // the store's reads resolve at once (node:sqlite is synchronous): without a turn of the event
      // loop between pages, following a large store held up every request, timer and the listen
      // of a starting process until the last page (issue 15)
      await nextTurn();
    }
  }

  /** Catches up, then signs and stores the head (a no-op when the log did not grow). */
  async checkpoint(): Promise<SignedCheckpoint> {
    await this.catchUp();
    return this.checkpointer.checkpoint();
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | undefined> {
    return this.options.checkpoints.latest();
  }

  async listCheckpoints(options: { afterSize?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    return this.options.checkpoints.list(options);
  }

  exported(signed: SignedCheckpoint): ExportedCheckpoint {
    return exportCheckpoint(signed, this.options.signer.publicKey);
  }

  /** Leaf index of a stored event in the log (after `catchUp`), found by its global position. */
  leafIndexOf(event: Pick<StoredEvent, 'globalPosition'>): number | undefined {
    return this.positions.indexOf(event.globalPosition);
  }

  /**
   * The inclusion proof of a stored event in the tree of `treeSize`, or undefined when the log has
   * no leaf for it: none at its position, or one of another hash (the store changed under the log).
   */
  inclusionProof(event: Pick<StoredEvent, 'globalPosition' | 'hash'>, treeSize: number): InclusionProof | undefined {
    const leaf = this.leafIndexOf(event);
    if (leaf === undefined || leaf >= treeSize) return undefined;
    if (!this.log.leafHash(leaf).equals(hashLeaf(eventHashLeaf(event.hash)))) return undefined;
    return this.log.inclusionProof(leaf, treeSize);
  }

  /** Does the log (as rebuilt) extend a checkpoint the auditor holds? Signature checked against this log's keys. */
  async checkAgainst(held: SignedCheckpoint): Promise<LogCheckpointResult & { proof?: ConsistencyProof }> {
    await this.catchUp();
    const result = checkLogAgainstCheckpoint(this.log, held, this.trust(), this.origin);
    if (!result.ok) return result;
    return { ...result, proof: this.log.consistencyProof(held.checkpoint.treeSize, this.log.size) };
  }

  /**
   * The evidence of these streams for a bundle: a fresh signed checkpoint covering every event
   * stored so far, and each stream's events with their inclusion proofs against it.
   */
  async bundleLog(streamIds: readonly string[]): Promise<BundledLog> {
    const signed = await this.checkpoint();
    const treeSize = signed.checkpoint.treeSize;
    const streams = [];
    for (const streamId of streamIds) {
      const stored = await this.options.events.readStream(streamId);
      const events = stored
        .map((e) => ({ e, proof: this.inclusionProof(e, treeSize) }))
        .filter((x): x is { e: StoredEvent; proof: InclusionProof } => x.proof !== undefined)
        .map(({ e, proof }) => ({ event: bundledEvent(e), proof }));
      streams.push({ streamId, events });
    }
    return { context: this.context, checkpoint: this.exported(signed), streams };
  }
}

/** A growable array of increasing global positions (Float64Array: exact up to 2^53). */
class PositionArray {
  private values = new Float64Array(1024);
  private count = 0;

  push(position: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = position;
  }

  /** Index of `position`, or undefined. */
  indexOf(position: number): number | undefined {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.values[mid];
      if (v === position) return mid;
      if (v < position) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
