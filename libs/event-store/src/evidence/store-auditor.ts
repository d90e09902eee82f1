/**
 * The audit side of one event store (DESIGN §4): it follows the store into a Merkle log of event
 * hashes, signs checkpoints of it (on a schedule the caller drives), and answers what an auditor
 * asks of this store: inclusion proofs for a matter's events, a consistency proof from a
 * checkpoint the auditor holds, the evidence of a set of streams for a bundle, the streams that
 * hold an event under a key (a case id, a correlation id …).
 *
 * The leaves are the events' hashes, read from the store with `readAll` and kept current by
 * `catchUp()`. What the follower builds from them (the log's nodes, each leaf's position, the key
 * index, how far it got) is an AuditFollowerState: in memory by default, rebuilt from the whole
 * store at every start; in SQLite in standalone mode (issue 15), where a restart goes on from the
 * last page it committed once it has checked that the store still holds the log's last leaf.
 * That one read does not see an event edited in the store's file while the process was down, so a
 * resumed log is then re-checked against the store in the background (resume-recheck.ts: every
 * event up to the resumed size, page by page, without holding up the start): on the first
 * difference the follower tells `onStoreChanged` and starts its log over from the store, and the
 * next checkpoint is refused because the rebuilt log no longer extends the last signed one (what
 * every start did when the log was always rebuilt).
 * Checkpoints are kept in a CheckpointStore beside the store.
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
import { MerkleLogForkError } from '../merkle/merkle.errors';
import { AuditFollowerProgress, AuditFollowerState, MemoryAuditFollowerState } from './audit-follower-state';
import { BundledEvent, BundledLog } from './evidence-bundle';
import { RecheckProgress, RecheckResult, StoreChange, recheckResumedLog } from './resume-recheck';

/** A catch-up ended by `StoreAuditor.stop()` (the process is stopping); what it followed so far is kept. */
export class AuditorStoppedError extends Error {
  constructor(readonly treeSize: number) {
    super(`the audit follower was stopped at ${treeSize} events`);
    this.name = 'AuditorStoppedError';
  }
}

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
  /** Where the log's nodes, the leaves' positions and the key index are kept; default in memory. */
  state?: AuditFollowerState;
  /** The keys under which an event's stream is found by `streamsWithKeys` (e.g. its case id); none by default. */
  streamKeys?: (event: StoredEvent) => Iterable<string>;
  /** Names the `streamKeys` function: a persisted index built by another one is rebuilt. */
  streamKeysVersion?: string;
  /**
   * Told how the follower started on a persisted state: where it resumed, or why it read the
   * store again from the start (the store no longer holds the log's last leaf, the keys changed).
   */
  onResume?: (resume: { treeSize: number; resumed: boolean; reason?: string }) => void;
  /**
   * Told the log's size each time a catch-up passes another `progressEvery` leaves (default
   * 100,000), and once at its end when it added that many or more: following a large store at
   * start-up takes a while and says how far it got.
   */
  onProgress?: (progress: { treeSize: number; added: number; seconds: number; done: boolean }) => void;
  progressEvery?: number;
  /**
   * Told how the re-check of a resumed log against the store goes (resume-recheck.ts): every
   * `progressEvery` leaves, and once at its end (with the difference it found, or why it could not finish).
   */
  onRecheck?: (progress: RecheckResult & { error?: string }) => void;
  /**
   * Told when the re-check finds that the store no longer holds what the resumed log recorded (an
   * event edited, removed or added while the process was down): the log then starts over from the
   * store, and its next checkpoint is refused against the last signed one.
   */
  onStoreChanged?: (change: StoreChange) => void;
}

/** The event as hashed: the stored event without `globalPosition` and the trace context (metadata, not evidence). */
export function bundledEvent(e: StoredEvent): BundledEvent {
  const { globalPosition: _position, traceparent: _trace, ...rest } = e;
  return rest;
}

export class StoreAuditor {
  readonly context: string;
  readonly origin: string;
  private readonly state: AuditFollowerState;
  private current: MerkleLog;
  private last = 0;
  /** Whether the persisted state was checked against the store (once, at the first catch-up). */
  private opened = false;
  private failedCommit: string | undefined;
  private catchingUp: Promise<number> | undefined;
  /** Whether the next `open()` is this auditor's first: only a state persisted before it is re-checked. */
  private firstOpen = true;
  /** Counts the times the state was cleared: a re-check of an older log stops. */
  private generation = 0;
  private recheck: Promise<RecheckResult | undefined> | undefined;
  private stopping = false;
  /** Set by the re-check: the next `open()` starts the log over from the store. */
  private startOver: string | undefined;
  private change: StoreChange | undefined;

