/**
 * What a StoreAuditor keeps while it follows its store (issue 15): the Merkle log's completed
 * nodes, the global position of each leaf, an index from keys (a case id, a correlation id …) to
 * the streams they occur in, and how far it got. In memory (`MemoryAuditFollowerState`, the
 * default: rebuilt from the store at every start) or in SQLite (`SqliteAuditFollowerState`:
 * standalone mode, so the follower's memory does not grow with the store and a restart goes on
 * from where it stopped instead of reading the whole store again).
 *
 * The follower adds a page of leaves, positions and keys, then `commit`s it with its progress:
 * a persistent state writes them in one transaction, so what it reopens is always a whole page.
 */
import { MemoryMerkleNodes, type MerkleNodeStore } from '../merkle/merkle-log';

export interface AuditFollowerProgress {
  /** Leaves in the log. */
  treeSize: number;
  /** Global position of the last leaf (0 when empty). */
  lastPosition: number;
  /** Names what the key index holds (see StoreAuditorOptions.streamKeysVersion); a change rebuilds. */
  keysVersion: string;
}

export interface AuditFollowerState {
  readonly nodes: MerkleNodeStore;
  /** The committed progress (size 0 when new or cleared). */
  progress(): AuditFollowerProgress;
  /** Leaf `leaf` (the next one) is the event at `position` (increasing). */
  addLeaf(leaf: number, position: number): void;
  /** The stream `streamId` holds an event under `key`, first seen at leaf `leaf`. */
  addStreamKey(key: string, streamId: string, leaf: number): void;
  /** Makes the leaves, nodes and keys added so far part of the state, with this progress. */
  commit(progress: AuditFollowerProgress): void;
  /** Leaf index of the event at a global position, among the committed leaves. */
  leafIndexOf(position: number): number | undefined;
  /** Global position of a committed leaf. */
  positionOf(leaf: number): number | undefined;
  /** Global positions of the committed leaves `leaf`, `leaf + 1` … (at most `count`; fewer at the end). */
  positionsOf(leaf: number, count: number): number[];
  /** Streams holding an event under any of `keys`, in the order their first event joined the log. */
  streamsWithKeys(keys: readonly string[]): string[];
  /** Forgets everything (the log starts over from the store). */
  clear(): void;
}

/** A growable array of increasing global positions (Float64Array: exact up to 2^53). */
class PositionArray {
  private values = new Float64Array(1024);
  count = 0;

  push(position: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = position;
  }

  at(i: number): number | undefined {
    return i >= 0 && i < this.count ? this.values[i] : undefined;
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

/** Everything in memory: 8 bytes of position and ~64 bytes of nodes per leaf, plus the keys. */
export class MemoryAuditFollowerState implements AuditFollowerState {
  nodes: MerkleNodeStore = new MemoryMerkleNodes();
  private positions = new PositionArray();
  /** key → stream ids; stream id → its first leaf (Map order: the order streams joined the log). */
  private keys = new Map<string, Set<string>>();
  private streams = new Map<string, number>();
  private committed: AuditFollowerProgress = { treeSize: 0, lastPosition: 0, keysVersion: '' };

  progress(): AuditFollowerProgress {
    return { ...this.committed };
  }

  addLeaf(_leaf: number, position: number): void {
    this.positions.push(position);
  }

  addStreamKey(key: string, streamId: string, leaf: number): void {
    if (!this.streams.has(streamId)) this.streams.set(streamId, leaf);
    let set = this.keys.get(key);
    if (!set) this.keys.set(key, (set = new Set()));
    set.add(streamId);
  }

  commit(progress: AuditFollowerProgress): void {
    this.committed = { ...progress };
  }

  leafIndexOf(position: number): number | undefined {
    const leaf = this.positions.indexOf(position);
    return leaf !== undefined && leaf < this.committed.treeSize ? leaf : undefined;
  }

  positionOf(leaf: number): number | undefined {
    return leaf < this.committed.treeSize ? this.positions.at(leaf) : undefined;
  }

  positionsOf(leaf: number, count: number): number[] {
    const out: number[] = [];
    for (let i = Math.max(leaf, 0); i < Math.min(leaf + count, this.committed.treeSize); i++) out.push(this.positions.at(i) ?? NaN);
    return out;
  }

  streamsWithKeys(keys: readonly string[]): string[] {
    const found = new Set<string>();
    for (const k of keys) for (const s of this.keys.get(k) ?? []) found.add(s);
    return [...found].sort((a, b) => (this.streams.get(a) ?? 0) - (this.streams.get(b) ?? 0));
  }

  clear(): void {
    this.nodes = new MemoryMerkleNodes();
    this.positions = new PositionArray();
    this.keys = new Map();
    this.streams = new Map();
    this.committed = { treeSize: 0, lastPosition: 0, keysVersion: '' };
  }
}
