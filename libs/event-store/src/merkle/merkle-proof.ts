/**
 * Audit paths and consistency proofs of RFC 9162 §2.1.3 / §2.1.4.
 *
 * Generation follows the recursive PATH and SUBPROOF definitions (§2.1.3.1, §2.1.4.1) over a
 * `SubtreeHasher` (MTH of any range D[from:to] of the log). Verification follows the step-by-step
 * algorithms of §2.1.3.2 and §2.1.4.2 literally, with LSB / right-shift done in safe-integer
 * arithmetic (tree sizes may exceed 2^32).
 */
import { HASH_SIZE, fromHex, hashChildren, isPowerOfTwo, largestPowerOfTwoBelow, toHex } from './merkle-hash';

/** MTH(D[from:to]) of the log the proof is taken from. */
export type SubtreeHasher = (from: number, to: number) => Uint8Array;

/** Inclusion proof (audit path) of leaf `leafIndex` in the tree of size `treeSize`. Hashes in hex. */
export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  path: string[];
}

/** Consistency proof between the trees of sizes `fromSize` ≤ `toSize`. Hashes in hex. */
export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  path: string[];
}

function assertSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

/** PATH(m, D[n]) of §2.1.3.1: the audit path of leaf `leafIndex` in the tree of size `treeSize`. */
export function auditPath(subtree: SubtreeHasher, leafIndex: number, treeSize: number): Uint8Array[] {
  assertSize('leafIndex', leafIndex);
  assertSize('treeSize', treeSize);
  if (leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  const path = (m: number, from: number, to: number): Uint8Array[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    if (m < k) return [...path(m, from, from + k), subtree(from + k, to)];
    return [...path(m - k, from + k, to), subtree(from, from + k)];
  };
  return path(leafIndex, 0, treeSize);
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of §2.1.4.1. Empty when m = 0 or m = n. */
export function consistencyPath(subtree: SubtreeHasher, fromSize: number, toSize: number): Uint8Array[] {
  assertSize('fromSize', fromSize);
  assertSize('toSize', toSize);
  if (fromSize > toSize) throw new RangeError(`no consistency proof from size ${fromSize} back to ${toSize}`);
  if (fromSize === 0 || fromSize === toSize) return [];
  const subproof = (m: number, from: number, to: number, b: boolean): Uint8Array[] => {
    const n = to - from;
    if (m === n) return b ? [] : [subtree(from, to)];
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) return [...subproof(m, from, from + k, b), subtree(from + k, to)];
    return [...subproof(m - k, from + k, to, false), subtree(from, from + k)];
  };
  return subproof(fromSize, 0, toSize, true);
}

const lsb = (x: number): boolean => x % 2 === 1;
const shr = (x: number): number => Math.floor(x / 2);

function equalHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === HASH_SIZE && b.length === HASH_SIZE && Buffer.compare(a, b) === 0;
}

function allHashes(path: readonly Uint8Array[]): boolean {
  return path.every((p) => p instanceof Uint8Array && p.length === HASH_SIZE);
}

/**
 * RFC 9162 §2.1.3.2 — verifying an inclusion proof. `leafHash` is the Merkle leaf hash
 * (SHA-256(0x00 || entry)). Returns false for every malformed input instead of throwing.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  inclusionPath: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0) return false;
  if (leafHash.length !== HASH_SIZE || !allHashes(inclusionPath)) return false;
  // 1. leaf_index ≥ tree_size: fail.
  if (leafIndex >= treeSize) return false;
  // 2. fn = leaf_index, sn = tree_size − 1.
  let fn = leafIndex;
  let sn = treeSize - 1;
  // 3. r = hash.
  let r: Uint8Array = leafHash;
  // 4. for each p in inclusion_path:
  for (const p of inclusionPath) {
    // a. sn = 0: stop and fail.
    if (sn === 0) return false;
    // b. LSB(fn) set, or fn = sn:
    if (lsb(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!lsb(fn)) {
        // right-shift fn and sn equally until LSB(fn) is set or fn is 0.
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    // c. right-shift fn and sn once.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. sn = 0 and r = root_hash.
  return sn === 0 && equalHash(r, rootHash);
}

/**
 * RFC 9162 §2.1.4.2 — verifying consistency between two tree heads (first, first_hash) and
 * (second, second_hash). The RFC's algorithm covers 0 < first < second; the edge cases follow the
 * same rules as transparency-dev/merkle: first = second needs an empty proof and equal roots,
 * first = 0 needs an empty proof (every tree extends the empty one), first > second fails.
 */
export function verifyConsistency(
  first: number,
  second: number,
  consistencyPathIn: readonly Uint8Array[],
  firstHash: Uint8Array,
  secondHash: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0) return false;
  if (!allHashes(consistencyPathIn)) return false;
  if (second < first) return false;
  if (first === second) return consistencyPathIn.length === 0 && equalHash(firstHash, secondHash);
  if (first === 0) return consistencyPathIn.length === 0;
  // 1. empty consistency_path: fail.
  if (consistencyPathIn.length === 0) return false;
  // 2. first an exact power of 2: prepend first_hash.
  const path: readonly Uint8Array[] = isPowerOfTwo(first) ? [firstHash, ...consistencyPathIn] : consistencyPathIn;
  // 3. fn = first − 1, sn = second − 1.
  let fn = first - 1;
  let sn = second - 1;
  // 4. LSB(fn) set: right-shift fn and sn equally until LSB(fn) is not set.
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. fr = sr = first value of consistency_path.
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  // 6. for each subsequent value c:
  for (const c of path.slice(1)) {
    // a. sn = 0: stop and fail.
    if (sn === 0) return false;
    // b. LSB(fn) set, or fn = sn:
    if (lsb(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    // c. right-shift fn and sn once.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 7. fr = first_hash, sr = second_hash, sn = 0.
  return sn === 0 && equalHash(fr, firstHash) && equalHash(sr, secondHash);
}

function decodePath(path: readonly string[]): Uint8Array[] | undefined {
  try {
    return path.map((h) => fromHex(h, HASH_SIZE));
  } catch {
    return undefined;
  }
}

function decodeHash(h: string | Uint8Array): Uint8Array | undefined {
  if (typeof h !== 'string') return h;
  try {
    return fromHex(h, HASH_SIZE);
  } catch {
    return undefined;
  }
}

/** Verifies an exported `InclusionProof` (hex) for a Merkle leaf hash against a root. */
export function verifyInclusionProof(proof: InclusionProof, leafHash: string | Uint8Array, rootHash: string | Uint8Array): boolean {
  const path = decodePath(proof.path);
  const leaf = decodeHash(leafHash);
  const root = decodeHash(rootHash);
  if (!path || !leaf || !root) return false;
  return verifyInclusion(proof.leafIndex, proof.treeSize, leaf, path, root);
}

/** Verifies an exported `ConsistencyProof` (hex) between two roots. */
export function verifyConsistencyProof(proof: ConsistencyProof, fromRoot: string | Uint8Array, toRoot: string | Uint8Array): boolean {
  const path = decodePath(proof.path);
  const first = decodeHash(fromRoot);
  const second = decodeHash(toRoot);
  if (!path || !first || !second) return false;
  return verifyConsistency(proof.fromSize, proof.toSize, path, first, second);
}

export function encodePath(path: readonly Uint8Array[]): string[] {
  return path.map(toHex);
}
