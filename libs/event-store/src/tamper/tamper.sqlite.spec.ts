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
import { newId } from '@fengqiao/kernel';
import { verifyStreamChain } from '../integrity/hash-chain';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { dataSpan } from '../integrity/stored-bytes';
import { RawStorage, TamperHarness, tamperScenarios } from './tamper-scenarios';
import { verifyStore } from './verify-store';

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
      { global_position: number; stream_id: string; revision: number } | undefined;
  const mustRow = (db: DatabaseSync, id: string) => {
    const r = row(db, id);
    if (!r) throw new Error(`no event ${id}`);
    return r;
  };
  /** The row's stored canonical bytes with the data member replaced, as a forger would write them. */
  const withData = (db: DatabaseSync, id: string, data: Record<string, unknown>): Buffer => {
    const { content } = db.prepare('SELECT CAST(content AS TEXT) AS content FROM events WHERE id = ?').get(id) as { content: string };
    const [from, to] = dataSpan(content) ?? [0, 0];
    return Buffer.from(content.slice(0, from) + (canonicalize(data) ?? '') + content.slice(to), 'utf8');
  };
  return {
    setData: (id, data) => withDb((db) => void db.prepare('UPDATE events SET content = ? WHERE id = ?').run(withData(db, id, data), id)),
    setDataAndHash: (id, data, hash) =>
      withDb((db) => void db.prepare('UPDATE events SET content = ?, hash = ? WHERE id = ?').run(withData(db, id, data), hash, id)),
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

/**
 * Layout 2 keeps the hashed bytes in `content` and repeats id, stream and revision in indexed
 * columns; verification hashes the bytes (issue 15). Every column that matters, edited alone,
 * must still fail verification, and an edit of the event object after reading must too.
 */
describe('tamper detection: sqlite, each column of the stored row', () => {
  let dir: string;
  let file: string;
  let ids: string[];
  const streamId = 'grid-case-columns';

  /** The stream's event at revision `i`. */
  const noted = (id: string, i: number) => ({
    id,
    type: 'CaseNoted',
    schemaVersion: 1,
    occurredAt: '2025-03-01T08:00:00.000+08:00',
    actor: { userId: 'grid-worker-1', role: 'grid_worker' as const, unitId: 'village-12' },
    correlationId: id,
    causationId: id,
    jurisdiction: ['district-1', 'town-3', 'village-12'],
    legalBasis: '信访工作条例§34',
    data: { step: i, note: `第 ${i} 步`, nested: { id: 'x', data: [1, 2] } },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-tamper-cols-'));
    file = join(dir, 'events.db');
    const store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
    ids = [];
    for (let i = 0; i < 4; i++) {
      const id = newId();
      ids.push(id);
      await store.append(streamId, [noted(id, i)], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
    }
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (sql: string, ...params: Array<string | number | Uint8Array>): void => {
    const db = new DatabaseSync(file);
    try {
      db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };
  const verify = async () => {
    const store = new SqliteEventStore({ path: file });
    try {
      return await verifyStore(store, { densePositions: true });
    } finally {
      await store.close();
    }
  };

  it('untouched: verifies', async () => {
    expect(await verify()).toMatchObject({ ok: true, eventCount: 4 });
  });

  it('a live store: an event appended to a stream after the log was read is read from the log too, not reported as missing from it', async () => {
    const store = new SqliteEventStore({ path: file });
    try {
      let appended = false;
      const live = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'readAll') return Reflect.get(target, key, receiver) as unknown;
          return async (options: { afterPosition?: number; maxCount?: number }) => {
            const page = await target.readAll(options);
            if (page.length === 0 && !appended) {
              // the log's last page was read: another request appends to the stream now
              appended = true;
              await target.append(streamId, [noted(newId(), 4)], { expectedRevision: 3 });
            }
            return page;
          };
        },
      });
      expect(await verifyStore(live, { densePositions: true })).toMatchObject({ ok: true, failures: [], eventCount: 5 });
      expect(appended).toBe(true);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['type', '"type":"CaseNoted"', '"type":"CaseClosed"'],
    ['schema version', '"schemaVersion":1', '"schemaVersion":2'],
    ['actor', '"userId":"grid-worker-1"', '"userId":"grid-worker-2"'],
    ['jurisdiction', '"town-3"', '"town-4"'],
    ['legal basis', '§34', '§35'],
    ['occurredAt', '"occurredAt":"2025-03-01T08:00', '"occurredAt":"2025-03-02T08:00'],
    ['recordedAt', '"recordedAt":"', '"recordedAt":"1'],
    ['data', '"note":"第 2 步"', '"note":"第 9 步"'],
    ['correlation id', '"correlationId":"', '"correlationId":"x'],
  ])('the %s inside the stored bytes edited → CHAIN_HASH_MISMATCH at that event', async (_what, from, to) => {
    const db = new DatabaseSync(file);
    const { content } = db.prepare('SELECT CAST(content AS TEXT) AS content FROM events WHERE id = ?').get(ids[2]) as { content: string };
    db.close();
    expect(content).toContain(from);
    edit('UPDATE events SET content = ? WHERE id = ?', Buffer.from(content.replace(from, to), 'utf8'), ids[2]);
    const v = await verify();
    expect(v.ok).toBe(false);
    expect(v.firstFailure).toMatchObject({ reason: 'CHAIN_HASH_MISMATCH', event: { id: ids[2] } });
  });

  it('the hash column edited → CHAIN_HASH_MISMATCH', async () => {
    edit('UPDATE events SET hash = ? WHERE id = ?', 'ab'.repeat(32), ids[1]);
    const v = await verify();
    expect(v.failures.map((f) => f.reason)).toContain('CHAIN_HASH_MISMATCH');
  });

  it('the id column edited (bytes left alone) → the event no longer matches its bytes: CHAIN_HASH_MISMATCH', async () => {
    const other = newId();
    edit('UPDATE events SET id = ? WHERE id = ?', other, ids[1]);
    const v = await verify();
    expect(v.firstFailure).toMatchObject({ reason: 'CHAIN_HASH_MISMATCH', event: { id: other } });
  });

  it('the stream_id column edited → the moved event disagrees with its bytes, its old stream has a gap', async () => {
    edit('UPDATE events SET stream_id = ? WHERE id = ?', 'grid-case-elsewhere', ids[0]);
    const v = await verify();
    // revision 0 of the new stream: revisions fit, but its bytes name the old stream
    expect(v.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'CHAIN_HASH_MISMATCH', event: expect.objectContaining({ id: ids[0], streamId: 'grid-case-elsewhere' }) }),
        expect.objectContaining({ reason: 'CHAIN_REVISION_GAP', event: expect.objectContaining({ id: ids[1] }) }),
      ]),
    );
  });

  it('the revision column edited → the chain breaks', async () => {
    edit('UPDATE events SET revision = 7 WHERE id = ?', ids[3]);
    const v = await verify();
    expect(v.ok).toBe(false);
    expect(v.failures.map((f) => f.reason)).toEqual(expect.arrayContaining(['CHAIN_REVISION_GAP']));
  });

  it("another event's bytes and hash copied over an event → caught", async () => {
    const db = new DatabaseSync(file);
    const src = db.prepare('SELECT content, hash FROM events WHERE id = ?').get(ids[1]) as { content: Uint8Array; hash: string };
    db.close();
    edit('UPDATE events SET content = ?, hash = ? WHERE id = ?', src.content, src.hash, ids[2]);
    expect((await verify()).ok).toBe(false);
  });

  it('an event edited in memory after reading is hashed from its fields, not from the stored bytes', async () => {
    const store = new SqliteEventStore({ path: file });
    try {
      const read = await store.readStream(streamId);
      expect(verifyStreamChain(read).ok).toBe(true);
      read[1].actor.role = 'operator';
      expect(verifyStreamChain(read)).toMatchObject({ ok: false, index: 1, reason: 'hash_mismatch' });
      read[1].actor.role = 'grid_worker';
      expect(verifyStreamChain(read).ok).toBe(true);
      (read[2].data as { nested: { data: number[] } }).nested.data.push(3); // data read, then edited in place
      expect(verifyStreamChain(read)).toMatchObject({ ok: false, index: 2, reason: 'hash_mismatch' });
      read[3].jurisdiction[2] = 'village-13';
      expect(verifyStreamChain(read.slice(3), { prevHash: read[2].hash })).toMatchObject({ ok: false, index: 0, reason: 'hash_mismatch' });
    } finally {
      await store.close();
    }
  });
});

