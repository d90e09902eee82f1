/**
 * Merkle Tree Hash of RFC 9162 §2.1.1 (Certificate Transparency v2), SHA-256 via `node:crypto`.
 *
 *   MTH({})      = SHA-256()
 *   MTH({d(0)})  = SHA-256(0x00 || d(0))
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   k = largest power of 2 < n
 *
 * The 0x00 / 0x01 prefixes keep a leaf from ever being taken for an inner node (second preimage).
 */
import { createHash, hash } from 'node:crypto';

export const HASH_SIZE = 32;

// One scratch buffer per shape, hashed with the one-shot `crypto.hash`: a Hash object per node
// (createHash) left its native context to the garbage collector, and following a store of
// 1,000,000 events (two hashes per leaf) piled up native memory V8 did not see (issue 15).
const leafInput = Buffer.alloc(1 + HASH_SIZE);
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/** SHA-256() — the root of the empty tree. */
export const EMPTY_TREE_ROOT: Buffer = createHash('sha256').digest();

/** SHA-256(0x00 || leaf). */
export function hashLeaf(leaf: Uint8Array): Buffer {
  if (leaf.length !== HASH_SIZE)
    return createHash('sha256')
      .update(Buffer.from([0x00]))
      .update(leaf)
      .digest();
  leafInput.set(leaf, 1);
  return hash('sha256', leafInput, 'buffer');
}

/** SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return createHash('sha256')
      .update(Buffer.from([0x01]))
      .update(left)
      .update(right)
      .digest();
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** Largest power of two strictly smaller than n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`largestPowerOfTwoBelow needs n ≥ 2, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * MTH straight from the RFC's recursive definition, over leaf *entries* (not leaf hashes).
 * O(n) hashing; the reference the incremental `MerkleLog` is tested against.
 */
export function merkleTreeHash(entries: readonly Uint8Array[]): Buffer {
  const leafHashes = entries.map(hashLeaf);
  const mth = (from: number, to: number): Buffer => {
    const n = to - from;
    if (n === 0) return EMPTY_TREE_ROOT;
    if (n === 1) return leafHashes[from];
    const k = largestPowerOfTwoBelow(n);
    return hashChildren(mth(from, from + k), mth(from + k, to));
  };
  return mth(0, leafHashes.length);
}

/** Strict hex → bytes (even length, hex digits only); throws on anything else. */
export function fromHex(hex: string, expectedBytes?: number): Buffer {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(`not a hex string: ${JSON.stringify(hex)}`);
  }
  const bytes = Buffer.from(hex, 'hex');
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    throw new TypeError(`expected ${expectedBytes} bytes of hex, got ${bytes.length}`);
  }
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * The leaf entry for an event: the raw bytes of its SHA-256 `hash` (hex in the envelope).
 * The Merkle leaf hash is then SHA-256(0x00 || these 32 bytes).
 */
export function eventHashLeaf(eventHashHex: string): Buffer {
  return fromHex(eventHashHex, HASH_SIZE);
}
