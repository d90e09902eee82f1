/**
 * Subject keys in a SQLite file (`node:sqlite`). Keep this file apart from the event store's
 * file and out of its backups' retention: a backup still holding a key un-erases the subject.
 * `secure_delete` overwrites the erased key's bytes in the database file, and the WAL is truncated
 * after each erasure so no copy of the page lingers there. Writes go through the connection's group
 * commit (the keys created in one turn of the event loop share one fsync); each resolves after its
 * COMMIT, so a key is durable before any event sealed with it is appended.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteGroupCommit } from '../adapters/sqlite/sqlite-group-commit';
import { SubjectKeyRecord, SubjectKeyStoreOptions, WrappedSubjectKeyStore } from './subject-key.store';

type Row = Record<string, unknown>;

function toRecord(row: Row): SubjectKeyRecord {
  const record: SubjectKeyRecord = { subjectId: String(row.subject_id), createdAt: String(row.created_at) };
  if (row.master_key_id !== null && row.iv !== null && row.ct !== null && row.tag !== null) {
    record.wrapped = {
      masterKeyId: String(row.master_key_id),
      iv: Buffer.from(row.iv as Uint8Array).toString('base64'),
      ct: Buffer.from(row.ct as Uint8Array).toString('base64'),
      tag: Buffer.from(row.tag as Uint8Array).toString('base64'),
    };
  }
  if (row.erased_at !== null) record.erasedAt = String(row.erased_at);
  return record;
}

export interface SqliteSubjectKeyStoreOptions extends SubjectKeyStoreOptions {
  /** A file path (the store opens and owns the connection) or an open database. */
  database: string | DatabaseSync;
  /** Default `subject_keys`. */
  table?: string;
}

export class SqliteSubjectKeyStore extends WrappedSubjectKeyStore {
  private readonly db: DatabaseSync;
  private readonly ownsDb: boolean;
  private readonly table: string;
  private readonly writes: SqliteGroupCommit;
  private readonly stmt: Record<'insert' | 'find' | 'tombstone', StatementSync>;

  constructor(options: SqliteSubjectKeyStoreOptions) {
    super(options);
    this.table = options.table ?? 'subject_keys';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.table)) throw new TypeError(`bad table name ${this.table}`);
    this.ownsDb = typeof options.database === 'string';
    this.db = typeof options.database === 'string' ? new DatabaseSync(options.database) : options.database;
    if (this.ownsDb) this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.db.exec('PRAGMA secure_delete = ON;');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (
      subject_id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      master_key_id TEXT,
      iv BLOB,
      ct BLOB,
      tag BLOB,
      erased_at TEXT,
      CHECK ((erased_at IS NULL) = (ct IS NOT NULL))
    ) STRICT`);
    this.stmt = {
      insert: this.db.prepare(
        `INSERT INTO ${this.table} (subject_id, created_at, master_key_id, iv, ct, tag, erased_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (subject_id) DO NOTHING`,
      ),
      find: this.db.prepare(`SELECT * FROM ${this.table} WHERE subject_id = ?`),
      tombstone: this.db.prepare(
        `INSERT INTO ${this.table} (subject_id, created_at, erased_at) VALUES (?, ?, ?)
         ON CONFLICT (subject_id) DO UPDATE SET master_key_id = NULL, iv = NULL, ct = NULL, tag = NULL,
           erased_at = coalesce(erased_at, excluded.erased_at)`,
      ),
    };
    this.writes = new SqliteGroupCommit(this.db);
  }

  protected async insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord> {
    const w = record.wrapped;
    const values = [
      record.subjectId,
      record.createdAt,
      w?.masterKeyId ?? null,
      w ? Buffer.from(w.iv, 'base64') : null,
      w ? Buffer.from(w.ct, 'base64') : null,
      w ? Buffer.from(w.tag, 'base64') : null,
      record.erasedAt ?? null,
    ];
    await this.writes.run(() => this.stmt.insert.run(...values));
    const stored = await this.find(record.subjectId);
    if (!stored) throw new Error(`subject key ${record.subjectId} was neither inserted nor found`);
    return stored;
  }

  protected async find(subjectId: string): Promise<SubjectKeyRecord | undefined> {
    const row = this.stmt.find.get(subjectId) as Row | undefined;
    return row && toRecord(row);
  }

  protected async tombstone(subjectId: string, erasedAt: string): Promise<void> {
    await this.writes.run(() => this.stmt.tombstone.run(subjectId, erasedAt, erasedAt));
    if (this.ownsDb) this.db.exec('PRAGMA wal_checkpoint(TRUNCATE);');
  }

  close(): void {
    if (this.db.isOpen) this.writes.flush();
    if (this.ownsDb && this.db.isOpen) this.db.close();
  }
}
