/**
 * Raw import into the SQLite event store (restore of a backup, see `backup/`): inserts stored
 * events with their own global position, recordedAt and hash, one transaction per batch. Kept apart
 * from `sqlite-event-store.ts` on purpose: it only knows the `events` table's columns, and the
 * table is created by opening a SqliteEventStore first, so the schema has one owner.
 */
import { DatabaseSync } from 'node:sqlite';
import type { StoredEvent } from '../../event-store.port';
import { encodeData } from '../../envelope';
import { canonicalEnvelope } from '../../integrity/hash-chain';
import type { RawEventImport } from '../../backup/raw-import';
import { SqliteEventStore } from './sqlite-event-store';

export async function openSqliteRawImport(path: string): Promise<RawEventImport> {
  await new SqliteEventStore({ path }).close(); // creates the file, the table and its triggers
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 5000');
  // layout 2: the hashed content's canonical bytes, stored once (see sqlite-event-store.ts)
  const insert = db.prepare('INSERT INTO events (global_position, id, stream_id, revision, hash, content, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return {
    async count() {
      return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    },
    async insert(events: readonly StoredEvent[]) {
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const e of events) {
          const actor = {
            userId: e.actor.userId,
            role: e.actor.role,
            unitId: e.actor.unitId,
            ...(e.actor.directoryVersion !== undefined ? { directoryVersion: e.actor.directoryVersion } : {}),
          };
          const canonical = canonicalEnvelope({ ...e, actor }, encodeData(e.data));
          insert.run(e.globalPosition, e.id, e.streamId, e.revision, e.hash, Buffer.from(canonical, 'utf8'), e.traceparent ?? null);
        }
        db.exec('COMMIT');
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
