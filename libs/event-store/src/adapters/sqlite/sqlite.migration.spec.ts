/**
 * A store file written in the version-1 layout (one column per envelope field, `data` apart) is
 * migrated to layout 2 (the canonical bytes in `content`) when it is opened: same events, same
 * positions and hashes, chains that verify, a position counter that continues, and an edit made to
 * the old file before the migration still caught after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { newId } from '@fengqiao/kernel';
import { EMPTY_HEAD, encodeEvents, type StreamHead } from '../../envelope';
import type { NewEvent, StoredEvent } from '../../event-store.port';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { verifyStore } from '../../tamper/verify-store';
import { SQLITE_LAYOUT_VERSION, SqliteEventStore } from './sqlite-event-store';

/** The version-1 schema, verbatim from the adapter before issue 15. */
const V1_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  revision        INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  schema_version  INTEGER NOT NULL,
  occurred_at     TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  actor           TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  causation_id    TEXT    NOT NULL,
  jurisdiction    TEXT    NOT NULL,
  legal_basis     TEXT,
  data            TEXT    NOT NULL,
  hash            TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`;

function newEvent(i: number, extra: Partial<NewEvent> = {}): NewEvent {
  const id = newId();
  return {
    id,
    type: i % 2 ? 'CaseNoted' : 'CaseReported',
    schemaVersion: 1,
    occurredAt: '2025-03-01T08:00:00.000+08:00',
    actor: { userId: 'grid-worker-1', role: 'grid_worker', unitId: 'village-12' },
    correlationId: id,
    causationId: id,
    jurisdiction: ['district-1', 'town-3', 'village-12'],
    // keys out of canonical order, an integer-like key, escapes and non-ASCII: the migration must
    // reproduce the bytes the version-1 append hashed
    data: { z: 1, a: [true, null, 1.5], '10': 'ten', '2': 'two', note: `第 ${i} 步 "引号" \\ \u2028`, nested: { id: 'x', data: {} } },
    ...extra,
  };
}

/** Writes appends the way the version-1 adapter did (its insert, its `encodeEvents`). */
function writeV1(file: string, appends: Array<{ streamId: string; events: NewEvent[] }>): StoredEvent[] {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(V1_SCHEMA);
  const insert = db.prepare(
    `INSERT INTO events (id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id,
       causation_id, jurisdiction, legal_basis, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const heads = new Map<string, StreamHead>();
  const written: StoredEvent[] = [];
  for (const { streamId, events } of appends) {
    const built = encodeEvents(streamId, events, heads.get(streamId) ?? EMPTY_HEAD, new Date().toISOString());
    for (const { event: e, dataJson } of built) {
      const r = insert.run(
        e.id,
        e.streamId,
        e.revision,
        e.type,
        e.schemaVersion,
        e.occurredAt,
        e.recordedAt,
        JSON.stringify(e.actor),
        e.correlationId,
        e.causationId,
        JSON.stringify(e.jurisdiction),
        e.legalBasis ?? null,
        dataJson,
        e.hash,
      );
      written.push({ ...e, data: JSON.parse(dataJson) as Record<string, unknown>, globalPosition: Number(r.lastInsertRowid) });
    }
    const last = built[built.length - 1].event;
    heads.set(streamId, { revision: last.revision, hash: last.hash });
  }
  db.close();
  return written;
}

/** A plain copy (reads data through the store's lazy getter). */
const plain = (e: StoredEvent): StoredEvent => JSON.parse(JSON.stringify(e)) as StoredEvent;

describe('sqlite event store: a version-1 file is migrated on open', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fq-es-migrate-'));
    file = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const appends = () => [
    { streamId: 'grid-case-a', events: [newEvent(0), newEvent(1, { legalBasis: '信访工作条例§34' })] },
    { streamId: 'grid-case-b', events: [newEvent(2, { actor: { userId: 'op-1', role: 'operator', unitId: 'town-3', directoryVersion: 7 } })] },
    { streamId: 'grid-case-a', events: [newEvent(3)] },
  ];

  it('keeps every event, position and hash; chains verify; appends continue the chain and the positions', async () => {
    const written = writeV1(file, appends());
    const store = new SqliteEventStore({ path: file });
    try {
      const all = await store.readAll();
      expect(all.map(plain)).toEqual(written.map(plain));
      expect(verifyStreamChain(await store.readStream('grid-case-a'))).toMatchObject({ ok: true, eventCount: 3 });
      expect(await verifyStore(store, { densePositions: true })).toMatchObject({ ok: true, eventCount: 4, streamCount: 2 });

      const r = await store.append('grid-case-a', [newEvent(4)], { expectedRevision: 2 });
      expect(r).toMatchObject({ firstRevision: 3, lastPosition: 5 });
      expect(verifyStreamChain(await store.readStream('grid-case-a'))).toMatchObject({ ok: true, eventCount: 4 });
      // the idempotent retry of a migrated append is recognised
      const again = await store.append('grid-case-b', [appends()[1].events[0]], { expectedRevision: 'no_stream' }).catch((e: Error) => e);
      expect(again).toBeInstanceOf(Error); // a new id on the existing stream is a conflict, not a retry …
      const retry = await store.append('grid-case-b', [{ ...written[2], data: written[2].data }], { expectedRevision: 'no_stream' });
      expect(retry).toMatchObject({ firstRevision: 0, lastPosition: 3 }); // … the same id is
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(file);
    try {
      expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SQLITE_LAYOUT_VERSION);
      expect((db.prepare('PRAGMA table_info(events)').all() as Array<{ name: string }>).map((c) => c.name)).toEqual([
        'global_position',
        'id',
        'stream_id',
        'revision',
        'hash',
        'content',
        'trace_parent',
      ]);
      expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('keeps the AUTOINCREMENT counter: a position freed before the migration is not reused', async () => {
    writeV1(file, appends());
    const db = new DatabaseSync(file);
    db.exec('DROP TRIGGER events_no_delete; DELETE FROM events WHERE global_position = 4;');
    db.close();
    const store = new SqliteEventStore({ path: file });
    try {
      expect(await store.append('grid-case-c', [newEvent(5)], { expectedRevision: 'no_stream' })).toMatchObject({ lastPosition: 5 });
    } finally {
      await store.close();
    }
  });

  it('an event edited in the old layout before the migration still fails verification after it', async () => {
    const written = writeV1(file, appends());
    const db = new DatabaseSync(file);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET data = ? WHERE id = ?').run(JSON.stringify({ ...written[1].data, note: '已被改写' }), written[1].id);
    db.prepare('UPDATE events SET actor = ? WHERE id = ?').run(
      JSON.stringify({ userId: 'someone-else', role: 'grid_worker', unitId: 'village-12' }),
      written[2].id,
    );
    db.close();
    const store = new SqliteEventStore({ path: file });
    try {
      const v = await verifyStore(store, { densePositions: true });
      expect(v.failures.map((f) => [f.reason, f.event?.id])).toEqual([
        ['CHAIN_HASH_MISMATCH', written[1].id],
        ['CHAIN_HASH_MISMATCH', written[2].id],
      ]);
    } finally {
      await store.close();
    }
  });

  it('a second open of the migrated file (or a new file) leaves it as it is', async () => {
    const written = writeV1(file, appends());
    await new SqliteEventStore({ path: file }).close();
    const store = new SqliteEventStore({ path: file });
    try {
      expect((await store.readAll()).map(plain)).toEqual(written.map(plain));
    } finally {
      await store.close();
    }
  });
});