  constructor(private readonly options: StoreAuditorOptions) {
    this.context = options.context;
    this.origin = options.origin ?? `fengqiao/${options.context}/event-store`;
    this.state = options.state ?? new MemoryAuditFollowerState();
    const progress = this.state.progress();
    try {
      this.current = new MerkleLog(this.state.nodes, progress.treeSize);
      this.last = progress.lastPosition;
    } catch {
      // the state lacks nodes of the size it recorded: read the store again
      this.state.clear();
      this.current = new MerkleLog(this.state.nodes, 0);
      this.last = 0;
    }
  }

  /** The Merkle log as followed so far. */
  get log(): MerkleLog {
    return this.current;
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

  /** What the re-check of a resumed log found changed in the store, if it did (kept for the life of the auditor). */
  get storeChange(): StoreChange | undefined {
    return this.change;
  }

  /** The re-check of the resumed log against the store: resolves when it ends (undefined when none started). */
  async rechecked(): Promise<RecheckResult | undefined> {
    return this.recheck;
  }

  /**
   * Ends a re-check and a catch-up in progress (between two pages; a catch-up then rejects with
   * AuditorStoppedError, the pages it committed stay) and waits for the re-check, so the stores can
   * close. Without it, a process told to stop while following a large store went on to its end.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.recheck;
  }

  /** Appends every event stored since the last call to the log; returns the tree size. One at a time. */
  catchUp(): Promise<number> {
    this.catchingUp ??= this.doCatchUp().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private async doCatchUp(): Promise<number> {
    for (;;) {
      if (!this.opened) await this.open();
      const size = await this.follow();
      // undefined: the re-check found the store changed under the log while following it, start over now
      if (size !== undefined) return size;
    }
  }

  private async follow(): Promise<number | undefined> {
    const pageSize = this.options.pageSize ?? 1000;
    const every = this.options.progressEvery ?? 100_000;
    const keysOf = this.options.streamKeys;
    const keysVersion = this.options.streamKeysVersion ?? '';
    const started = Date.now();
    const log = this.current;
    const from = log.size;
    let told = from;
    const tell = (done: boolean) => this.options.onProgress?.({ treeSize: log.size, added: log.size - from, seconds: (Date.now() - started) / 1000, done });
    for (;;) {
      const page = await this.options.events.readAll({ afterPosition: this.last, maxCount: pageSize });
      if (!this.opened) return undefined;
      if (page.length === 0) {
        if (log.size - from >= every) tell(true);
        return log.size;
      }
      try {
        for (const e of page) {
          const leaf = log.size;
          if (keysOf) for (const key of keysOf(e)) this.state.addStreamKey(key, e.streamId, leaf);
          this.state.addLeaf(leaf, e.globalPosition);
          log.append(eventHashLeaf(e.hash));
        }
        this.state.commit({ treeSize: log.size, lastPosition: page[page.length - 1].globalPosition, keysVersion });
      } catch (error) {
        // what is in memory may now be ahead of the state: the next catch-up starts over
        this.failedCommit = (error as Error).message;
        this.opened = false;
        throw error;
      }
      this.last = page[page.length - 1].globalPosition;
      if (log.size - told >= every) {
        told = log.size;
        tell(false);
      }
      // the store's reads resolve at once (node:sqlite is synchronous): without a turn of the event
      // loop between pages, following a large store held up every request, timer and the listen
      // of a starting process until the last page (issue 15)
      await nextTurn();
      if (this.stopping) throw new AuditorStoppedError(log.size);
    }
  }

  /**
   * Takes up the committed state: keeps it when the store still holds the log's last leaf at its
   * position (one event read, not the store) and the key index was built by the same keys,
   * otherwise starts over from an empty log. A state persisted before this auditor is then
   * re-checked against the store in the background (see `recheckInBackground`).
   */
  private async open(): Promise<void> {
    const progress = this.state.progress();
    let reason = this.failedCommit ? `a page could not be committed (${this.failedCommit})` : await this.whyNotResume(progress);
    this.failedCommit = undefined;
    // read after the await: the re-check may have found a change meanwhile
    if (this.startOver !== undefined) reason = this.startOver;
    this.startOver = undefined;
    const first = this.firstOpen;
    this.firstOpen = false;
    if (reason === undefined) {
      this.current = new MerkleLog(this.state.nodes, progress.treeSize);
      this.last = progress.lastPosition;
      this.opened = true;
      if (progress.treeSize > 0) this.options.onResume?.({ treeSize: progress.treeSize, resumed: true });
      if (first && progress.treeSize > 0) this.recheckInBackground(progress.treeSize);
      return;
    }
    this.state.clear();
    this.generation += 1;
    this.current = new MerkleLog(this.state.nodes, 0);
    this.last = 0;
    this.opened = true;
    this.options.onResume?.({ treeSize: 0, resumed: false, reason });
  }

  /** Undefined when the committed state can be taken up as it is; else why not. */
  private async whyNotResume(progress: AuditFollowerProgress): Promise<string | undefined> {
    if (progress.treeSize === 0) return undefined;
    if (progress.keysVersion !== (this.options.streamKeysVersion ?? '')) return 'the stream keys changed';
    let lastLeaf: Buffer;
    try {
      lastLeaf = new MerkleLog(this.state.nodes, progress.treeSize).leafHash(progress.treeSize - 1);
    } catch (error) {
      return `the state could not be read: ${(error as Error).message}`;
    }
    // a read of the store failing here is not a reason to start over: it propagates
    const before = progress.treeSize > 1 ? (this.state.positionOf(progress.treeSize - 2) ?? 0) : 0;
    const [event] = await this.options.events.readAll({ afterPosition: before, maxCount: 1 });
    if (event && event.globalPosition === progress.lastPosition && lastLeaf.equals(hashLeaf(eventHashLeaf(event.hash)))) return undefined;
    return `the store no longer holds the log's last leaf (leaf ${progress.treeSize - 1} at position ${progress.lastPosition})`;
  }

  /**
   * Compares the resumed log's first `treeSize` leaves with the store, without holding up the
   * caller (resume-recheck.ts). On a difference: tells `onStoreChanged` and makes the log start
   * over from the store at once (a catch-up in progress starts over after its page).
   */
  private recheckInBackground(treeSize: number): void {
    const generation = this.generation;
    const stopped = () => this.stopping || this.generation !== generation;
    const every = this.options.progressEvery ?? 100_000;
    const run = async (): Promise<RecheckResult | undefined> => {
      // after the turn that resumed: the catch-up's first page goes first
      await nextTurn();
      const result = await recheckResumedLog({
        events: this.options.events,
        log: new MerkleLog(this.state.nodes, treeSize),
        positionsOf: (leaf, count) => this.state.positionsOf(leaf, count),
        treeSize,
        pageSize: this.options.pageSize ?? 1000,
        progressEvery: every,
        onProgress: (p: RecheckProgress) => this.options.onRecheck?.(p),
        stopped,
      });
      if (result.change && !stopped()) {
        this.change = result.change;
        this.startOver = `the re-check found the store changed under the log: ${result.change.detail}`;
        this.opened = false;
        this.options.onStoreChanged?.(result.change);
      }
      this.options.onRecheck?.(result);
      return result;
    };
    this.recheck = run().catch((error: unknown) => {
      // a read of the store failing is not a change of the store: said, and left to the next start
      this.options.onRecheck?.({ treeSize, checked: 0, seconds: 0, done: true, error: (error as Error).message });
      return undefined;
    });
  }

  /** Catches up, then signs and stores the head (a no-op when the log did not grow). */
  async checkpoint(): Promise<SignedCheckpoint> {
    await this.catchUp();
    const checkpointer = new MerkleCheckpointer({
      log: this.current,
      signer: this.options.signer,
      store: this.options.checkpoints,
      origin: this.origin,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
    });
    try {
      return await checkpointer.checkpoint();
    } catch (error) {
      // the refusal people see (the audit routes) says where the re-check found the store changed
      const change = this.change;
      if (!change || !(error instanceof MerkleLogForkError)) throw error;
      const detail = error.details as { checkpointSize: number; logSize: number; reason: string };
      throw new MerkleLogForkError({ ...detail, reason: `${detail.reason}；${change.message}` });
    }
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
    return this.state.leafIndexOf(event.globalPosition);
  }

  /** After catching up: the streams holding an event under any of `keys` (see `streamKeys`), in the order they joined the log. */
  async streamsWithKeys(keys: readonly string[]): Promise<string[]> {
    await this.catchUp();
    return this.state.streamsWithKeys(keys);
  }

  /**
   * The inclusion proof of a stored event in the tree of `treeSize`, or undefined when the log has
   * no leaf for it: none at its position, or one of another hash (the store changed under the log).
   */
  inclusionProof(event: Pick<StoredEvent, 'globalPosition' | 'hash'>, treeSize: number): InclusionProof | undefined {
    const leaf = this.leafIndexOf(event);
    if (leaf === undefined || leaf >= treeSize) return undefined;
    if (!this.current.leafHash(leaf).equals(hashLeaf(eventHashLeaf(event.hash)))) return undefined;
    return this.current.inclusionProof(leaf, treeSize);
  }

  /** Does the log (as rebuilt) extend a checkpoint the auditor holds? Signature checked against this log's keys. */
  async checkAgainst(held: SignedCheckpoint): Promise<LogCheckpointResult & { proof?: ConsistencyProof }> {
    await this.catchUp();
    const log = this.current;
    const result = checkLogAgainstCheckpoint(log, held, this.trust(), this.origin);
    if (!result.ok) return result;
    return { ...result, proof: log.consistencyProof(held.checkpoint.treeSize, log.size) };
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
