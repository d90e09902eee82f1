import { DatabaseSync } from 'node:sqlite';
import { IllegalStateError } from '@fengqiao/kernel';
import type { DirectoryEntry } from './directory';
import type { DirectoryJournal } from './directory-journal';

/**
 * The directory journal in SQLite (standalone mode, and wherever the built-in issuer runs).
 * The version is the primary key, so a second writer that appends the same version fails instead
 * of forking the history. Rows are never updated or deleted (triggers refuse it).
 */
export class SqliteDirectoryJournal implements DirectoryJournal {
  private readonly db: DatabaseSync;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS directory_changes (
        version INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        change TEXT NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS directory_changes_no_update BEFORE UPDATE ON directory_changes
        BEGIN SELECT RAISE(ABORT, 'directory changes are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS directory_changes_no_delete BEFORE DELETE ON directory_changes
        BEGIN SELECT RAISE(ABORT, 'directory changes are append-only'); END;
    `);
  }

  load(): DirectoryEntry[] {
    const rows = this.db.prepare('SELECT version, at, by, change FROM directory_changes ORDER BY version').all() as {
      version: number;
      at: string;
      by: string;
      change: string;
    }[];
    return rows.map((r) => ({ version: Number(r.version), at: r.at, by: r.by, change: JSON.parse(r.change) as DirectoryEntry['change'] }));
  }

  append(entries: readonly DirectoryEntry[]): void {
    if (entries.length === 0) return;
    const insert = this.db.prepare('INSERT INTO directory_changes (version, at, by, change) VALUES (?, ?, ?, ?)');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const row = this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM directory_changes').get() as { v: number };
      if (Number(row.v) + 1 !== entries[0].version) {
        throw new IllegalStateError('DIRECTORY.CONCURRENT_CHANGE', '目录已被其他进程修改，请重新加载后再试', {
          stored: Number(row.v),
          expected: entries[0].version - 1,
        });
      }
      for (const e of entries) insert.run(e.version, e.at, e.by, JSON.stringify(e.change));
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
