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
import type { Clock } from '@fengqiao/kernel';
import type { EventStore, StoredEvent } from '../event-store.port';
import { CheckpointKeySet, CheckpointSigner, ExportedCheckpoint, SignedCheckpoint, exportCheckpoint } from '../merkle/checkpoint';
import type { CheckpointStore } from '../merkle/checkpoint.store';
import { CheckpointTrust, LogCheckpointResult, checkLogAgainstCheckpoint } from '../merkle/log-audit';
import { MerkleCheckpointer } from '../merkle/merkle-checkpointer';
import { eventHashLeaf } from '../merkle/merkle-hash';
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
  private readonly leafOf = new Map<string, number>();
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
    for (;;) {
      const page = await this.options.events.readAll({ afterPosition: this.last, maxCount: pageSize });
      if (page.length === 0) return this.log.size;
      for (const e of page) {
        this.options.onEvent?.(e, this.log.size);
        this.leafOf.set(e.id, this.log.size);
        this.log.append(eventHashLeaf(e.hash));
        this.last = e.globalPosition;
      }
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

  /** Leaf index of an event in the log (after `catchUp`). */
  leafIndexOf(eventId: string): number | undefined {
    return this.leafOf.get(eventId);
  }

  inclusionProof(eventId: string, treeSize: number): InclusionProof | undefined {
    const leaf = this.leafOf.get(eventId);
    return leaf === undefined || leaf >= treeSize ? undefined : this.log.inclusionProof(leaf, treeSize);
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
        .map((e) => ({ e, proof: this.inclusionProof(e.id, treeSize) }))
        .filter((x): x is { e: StoredEvent; proof: InclusionProof } => x.proof !== undefined)
        .map(({ e, proof }) => ({ event: bundledEvent(e), proof }));
      streams.push({ streamId, events });
    }
    return { context: this.context, checkpoint: this.exported(signed), streams };
  }
}