it('sqlite: content written by hand as text (not bytes) is read and verified the same way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-tamper-text-'));
  const file = join(dir, 'events.db');
  try {
    const store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
    const id = newId();
    const e = {
      id,
      type: 'CaseNoted',
      schemaVersion: 1,
      occurredAt: '2025-03-01T08:00:00.000+08:00',
      actor: { userId: 'u', role: 'grid_worker' as const, unitId: 'v' },
      correlationId: id,
      causationId: id,
      jurisdiction: ['d'],
      data: { note: '原文' },
    };
    await store.append('grid-case-text', [e], { expectedRevision: 'no_stream' });
    await store.close();
    const db = new DatabaseSync(file);
    db.exec('DROP TRIGGER events_no_update');
    db.exec('UPDATE events SET content = CAST(content AS TEXT)');
    db.close();
    const reopened = new SqliteEventStore({ path: file });
    expect(verifyStreamChain(await reopened.readStream('grid-case-text')).ok).toBe(true);
    await reopened.close();
    const db2 = new DatabaseSync(file);
    db2.exec("DROP TRIGGER events_no_update; UPDATE events SET content = replace(content, '原文', '改文')");
    db2.close();
    const again = new SqliteEventStore({ path: file });
    const [read] = await again.readStream('grid-case-text');
    expect(read.data).toEqual({ note: '改文' });
    expect(verifyStreamChain([read])).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
