/**
 * Tamper detection on the embedded store: the SQLite file is edited with plain SQL on a second
 * connection, as anyone with the file could. The store's append-only triggers are dropped first:
 * they stop mistakes, not someone who can open the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import canonicalize from 'canonicalize';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { RawStorage, TamperHarness, tamperScenarios } from './tamper-scenarios';

function sqliteRaw(file: string): RawStorage {
  const withDb = async <T>(fn: (db: DatabaseSync) => T): Promise<T> => {
    const db = new DatabaseSync(file);
    try {
      db.exec('PRAGMA busy_timeout = 5000; DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
      return fn(db);
    } finally {
      db.close();
    }
  };
  const row = (db: DatabaseSync, id: string) =>
    db.prepare('SELECT global_position, stream_id, revision FROM events WHERE id = ?').get(id) as
      | { global_position: number; stream_id: string; revision: number }
      | undefined;
  const mustRow = (db: DatabaseSync, id: string) => {
    const r = row(db, id);
    if (!r) throw new Error(`no event ${id}`);
    return r;
  };
  return {
    setData: (id, data) => withDb((db) => void db.prepare('UPDATE events SET data = ? WHERE id = ?').run(canonicalize(data) ?? '', id)),
    setDataAndHash: (id, data, hash) =>
      withDb((db) => void db.prepare('UPDATE events SET data = ?, hash = ? WHERE id = ?').run(canonicalize(data) ?? '', hash, id)),
    deleteEvent: (id) => withDb((db) => void db.prepare('DELETE FROM events WHERE id = ?').run(id)),
    swapRevisions: (a, b) =>
      withDb((db) => {
        const ra = mustRow(db, a);
        const rb = mustRow(db, b);
        db.prepare('UPDATE events SET revision = -1 WHERE id = ?').run(a);
        db.prepare('UPDATE events SET revision = ? WHERE id = ?').run(ra.revision, b);
        db.prepare('UPDATE events SET revision = ? WHERE id = ?').run(rb.revision, a);
      }),
    deleteStreamFrom: (streamId, fromRevision) =>
      withDb((db) => void db.prepare('DELETE FROM events WHERE stream_id = ? AND revision >= ?').run(streamId, fromRevision)),
    renumberPositions: () =>
      withDb((db) => {
        db.exec(`UPDATE events SET global_position = -(SELECT count(*) FROM events e2 WHERE e2.global_position <= events.global_position)`);
        db.exec('UPDATE events SET global_position = -global_position');
        // a careful forger also rewinds AUTOINCREMENT, so the next append leaves no hole
        db.exec(`UPDATE sqlite_sequence SET seq = (SELECT max(global_position) FROM events) WHERE name = 'events'`);
      }),
    swapPositions: (a, b) =>
      withDb((db) => {
        const ra = mustRow(db, a);
        const rb = mustRow(db, b);
        db.prepare('UPDATE events SET global_position = -1 WHERE id = ?').run(a);
        db.prepare('UPDATE events SET global_position = ? WHERE id = ?').run(ra.global_position, b);
        db.prepare('UPDATE events SET global_position = ? WHERE id = ?').run(rb.global_position, a);
      }),
  };
}

tamperScenarios('sqlite', async (): Promise<TamperHarness> => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-tamper-'));
  const file = join(dir, 'events.db');
  return {
    kind: 'sqlite',
    open: async () => new SqliteEventStore({ path: file, synchronous: 'NORMAL' }),
    raw: sqliteRaw(file),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
