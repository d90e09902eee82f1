/**
 * An append-only Merkle log (RFC 9162 §2.1) kept incrementally.
 *
 * It stores every *complete* subtree: level 0 holds the leaf hashes, level l holds the hash of
 * each aligned, full block of 2^l leaves. Completed nodes never change, so appending a leaf only
 * adds the nodes it completes (O(log n) worst case, O(1) amortised). The last node of each level
 * is kept in memory as the log's frontier: with it an append needs no stored node, and the root
 * of the current tree is the hash of the frontier nodes of the levels whose bit is set in its
 * size (the compact range [0, n)). Any MTH(D[a:b]) the proofs need is one stored node plus a walk
 * down the right edge: O(log n) node reads.
 *
 * Where the completed nodes live is a `MerkleNodeStore`: in memory by default (~64 bytes per leaf
 * in contiguous buffers, no object per hash), or on disk (`SqliteMerkleNodes`: the audit follower
 * of a service, issue 15). A log over a store that already holds nodes is reopened with its size.
 */
import { EMPTY_TREE_ROOT, HASH_SIZE, hashChildren, hashLeaf, isPowerOfTwo, largestPowerOfTwoBelow, toHex } from './merkle-hash';
import { ConsistencyProof, InclusionProof, auditPath, consistencyPath, encodePath } from './merkle-proof';

/**
 * The completed nodes of a Merkle log, by level and index. Nodes are put in order (per level,
 * index 0, 1, 2 …) and never change; `get` is only asked for nodes that were put.
 */
export interface MerkleNodeStore {
  get(level: number, index: number): Uint8Array;
  put(level: number, index: number, hash: Uint8Array): void;
}

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

/** Every node in memory, one contiguous buffer per level. */
export class MemoryMerkleNodes implements MerkleNodeStore {
  private readonly levels: HashArray[] = [];

  get(level: number, index: number): Uint8Array {
    const l = this.levels[level];
    if (!l || index >= l.length) throw new RangeError(`no Merkle node ${index} at level ${level}`);
    return l.at(index);
  }

  put(level: number, index: number, hash: Uint8Array): void {
    while (this.levels.length <= level) this.levels.push(new HashArray());
    if (index !== this.levels[level].length) throw new RangeError(`Merkle node ${index} at level ${level} put out of order`);
    this.levels[level].push(hash);
  }
}

export interface TreeHead {
  treeSize: number;
  /** MTH of the first `treeSize` leaves, hex. */
  rootHash: string;
}

/** Level of a power of two n (log2 n). */
function levelOf(n: number): number {
  let level = 0;
  for (let w = n; w > 1; w /= 2) level += 1;
  return level;
}

export class MerkleLog {
  private count = 0;
  /** frontier[l] = the last node of level l (a copy), for every level holding a node. */
  private readonly frontier: Buffer[] = [];

  /**
   * A log over `nodes` (in memory by default). With `size` > 0 the store already holds the nodes
   * of a log of that many leaves (reopened from disk): only its frontier is read.
   */
  constructor(
    private readonly nodes: MerkleNodeStore = new MemoryMerkleNodes(),
    size = 0,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`a Merkle log's size is a non-negative integer, got ${size}`);
    this.count = size;
    for (let level = 0, width = 1; width <= size; level += 1, width *= 2) {
      this.frontier.push(Buffer.from(nodes.get(level, Math.floor(size / width) - 1)));
    }
  }

  /** A log holding the given leaf entries in order (e.g. every event hash from read-all). */
  static fromLeaves(entries: Iterable<Uint8Array>): MerkleLog {
    const log = new MerkleLog();
    for (const e of entries) log.append(e);
    return log;
  }

  get size(): number {
    return this.count;
  }

  /** Appends a leaf entry (for events: the 32 bytes of the event hash); returns its leaf index. */
  append(entry: Uint8Array): number {
    return this.appendLeafHash(hashLeaf(entry));
  }

  /** Appends an already computed Merkle leaf hash SHA-256(0x00 || entry). */
  appendLeafHash(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_SIZE) throw new TypeError(`a leaf hash has ${HASH_SIZE} bytes, got ${leafHash.length}`);
    const leaf = this.count;
    // Put the leaf, then complete every subtree it closes: while the node just put has an odd
    // index, it is a right child and its left sibling is the level's previous last node.
    let node: Buffer = Buffer.from(leafHash);
    let index = leaf;
    for (let level = 0; ; level += 1) {
      this.nodes.put(level, index, node);
      const left = this.frontier[level];
      this.frontier[level] = node;
      if (index % 2 === 0) break;
      node = hashChildren(left, node);
      index = (index - 1) / 2;
    }
    this.count = leaf + 1;
    return leaf;
  }

  /** Merkle leaf hash of leaf `index`. */
  leafHash(index: number): Buffer {
    this.assertIndex(index, this.size);
    return Buffer.from(this.node(0, index));
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

  /** Node `index` of `level`: from the frontier when it is the level's last, else from the store. */
  private node(level: number, index: number): Uint8Array {
    const last = Math.floor(this.count / 2 ** level) - 1;
    return index === last ? this.frontier[level] : this.nodes.get(level, index);
  }

  /**
   * MTH(D[from:to]) for 0 ≤ from < to ≤ size, where the range is one the RFC recursion produces
   * (`from` a multiple of a power of two ≥ to − from); other ranges fall back to splitting.
   */
  private readonly subtreeHash = (from: number, to: number): Uint8Array => {
    const n = to - from;
    if (n <= 0 || to > this.size) throw new RangeError(`no subtree D[${from}:${to}] in a log of size ${this.size}`);
    if (isPowerOfTwo(n) && from % n === 0) return this.node(levelOf(n), from / n);
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
