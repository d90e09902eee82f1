/**
 * The completed nodes of a Merkle log in a SQLite table instead of the JS heap (issue 15: a
 * service's audit follower held ~75 MB of node hashes for a store of 1,000,000 events).
 *
 * Nodes are kept in tiles: row (level, tile) holds the hashes of nodes tile·60 … tile·60+59 of
 * that level, concatenated (1,920 bytes: two rows fill a 4 KB page; 64 hashes did not fit twice,
 * and half of every page stayed empty). A row per node would cost ~2 inserts and ~50 bytes of
 * disk per leaf; a tile is written once when it fills, so following a store costs one insert per
 * 60 leaves or so, and ~70 bytes of disk per leaf in all. Proofs read whole tiles; the last few
 * read are cached (completed tiles never change). The tile a level is filling (its last, partial one) stays in
 * memory and is written with the others by `writePending()`, which the owner calls inside its
 * transaction: what is on disk is always a whole log of some size, never a torn one. Memory: one
 * open tile per level (≤ 2 KB × log2 n), the completed tiles not yet written and the cache (≤ 128 KB).
 *
 * The caller owns the connection and the transaction (SqliteAuditFollowerState shares them with
 * the follower's position and progress rows).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { HASH_SIZE } from './merkle-hash';
import type { MerkleNodeStore } from './merkle-log';

/** Nodes per tile. */
export const MERKLE_TILE_NODES = 60;
/** Completed tiles kept after a read (a proof reads ~log2 n nodes, its neighbours share most of them). */
const CACHED_TILES = 64;
const TILE_BYTES = MERKLE_TILE_NODES * HASH_SIZE;

interface OpenTile {
  tile: number;
  bytes: Buffer;
  count: number;
  dirty: boolean;
}

export class SqliteMerkleNodes implements MerkleNodeStore {
  private readonly open: OpenTile[] = [];
  /** Full tiles put since the last `writePending()`, by `${level}/${tile}`. */
  private readonly full = new Map<string, Buffer>();
  /** Completed tiles read lately, by `${level}/${tile}`, oldest first. */
  private readonly cache = new Map<string, Buffer>();
  private readonly select: StatementSync;
  private readonly upsert: StatementSync;

  constructor(
    private readonly db: DatabaseSync,
    private readonly table = 'merkle_tiles',
  ) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new TypeError(`bad table name ${table}`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      level INTEGER NOT NULL,
      tile INTEGER NOT NULL,
      hashes BLOB NOT NULL,
      PRIMARY KEY (level, tile)
    ) STRICT`);
    this.select = db.prepare(`SELECT hashes FROM ${table} WHERE level = ? AND tile = ?`);
    this.upsert = db.prepare(`INSERT INTO ${table} (level, tile, hashes) VALUES (?, ?, ?) ON CONFLICT (level, tile) DO UPDATE SET hashes = excluded.hashes`);
  }

  /**
   * Loads the open tiles of a log of `size` leaves stored before (each level's last, partial
   * tile). Throws when the table does not hold them: the caller starts over.
   */
  load(size: number): void {
    this.open.length = 0;
    this.full.clear();
    this.cache.clear();
    for (let level = 0, width = 1; width <= size; level += 1, width *= 2) {
      const count = Math.floor(size / width);
      const tile = Math.floor(count / MERKLE_TILE_NODES);
      const inTile = count % MERKLE_TILE_NODES;
      const bytes = Buffer.alloc(TILE_BYTES);
      if (inTile > 0) {
        const stored = this.read(level, tile);
        if (!stored || stored.length < inTile * HASH_SIZE) throw new Error(`Merkle tile ${level}/${tile} is missing or short`);
        stored.copy(bytes, 0, 0, inTile * HASH_SIZE);
      }
      this.open[level] = { tile, bytes, count: inTile, dirty: false };
    }
  }

  get(level: number, index: number): Uint8Array {
    const tile = Math.floor(index / MERKLE_TILE_NODES);
    const at = (index % MERKLE_TILE_NODES) * HASH_SIZE;
    const open = this.open[level];
    if (open && open.tile === tile && index % MERKLE_TILE_NODES < open.count) return open.bytes.subarray(at, at + HASH_SIZE);
    const key = `${level}/${tile}`;
    let bytes = this.full.get(key) ?? this.cache.get(key);
    if (!bytes) {
      bytes = this.read(level, tile);
      if (!bytes || bytes.length < at + HASH_SIZE) throw new RangeError(`no Merkle node ${index} at level ${level}`);
      // a completed tile never changes (the open one is in memory)
      if (bytes.length === TILE_BYTES) {
        this.cache.set(key, bytes);
        if (this.cache.size > CACHED_TILES) {
          const oldest = this.cache.keys().next().value;
          if (oldest !== undefined) this.cache.delete(oldest);
        }
      }
    }
    if (bytes.length < at + HASH_SIZE) throw new RangeError(`no Merkle node ${index} at level ${level}`);
    return bytes.subarray(at, at + HASH_SIZE);
  }

  put(level: number, index: number, hash: Uint8Array): void {
    const tile = Math.floor(index / MERKLE_TILE_NODES);
    let open = this.open[level];
    if (!open) {
      if (index !== 0) throw new RangeError(`Merkle node ${index} at level ${level} put out of order`);
      open = this.open[level] = { tile: 0, bytes: Buffer.alloc(TILE_BYTES), count: 0, dirty: false };
    }
    if (open.tile !== tile || index % MERKLE_TILE_NODES !== open.count) throw new RangeError(`Merkle node ${index} at level ${level} put out of order`);
    open.bytes.set(hash, open.count * HASH_SIZE);
    open.count += 1;
    open.dirty = true;
    if (open.count === MERKLE_TILE_NODES) {
      this.full.set(`${level}/${tile}`, open.bytes);
      this.open[level] = { tile: tile + 1, bytes: Buffer.alloc(TILE_BYTES), count: 0, dirty: false };
    }
  }

  /** Writes the tiles filled since the last call and the partial tiles that changed. Call inside a transaction. */
  writePending(): void {
    for (const [key, bytes] of this.full) {
      const [level, tile] = key.split('/').map(Number);
      this.upsert.run(level, tile, bytes);
    }
    this.full.clear();
    for (const [level, open] of this.open.entries()) {
      if (!open?.dirty) continue;
      this.upsert.run(level, open.tile, open.bytes.subarray(0, open.count * HASH_SIZE));
      open.dirty = false;
    }
  }

  /** Forgets every node (in memory and in the table). */
  clear(): void {
    this.open.length = 0;
    this.full.clear();
    this.cache.clear();
    this.db.exec(`DELETE FROM ${this.table}`);
  }

  private read(level: number, tile: number): Buffer | undefined {
    const row = this.select.get(level, tile) as { hashes: Uint8Array } | undefined;
    return row ? Buffer.from(row.hashes.buffer, row.hashes.byteOffset, row.hashes.byteLength) : undefined;
  }
}
