/** Checkpoints in a SQLite file through `node:sqlite` (standalone mode). */
import { DatabaseSync } from 'node:sqlite';
import { SignedCheckpoint } from './checkpoint';
import { CheckpointStore, assertSameHead } from './checkpoint.store';

type Row = Record<string, unknown>;

function toCheckpoint(row: Row): SignedCheckpoint {
  return {
    checkpoint: {
      origin: String(row.origin),
      treeSize: Number(row.tree_size),
      rootHash: String(row.root_hash),
      timestamp: String(row.timestamp),
      keyId: String(row.key_id),
    },
    signature: String(row.signature),
  };
}

export interface SqliteCheckpointStoreOptions {
  /** A file path (the store opens and owns the connection) or an open database to share. */
  database: string | DatabaseSync;
  /** Table name; letters, digits and underscores only. Default `merkle_checkpoints`. */
  table?: string;
}

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: DatabaseSync;
  private readonly ownsDb: boolean;
  private readonly table: string;

  constructor(options: SqliteCheckpointStoreOptions) {
    this.table = options.table ?? 'merkle_checkpoints';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.table)) throw new TypeError(`bad table name ${this.table}`);
    this.ownsDb = typeof options.database === 'string';
    this.db = typeof options.database === 'string' ? new DatabaseSync(options.database) : options.database;
    if (this.ownsDb) {
      this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (
      tree_size INTEGER PRIMARY KEY,
      origin TEXT NOT NULL,
      root_hash TEXT NOT NULL,
      timestamp TEXT NOT NULL,
      key_id TEXT NOT NULL,
      signature TEXT NOT NULL
    ) STRICT`);
  }

  async save(signed: SignedCheckpoint): Promise<void> {
    const c = signed.checkpoint;
    const result = this.db
      .prepare(
        `INSERT INTO ${this.table} (tree_size, origin, root_hash, timestamp, key_id, signature)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING`,
      )
      .run(c.treeSize, c.origin, c.rootHash, c.timestamp, c.keyId, signed.signature);
    if (Number(result.changes) === 1) return;
    const existing = await this.get(c.treeSize);
    if (!existing) throw new Error(`checkpoint ${c.treeSize} was neither inserted nor found`);
    assertSameHead(existing, signed);
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const row = this.db.prepare(`SELECT * FROM ${this.table} ORDER BY tree_size DESC LIMIT 1`).get() as Row | undefined;
    return row && toCheckpoint(row);
  }

  async get(treeSize: number): Promise<SignedCheckpoint | undefined> {
    const row = this.db.prepare(`SELECT * FROM ${this.table} WHERE tree_size = ?`).get(treeSize) as Row | undefined;
    return row && toCheckpoint(row);
  }

  async list({ afterSize = -1, limit = -1 }: { afterSize?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    const rows = this.db.prepare(`SELECT * FROM ${this.table} WHERE tree_size > ? ORDER BY tree_size ASC LIMIT ?`).all(afterSize, limit) as Row[];
    return rows.map(toCheckpoint);
  }

  /** Closes the connection if this store opened it. */
  close(): void {
    if (this.ownsDb && this.db.isOpen) this.db.close();
  }
}
