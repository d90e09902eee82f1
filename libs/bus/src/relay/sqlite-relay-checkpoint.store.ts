/**
 * Relay checkpoints in SQLite through `node:sqlite` (standalone mode). Give it the event store's
 * database file (a second connection, WAL mode) or its own file. `synchronous = FULL`: a saved
 * checkpoint survives a crash, so the relay does not re-publish more than the last batch. Saves
 * go through the connection's group commit (one transaction per turn of the event loop for every
 * relay sharing the file), each resolving after its COMMIT.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteGroupCommit, durableWrites, type CommitDurability } from '@fengqiao/event-store';
import { assertPosition, assertRelayName, type RelayCheckpointStore } from './relay-checkpoint.store';

export interface SqliteRelayCheckpointStoreOptions {
  /** File path or `':memory:'`; or give `db`, an open database the store does not close. */
  path?: string;
  db?: DatabaseSync;
  /** Default `relay_checkpoints`. */
  table?: string;
  busyTimeoutMs?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class SqliteRelayCheckpointStore implements RelayCheckpointStore {
  private readonly db: DatabaseSync;
  private readonly owned: boolean;
  private readonly getStmt: StatementSync;
  private readonly setStmt: StatementSync;
  private readonly writes: SqliteGroupCommit;

  constructor(options: SqliteRelayCheckpointStoreOptions) {
    const table = options.table ?? 'relay_checkpoints';
    if (!IDENTIFIER.test(table)) throw new TypeError(`invalid table name ${JSON.stringify(table)}`);
    // committed writes made durable off the event loop (an fsync of the WAL file): see wal-sync.ts
    let durability: CommitDurability | undefined;
    if (options.db) {
      this.db = options.db;
      this.owned = false;
    } else if (options.path) {
      this.db = new DatabaseSync(options.path);
      this.owned = true;
      this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      if (options.path !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
      durability = durableWrites(this.db, options.path);
    } else {
      throw new TypeError('SqliteRelayCheckpointStore needs a path or a db');
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      name       TEXT    PRIMARY KEY,
      position   INTEGER NOT NULL,
      updated_at TEXT    NOT NULL
    )`);
    this.getStmt = this.db.prepare(`SELECT position FROM ${table} WHERE name = ?`);
    this.setStmt = this.db.prepare(
      `INSERT INTO ${table} (name, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position), updated_at = excluded.updated_at`,
    );
    this.writes = new SqliteGroupCommit(this.db, undefined, durability);
  }

  async get(name: string): Promise<number | undefined> {
    assertRelayName(name);
    const row = this.getStmt.get(name) as { position: number } | undefined;
    return row?.position;
  }

  async set(name: string, position: number): Promise<void> {
    assertRelayName(name);
    assertPosition(position);
    const at = new Date().toISOString();
    await this.writes.run(() => this.setStmt.run(name, position, at));
  }

  close(): void {
    // commits what is queued now (the writes settle after their fsync, which then closes its file)
    if (this.db.isOpen) void this.writes.close();
    if (this.owned && this.db.isOpen) this.db.close();
  }
}
