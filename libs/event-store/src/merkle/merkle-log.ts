/**
 * An append-only Merkle log (RFC 9162 §2.1) kept incrementally.
 *
 * It stores every *complete* subtree: level 0 holds the leaf hashes, level l holds the hash of
 * each aligned, full block of 2^l leaves. Completed nodes never change, so appending a leaf only
 * adds the nodes it completes (O(log n) worst case, O(1) amortised), and the last node of each
 * level whose count is odd is the log's frontier (compact range [0, n)). Any MTH(D[a:b]) the
 * proofs need is one stored node plus a walk down the right edge: O(log n) hashes.
 *
 * Memory: ~64 bytes per leaf, in contiguous buffers (no object per hash). The leaves themselves
 * (the events' hashes) live in the event store, so a log is rebuilt at start-up from read-all.
 */
import { EMPTY_TREE_ROOT, HASH_SIZE, hashChildren, hashLeaf, isPowerOfTwo, largestPowerOfTwoBelow, toHex } from './merkle-hash';
import { ConsistencyProof, InclusionProof, auditPath, consistencyPath, encodePath } from './merkle-proof';

/** A growable array of 32-byte hashes in one buffer. */
class HashArray {
  private buffer = Buffer.alloc(HASH_SIZE * 64);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(hash: Uint8Array): void {
    if ((this.count + 1) * HASH_SIZE > this.buffer.length) {
      const bigger = Buffer.alloc(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, this.count * HASH_SIZE);
      this.buffer = bigger;
    }
    this.buffer.set(hash, this.count * HASH_SIZE);
    this.count += 1;
  }

  /** A view of the stored bytes; callers must not write to it. */
  at(i: number): Buffer {
    return this.buffer.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

export interface TreeHead {
  treeSize: number;
  /** MTH of the first `treeSize` leaves, hex. */
  rootHash: string;
}

export class MerkleLog {
  /** levels[l].at(i) = MTH(D[i·2^l : (i+1)·2^l]). */
  private readonly levels: HashArray[] = [new HashArray()];

  /** A log holding the given leaf entries in order (e.g. every event hash from read-all). */
  static fromLeaves(entries: Iterable<Uint8Array>): MerkleLog {
    const log = new MerkleLog();
    for (const e of entries) log.append(e);
    return log;
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Appends a leaf entry (for events: the 32 bytes of the event hash); returns its leaf index. */
  append(entry: Uint8Array): number {
    return this.appendLeafHash(hashLeaf(entry));
  }

  /** Appends an already computed Merkle leaf hash SHA-256(0x00 || entry). */
  appendLeafHash(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_SIZE) throw new TypeError(`a leaf hash has ${HASH_SIZE} bytes, got ${leafHash.length}`);
    const index = this.size;
    this.levels[0].push(leafHash);
    // Complete every subtree this leaf closes: while a level has an even count, its last two
    // nodes are siblings whose parent is now complete.
    for (let l = 0; this.levels[l].length % 2 === 0; l += 1) {
      const level = this.levels[l];
      const parent = hashChildren(level.at(level.length - 2), level.at(level.length - 1));
      if (this.levels.length === l + 1) this.levels.push(new HashArray());
      this.levels[l + 1].push(parent);
    }
    return index;
  }

  /** Merkle leaf hash of leaf `index`. */
  leafHash(index: number): Buffer {
    this.assertIndex(index, this.size);
    return Buffer.from(this.levels[0].at(index));
  }

  /** MTH(D[0:treeSize]) for the current or any earlier size. */
  root(treeSize: number = this.size): Buffer {
    this.assertTreeSize(treeSize);
    return treeSize === 0 ? Buffer.from(EMPTY_TREE_ROOT) : Buffer.from(this.subtreeHash(0, treeSize));
  }

  head(treeSize: number = this.size): TreeHead {
    return { treeSize, rootHash: toHex(this.root(treeSize)) };
  }

  /** Audit path for leaf `leafIndex` in the tree of size `treeSize` (default: current size). */
  inclusionProof(leafIndex: number, treeSize: number = this.size): InclusionProof {
    this.assertTreeSize(treeSize);
    this.assertIndex(leafIndex, treeSize);
    return { leafIndex, treeSize, path: encodePath(auditPath(this.subtreeHash, leafIndex, treeSize)) };
  }

  /** Consistency proof from the tree of size `fromSize` to the tree of size `toSize`. */
  consistencyProof(fromSize: number, toSize: number = this.size): ConsistencyProof {
    this.assertTreeSize(toSize);
    if (!Number.isSafeInteger(fromSize) || fromSize < 0 || fromSize > toSize) {
      throw new RangeError(`consistency proof needs 0 ≤ fromSize ≤ toSize, got ${fromSize} → ${toSize}`);
    }
    return { fromSize, toSize, path: encodePath(consistencyPath(this.subtreeHash, fromSize, toSize)) };
  }

  /**
   * MTH(D[from:to]) for 0 ≤ from < to ≤ size, where the range is one the RFC recursion produces
   * (`from` a multiple of a power of two ≥ to − from); other ranges fall back to splitting.
   */
  private readonly subtreeHash = (from: number, to: number): Uint8Array => {
    const n = to - from;
    if (n <= 0 || to > this.size) throw new RangeError(`no subtree D[${from}:${to}] in a log of size ${this.size}`);
    if (isPowerOfTwo(n) && from % n === 0) {
      let level = 0;
      for (let w = n; w > 1; w /= 2) level += 1;
      return this.levels[level].at(from / n);
    }
    const k = largestPowerOfTwoBelow(n);
    return hashChildren(this.subtreeHash(from, from + k), this.subtreeHash(from + k, to));
  };

  private assertTreeSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size) {
      throw new RangeError(`tree size ${treeSize} is outside 0..${this.size}`);
    }
  }

  private assertIndex(index: number, treeSize: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
      throw new RangeError(`leaf ${index} is outside 0..${treeSize - 1}`);
    }
  }
}
