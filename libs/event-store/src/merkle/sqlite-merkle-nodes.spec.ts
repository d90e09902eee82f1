/**
 * A Merkle log over SqliteMerkleNodes, written page by page and reopened from the file, gives the
 * same roots and bit-identical RFC 9162 proofs as the in-memory log and the RFC's recursive
 * definition (issue 15: the audit follower's nodes moved out of the JS heap).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createHash } from 'node:crypto';
import { merkleTreeHash } from './merkle-hash';
import { MerkleLog } from './merkle-log';
import { verifyConsistencyProof, verifyInclusionProof } from './merkle-proof';
import { MERKLE_TILE_NODES, SqliteMerkleNodes } from './sqlite-merkle-nodes';

const entry = (i: number): Buffer => createHash('sha256').update(`leaf ${i}`).digest();

describe('SqliteMerkleNodes: a Merkle log kept on disk', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fq-merkle-nodes-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Appends `count` leaves starting at `from` in pages, each page written in one transaction. */
  const appendPages = (db: DatabaseSync, nodes: SqliteMerkleNodes, log: MerkleLog, from: number, count: number, page: number) => {
    for (let i = from; i < from + count; i += page) {
      for (let j = i; j < Math.min(i + page, from + count); j++) log.append(entry(j));
      db.exec('BEGIN');
      nodes.writePending();
      db.exec('COMMIT');
    }
  };

  it('reopened at every size across tile boundaries: the same roots, audit paths and consistency proofs as in memory', () => {
    const total = 3 * MERKLE_TILE_NODES * 2 + 5; // level 0 fills several tiles, level 1 more than one
    const file = join(dir, 'nodes.sqlite');
    const reference = new MerkleLog();
    const entries: Buffer[] = [];
    for (let size = 0; size < total;) {
      // grow by uneven pages, close the file, reopen it and check the reopened log at this size
      const step = 1 + (size % 37);
      const db = new DatabaseSync(file);
      const nodes = new SqliteMerkleNodes(db);
      nodes.load(size);
      const log = new MerkleLog(nodes, size);
      appendPages(db, nodes, log, size, step, 7);
      for (let i = size; i < size + step; i++) {
        reference.append(entry(i));
        entries.push(entry(i));
      }
      size += step;
      db.close();

      const again = new DatabaseSync(file);
      const reopenedNodes = new SqliteMerkleNodes(again);
      reopenedNodes.load(size);
      const reopened = new MerkleLog(reopenedNodes, size);
      expect(reopened.size).toBe(size);
      expect(reopened.root().equals(merkleTreeHash(entries))).toBe(true);
      for (const leaf of [0, 1, size >> 1, size - 2, size - 1].filter((l) => l >= 0 && l < size)) {
        expect(reopened.leafHash(leaf).equals(reference.leafHash(leaf))).toBe(true);
        const proof = reopened.inclusionProof(leaf);
        expect(proof).toEqual(reference.inclusionProof(leaf, size));
        expect(verifyInclusionProof(proof, reference.leafHash(leaf), reference.root(size))).toBe(true);
      }
      for (const from of [1, size >> 2, size >> 1, size - 1].filter((f) => f > 0 && f <= size)) {
        expect(reopened.root(from).equals(reference.root(from))).toBe(true);
        const proof = reopened.consistencyProof(from);
        expect(proof).toEqual(reference.consistencyProof(from, size));
        expect(verifyConsistencyProof(proof, reference.root(from), reference.root(size))).toBe(true);
      }
      again.close();
    }
  });

  it('writes a row per tile: every completed tile once, and the partial one', () => {
    const db = new DatabaseSync(join(dir, 'nodes.sqlite'));
    const nodes = new SqliteMerkleNodes(db);
    const log = new MerkleLog(nodes);
    appendPages(db, nodes, log, 0, 10 * MERKLE_TILE_NODES + 3, 100);
    // every completed tile of level 0 is a row; the partial one too
    const rows = db.prepare('SELECT COUNT(*) AS n FROM merkle_tiles WHERE level = 0').get() as { n: number };
    expect(rows.n).toBe(11);
    db.close();
  });

  it('refuses to load a size whose partial tiles are not stored (the caller starts over)', () => {
    const db = new DatabaseSync(join(dir, 'nodes.sqlite'));
    const nodes = new SqliteMerkleNodes(db);
    const log = new MerkleLog(nodes);
    appendPages(db, nodes, log, 0, 10, 10);
    expect(() => new SqliteMerkleNodes(db).load(11)).toThrow(/missing or short/);
    db.close();
  });
});
