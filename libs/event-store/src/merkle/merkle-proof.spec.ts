/**
 * Known answers and properties for the RFC 9162 Merkle tree, audit paths and consistency proofs.
 *
 * Known-answer vectors: the RFC 6962 / 9162 test data of google/trillian, kept in
 * transparency-dev/merkle (`proof/verify_test.go`, `rfc6962/rfc6962_test.go`): eight leaf entries,
 * the roots of the trees of sizes 1..8, and audit paths / consistency proofs between them.
 */
import fc from 'fast-check';
import { EMPTY_TREE_ROOT, hashChildren, hashLeaf, merkleTreeHash } from './merkle-hash';
import { MerkleLog } from './merkle-log';
import { auditPath, consistencyPath, verifyConsistency, verifyConsistencyProof, verifyInclusion, verifyInclusionProof } from './merkle-proof';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// transparency-dev/merkle proof/verify_test.go
const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** { leaf (1-based, as in the Go test), size, path } */
const inclusionVectors: { leaf: number; size: number; path: string[] }[] = [
  { leaf: 1, size: 1, path: [] },
  {
    leaf: 1,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 6,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leaf: 3, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leaf: 2,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const consistencyVectors: { size1: number; size2: number; path: string[] }[] = [
  { size1: 1, size2: 1, path: [] },
  {
    size1: 1,
    size2: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    path: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'],
  },
  {
    size1: 6,
    size2: 7,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const someHash = h('abacaba000000000000000000000000000000000000000000060061e00123456');

function flipBit(path: readonly Uint8Array[], i: number, mask: number): Uint8Array[] {
  return path.map((p, j) => {
    const copy = Buffer.from(p);
    if (j === i) copy[0] ^= mask;
    return copy;
  });
}

describe('RFC 6962/9162 hashing (known answers)', () => {
  it('hashes the empty tree, an empty leaf, a leaf and a node like transparency-dev/merkle', () => {
    expect(hex(EMPTY_TREE_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(hashLeaf(Buffer.alloc(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(hashLeaf(Buffer.from('L123456')))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(hex(hashChildren(Buffer.from('N123'), Buffer.from('N456')))).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
  });

  it('keeps leaves and nodes apart (second preimage) and depends on child order', () => {
    const a = hashLeaf(Buffer.from('Hello'));
    const b = hashLeaf(Buffer.from('World'));
    expect(hashChildren(a, b).equals(hashLeaf(Buffer.concat([a, b])))).toBe(false);
    expect(hashChildren(a, b).equals(hashChildren(b, a))).toBe(false);
  });

  it.each(roots.map((root, i) => [i + 1, root] as const))('MTH of the first %i leaves is the known root', (size, root) => {
    expect(hex(merkleTreeHash(leaves.slice(0, size)))).toBe(root);
    const log = MerkleLog.fromLeaves(leaves);
    expect(hex(log.root(size))).toBe(root);
    expect(hex(MerkleLog.fromLeaves(leaves.slice(0, size)).root())).toBe(root);
  });
});

describe('audit paths (RFC 9162 §2.1.3, known answers)', () => {
  const log = MerkleLog.fromLeaves(leaves);

  it.each(inclusionVectors)('generates and verifies the path of leaf $leaf in a tree of $size', ({ leaf, size, path }) => {
    const index = leaf - 1;
    expect(log.inclusionProof(index, size).path).toEqual(path);
    expect(verifyInclusion(index, size, hashLeaf(leaves[index]), path.map(h), h(roots[size - 1]))).toBe(true);
  });

  it.each(inclusionVectors.filter((v) => v.path.length > 0))(
    'rejects every corruption of the path of leaf $leaf in a tree of $size',
    ({ leaf, size, path: pathHex }) => {
      const index = leaf - 1;
      const path = pathHex.map(h);
      const root = h(roots[size - 1]);
      const leafHash = hashLeaf(leaves[index]);
      const probes: [string, number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        ['leafIndex - 1', index - 1, size, leafHash, path, root],
        ['leafIndex + 1', index + 1, size, leafHash, path, root],
        ['leafIndex ^ 2', index ^ 2, size, leafHash, path, root],
        ['treeSize * 2', index, size * 2, leafHash, path, root],
        ['treeSize / 2', index, Math.floor(size / 2), leafHash, path, root],
        ['wrong leaf', index, size, Buffer.from('WrongLeaf'), path, root],
        ['other leaf hash', index, size, someHash, path, root],
        ['empty root', index, size, leafHash, path, EMPTY_TREE_ROOT],
        ['random root', index, size, leafHash, path, someHash],
        ['trailing garbage', index, size, leafHash, [...path, Buffer.alloc(0)], root],
        ['trailing root', index, size, leafHash, [...path, root], root],
        ['preceding garbage', index, size, leafHash, [Buffer.alloc(0), ...path], root],
        ['preceding root', index, size, leafHash, [root, ...path], root],
        ['removed component', index, size, leafHash, path.slice(0, -1), root],
        ...path.map(
          (_, i) => [`modified path[${i}]`, index, size, leafHash, flipBit(path, i, 8), root] as [string, number, number, Uint8Array, Uint8Array[], Uint8Array],
        ),
      ];
      if (path.length > 1) probes.push(['inserted component', index, size, leafHash, [path[0], someHash, ...path.slice(1)], root]);
      const accepted = probes.filter(([, i, n, l, p, r]) => verifyInclusion(i, n, l, p, r)).map(([d]) => d);
      expect(accepted).toEqual([]);
    },
  );

  it('rejects leaves outside the tree and the empty tree', () => {
    for (const [i, n] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ]) {
      expect(verifyInclusion(i, n, someHash, [], EMPTY_TREE_ROOT)).toBe(false);
    }
    expect(() => log.inclusionProof(8, 8)).toThrow(RangeError);
    expect(() => log.inclusionProof(0, 9)).toThrow(RangeError);
  });

  it('accepts the single-leaf tree only when root = leaf hash and the path is empty', () => {
    const leafHash = hashLeaf(Buffer.from('data'));
    expect(verifyInclusion(0, 1, leafHash, [], leafHash)).toBe(true);
    expect(verifyInclusion(0, 1, leafHash, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(0, 1, Buffer.alloc(0), [], leafHash)).toBe(false);
    expect(verifyInclusion(0, 1, leafHash, [leafHash], leafHash)).toBe(false);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4, known answers)', () => {
  const log = MerkleLog.fromLeaves(leaves);

  it.each(consistencyVectors)('generates and verifies the proof $size1 → $size2', ({ size1, size2, path }) => {
    expect(log.consistencyProof(size1, size2).path).toEqual(path);
    expect(verifyConsistency(size1, size2, path.map(h), h(roots[size1 - 1]), h(roots[size2 - 1]))).toBe(true);
  });

  it.each(consistencyVectors.filter((v) => v.path.length > 0))('rejects every corruption of the proof $size1 → $size2', ({ size1, size2, path: pathHex }) => {
    const path = pathHex.map(h);
    const r1 = h(roots[size1 - 1]);
    const r2 = h(roots[size2 - 1]);
    const probes: [string, number, number, Uint8Array[], Uint8Array, Uint8Array][] = [
      ['size1 - 1', size1 - 1, size2, path, r1, r2],
      ['size1 + 1', size1 + 1, size2, path, r1, r2],
      ['size1 ^ 2', size1 ^ 2, size2, path, r1, r2],
      ['size2 * 2', size1, size2 * 2, path, r1, r2],
      ['size2 / 2', size1, Math.floor(size2 / 2), path, r1, r2],
      ['wrong root1', size1, size2, path, Buffer.from('WrongRoot'), r2],
      ['wrong root2', size1, size2, path, r1, Buffer.from('WrongRoot')],
      ['other root1', size1, size2, path, someHash, r2],
      ['swapped roots', size1, size2, path, r2, r1],
      ['empty proof', size1, size2, [], r1, r2],
      ['trailing garbage', size1, size2, [...path, Buffer.alloc(0)], r1, r2],
      ['trailing root1', size1, size2, [...path, r1], r1, r2],
      ['trailing root2', size1, size2, [...path, r2], r1, r2],
      ['preceding garbage', size1, size2, [Buffer.alloc(0), ...path], r1, r2],
      ['preceding root1', size1, size2, [r1, ...path], r1, r2],
      ['preceding root2', size1, size2, [r2, ...path], r1, r2],
      ['preceding proof[0]', size1, size2, [path[0], ...path], r1, r2],
      ['truncated proof', size1, size2, path.slice(0, -1), r1, r2],
      ...path.map(
        (_, i) => [`modified proof[${i}]`, size1, size2, flipBit(path, i, 16), r1, r2] as [string, number, number, Uint8Array[], Uint8Array, Uint8Array],
      ),
    ];
    const accepted = probes.filter(([, a, b, p, x, y]) => verifyConsistency(a, b, p, x, y)).map(([d]) => d);
    expect(accepted).toEqual([]);
  });

  it('handles the edge sizes like transparency-dev/merkle', () => {
    const r1 = someHash;
    const r2 = EMPTY_TREE_ROOT;
    // equal sizes need equal roots and an empty proof
    expect(verifyConsistency(0, 0, [], r1, r1)).toBe(true);
    expect(verifyConsistency(1, 1, [], r2, r2)).toBe(true);
    expect(verifyConsistency(0, 0, [], r1, r2)).toBe(false);
    expect(verifyConsistency(1, 1, [], r1, r2)).toBe(false);
    expect(verifyConsistency(1, 1, [r2], r2, r2)).toBe(false);
    // every tree extends the empty tree, with an empty proof only
    expect(verifyConsistency(0, 1, [], r1, r2)).toBe(true);
    expect(verifyConsistency(0, 1, [r2], r2, r2)).toBe(false);
    // no time travel
    expect(verifyConsistency(1, 0, [], r1, r2)).toBe(false);
    expect(verifyConsistency(2, 1, [], r1, r2)).toBe(false);
    // a real extension needs a proof
    expect(verifyConsistency(1, 2, [], r1, r2)).toBe(false);
    expect(() => log.consistencyProof(5, 4)).toThrow(RangeError);
  });
});

describe('Merkle log properties (fast-check)', () => {
  // Distinct entries, so that "another leaf" really is another leaf. One extra entry is kept
  // aside to build the tree of size n + 1 for the wrong-size checks.
  const entriesArb = fc
    .uniqueArray(fc.uint8Array({ minLength: 0, maxLength: 40 }), {
      minLength: 2,
      maxLength: 70,
      selector: (e) => Buffer.from(e).toString('hex'),
    })
    .map((all) => ({ entries: all.slice(0, -1), extra: all[all.length - 1] }));

  it('the incremental log has the RFC root for every prefix size', () => {
    fc.assert(
      fc.property(entriesArb, ({ entries }) => {
        const log = new MerkleLog();
        entries.forEach((e, i) => {
          expect(log.append(e)).toBe(i);
          expect(log.root().equals(merkleTreeHash(entries.slice(0, i + 1)))).toBe(true);
        });
        for (let m = 0; m <= entries.length; m++) {
          expect(log.root(m).equals(merkleTreeHash(entries.slice(0, m)))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an inclusion proof verifies for every leaf and every tree size, and fails for a changed leaf, another index or a wrong size', () => {
    fc.assert(
      fc.property(entriesArb, ({ entries, extra }) => {
        const log = MerkleLog.fromLeaves([...entries, extra]);
        for (let n = 1; n <= entries.length; n++) {
          const root = log.root(n);
          for (let i = 0; i < n; i++) {
            const proof = log.inclusionProof(i, n);
            const leafHash = hashLeaf(entries[i]);
            expect(verifyInclusionProof(proof, leafHash, root)).toBe(true);
            // a changed leaf
            expect(verifyInclusionProof(proof, hashLeaf(Buffer.concat([entries[i], Buffer.from([1])])), root)).toBe(false);
            // another leaf of the same tree at the same position
            expect(verifyInclusionProof(proof, hashLeaf(entries[(i + 1) % n === i ? i : (i + 1) % n]), root)).toBe(n === 1);
            // the right leaf claimed at another index
            if (n > 1) expect(verifyInclusionProof({ ...proof, leafIndex: (i + 1) % n }, leafHash, root)).toBe(false);
            // a wrong size: the proof for size n against the tree of size n + 1 or n − 1, each with
            // its own root (a size means something only with its root: the signed tree head binds them)
            expect(verifyInclusionProof({ ...proof, treeSize: n + 1 }, leafHash, log.root(n + 1))).toBe(false);
            if (n - 1 > i) expect(verifyInclusionProof({ ...proof, treeSize: n - 1 }, leafHash, log.root(n - 1))).toBe(false);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a consistency proof verifies for every m ≤ n, and fails for a changed leaf or a wrong size', () => {
    fc.assert(
      fc.property(entriesArb, fc.nat(), ({ entries, extra }, pick) => {
        const log = MerkleLog.fromLeaves([...entries, extra]);
        const n = entries.length;
        for (let m = 0; m <= n; m++) {
          const proof = log.consistencyProof(m, n);
          expect(verifyConsistencyProof(proof, log.root(m), log.root(n))).toBe(true);
          if (m === 0 || m === n) continue;
          // a changed leaf inside the old tree: the old root no longer matches the new log
          const changed = entries.map((e, i) => (i === pick % m ? Buffer.concat([e, Buffer.from([0xff])]) : e));
          const forged = MerkleLog.fromLeaves(changed);
          expect(verifyConsistencyProof(forged.consistencyProof(m, n), log.root(m), forged.root(n))).toBe(false);
          // a wrong size, each with the true root of the size claimed: the proof m → n does not
          // prove m ± 1 → n nor m → n + 1. (A size is only meaningful with its own root: RFC 9162
          // binds them in the signed tree head, and the verifier cannot tell them apart otherwise.)
          expect(verifyConsistencyProof({ ...proof, fromSize: m + 1 }, log.root(m + 1), log.root(n))).toBe(m + 1 === n && proof.path.length === 0);
          expect(verifyConsistencyProof({ ...proof, fromSize: m - 1 }, log.root(m - 1), log.root(n))).toBe(false);
          expect(verifyConsistencyProof({ ...proof, toSize: n + 1 }, log.root(m), log.root(n + 1))).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('generation from the log equals PATH / SUBPROOF evaluated on the reference MTH', () => {
    fc.assert(
      fc.property(entriesArb, ({ entries }) => {
        const log = MerkleLog.fromLeaves(entries);
        const reference = (from: number, to: number): Uint8Array => merkleTreeHash(entries.slice(from, to));
        const n = entries.length;
        for (let i = 0; i < n; i++) {
          expect(log.inclusionProof(i).path).toEqual(auditPath(reference, i, n).map(hex));
        }
        for (let m = 0; m <= n; m++) {
          expect(log.consistencyProof(m).path).toEqual(consistencyPath(reference, m, n).map(hex));
        }
      }),
      { numRuns: 20 },
    );
  });
});
