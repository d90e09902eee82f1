/**
 * The inbox in SQLite through `node:sqlite` (standalone mode): PRIMARY KEY (consumer_group,
 * message_id) decides between concurrent deliveries (`INSERT … ON CONFLICT DO NOTHING`).
 *
 * Every write is one conditional statement, queued for the connection's group commit: the claims
 * and completions of one turn of the event loop share one transaction and one fsync (a delivery
 * costs two writes, and standalone runs a dozen consumer groups), and each resolves only after
 * its COMMIT, so a claim or a `done` is durable before the delivery goes on.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteGroupCommit, durableWrites, type CommitDurability } from '@fengqiao/event-store';
import { ClaimingInbox, type InboxOptions, type InboxRecord, type InboxRecords } from './claiming-inbox';

export interface SqliteInboxOptions extends InboxOptions {
  /** File path or `':memory:'`; or give `db`, an open database the inbox does not close. */
  path?: string;
  db?: DatabaseSync;
  /** Default `inbox`. */
  table?: string;
  busyTimeoutMs?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

interface Row {
  status: 'pending' | 'done';
  owner: string;
  lease_until: number;
}

class SqliteInboxRecords implements InboxRecords {
  private readonly stmt: Record<'insert' | 'read' | 'takeOver' | 'renew' | 'done' | 'release' | 'prune', StatementSync>;
  readonly writes: SqliteGroupCommit;

  constructor(
    private readonly db: DatabaseSync,
    table: string,
    durability?: CommitDurability,
  ) {
    this.writes = new SqliteGroupCommit(db, undefined, durability);
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      consumer_group TEXT    NOT NULL,
      message_id     TEXT    NOT NULL,
      status         TEXT    NOT NULL CHECK (status IN ('pending', 'done')),
      owner          TEXT    NOT NULL,
      lease_until    INTEGER NOT NULL,
      done_at        TEXT,
      PRIMARY KEY (consumer_group, message_id)
    )`);
    db.exec(`CREATE INDEX IF NOT EXISTS ${table}_done_at ON ${table} (done_at) WHERE status = 'done'`);
    const key = 'consumer_group = ? AND message_id = ?';
    this.stmt = {
      insert: db.prepare(`INSERT INTO ${table} (consumer_group, message_id, status, owner, lease_until) VALUES (?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`),
      read: db.prepare(`SELECT status, owner, lease_until FROM ${table} WHERE ${key}`),
      takeOver: db.prepare(`UPDATE ${table} SET owner = ?, lease_until = ? WHERE ${key} AND status = 'pending' AND owner = ? AND lease_until = ?`),
      renew: db.prepare(`UPDATE ${table} SET lease_until = ? WHERE ${key} AND status = 'pending' AND owner = ?`),
      done: db.prepare(`UPDATE ${table} SET status = 'done', done_at = ? WHERE ${key} AND status = 'pending' AND owner = ?`),
      release: db.prepare(`DELETE FROM ${table} WHERE ${key} AND status = 'pending' AND owner = ?`),
      prune: db.prepare(`DELETE FROM ${table} WHERE status = 'done' AND done_at < ?`),
    };
  }

  async insertClaim(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean> {
    return this.writes.run(() => Number(this.stmt.insert.run(group, id, owner, leaseUntil).changes) === 1);
  }

  async read(group: string, id: string): Promise<InboxRecord | undefined> {
    const row = this.stmt.read.get(group, id) as Row | undefined;
    return row && { status: row.status, owner: row.owner, leaseUntil: row.lease_until };
  }

  async takeOver(group: string, id: string, expected: InboxRecord, owner: string, leaseUntil: number): Promise<boolean> {
    return this.writes.run(() => Number(this.stmt.takeOver.run(owner, leaseUntil, group, id, expected.owner, expected.leaseUntil).changes) === 1);
  }

  async renew(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean> {
    return this.writes.run(() => Number(this.stmt.renew.run(leaseUntil, group, id, owner).changes) === 1);
  }

  async markDone(group: string, id: string, owner: string, doneAt: Date): Promise<boolean> {
    const at = doneAt.toISOString();
    return this.writes.run(() => Number(this.stmt.done.run(at, group, id, owner).changes) === 1);
  }

  async release(group: string, id: string, owner: string): Promise<void> {
    await this.writes.run(() => this.stmt.release.run(group, id, owner));
  }

  async prune(before: Date): Promise<number> {
    const at = before.toISOString();
    return this.writes.run(() => Number(this.stmt.prune.run(at).changes));
  }
}

export class SqliteInbox extends ClaimingInbox {
  private readonly db: DatabaseSync;
  private readonly owned: boolean;
  private readonly sqliteRecords: SqliteInboxRecords;

  constructor(options: SqliteInboxOptions) {
    const table = options.table ?? 'inbox';
    if (!IDENTIFIER.test(table)) throw new TypeError(`invalid table name ${JSON.stringify(table)}`);
    let db: DatabaseSync;
    let durability: CommitDurability | undefined;
    if (options.db) db = options.db;
    else if (options.path) {
      db = new DatabaseSync(options.path);
      db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      if (options.path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      durability = durableWrites(db, options.path);
    } else throw new TypeError('SqliteInbox needs a path or a db');
    const records = new SqliteInboxRecords(db, table, durability);
    super(records, options);
    this.sqliteRecords = records;
    this.db = db;
    this.owned = !options.db;
  }

  close(): void {
    // commits what is queued now (the writes settle after their fsync, which then closes its file)
    if (this.db.isOpen) void this.sqliteRecords.writes.close();
    if (this.owned && this.db.isOpen) this.db.close();
  }
}
