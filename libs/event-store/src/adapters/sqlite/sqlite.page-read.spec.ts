/**
 * `readAll` pages read as one row (`sqlite-page.ts`, issue 15): the events are exactly those a
 * row-by-row read gives (several streams interleaved, unicode, trace contexts, legal basis, every
 * `maxCount` edge), appends made between pages are never skipped, a page in doubt is read row by
 * row, and a page's events are plain objects whose chain verifies from their fields.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { NewEvent, StoredEvent } from '../../event-store.port';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { storedBytesOf } from '../../integrity/stored-bytes';
import { contractEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';
import { PAGE_SQL, unpackPage, type PageRow } from './sqlite-page';

const dir = mkdtempSync(join(tmpdir(), 'fq-es-page-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `events-${++files}.db`);

/** Payloads that stress decoding: CJK, astral characters (two UTF-16 units), escapes, U+2028. */
const TEXTS = ['消防通道被占用', '𠮷野家 😀 村委会', 'quote " backslash \\ newline \n tab \t', 'line\u2028separator', '', 'ascii only'];

function mixedEvent(i: number): NewEvent {
  return contractEvent({
    data: { i, text: TEXTS[i % TEXTS.length], nested: { list: [i, TEXTS[(i + 1) % TEXTS.length]] } },
    ...(i % 4 === 0 ? { traceparent: `00-${String(i).padStart(32, '0')}-${'a'.repeat(16)}-01` } : {}),
    ...(i % 5 === 0 ? { legalBasis: '《人民调解法》第十七条' } : {}),
    ...(i % 7 === 0 ? { actor: { userId: 'u-7', role: 'mediator', unitId: 'town-3', directoryVersion: 3 } } : {}),
  });
}

/** Appends `perStream` events to each of `streams` streams, interleaved (one event per stream per round). */
async function fillInterleaved(store: SqliteEventStore, streams: string[], perStream: number): Promise<void> {
  let i = 0;
  for (let round = 0; round < perStream; round++) {
    await Promise.all(streams.map((s) => store.append(s, [mixedEvent(i++)], { expectedRevision: round === 0 ? 'no_stream' : round - 1 })));
  }
}

async function readAllPages(store: SqliteEventStore, maxCount: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ afterPosition: after, maxCount });
    if (page.length === 0) return out;
    expect(page.length).toBeLessThanOrEqual(maxCount);
    out.push(...page);
    after = page[page.length - 1].globalPosition;
  }
}

/** Plain JSON of an event, `data` included (an accessor), so two reads compare field by field. */
const plain = (e: StoredEvent) => JSON.parse(JSON.stringify(e)) as unknown;

describe('sqlite readAll: a page read as one row', () => {
  const streams = ['case-a', 'case-b', 'case-c'];
  let path: string;
  let store: SqliteEventStore;
  let byStream: Map<string, StoredEvent[]>;

  beforeAll(async () => {
    path = newFile();
    store = new SqliteEventStore({ path, synchronous: 'NORMAL', readAhead: false });
    await fillInterleaved(store, streams, 20); // 60 events, streams interleaved in the log
    byStream = new Map();
    for (const s of streams) byStream.set(s, await store.readStream(s)); // read row by row
  });
  afterAll(() => store.close());

  it('gives the events a row-by-row read gives, with several streams interleaved and unicode content', async () => {
    const all = await readAllPages(store, 1000);
    expect(all).toHaveLength(60);
    expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(all.slice(0, 3).map((e) => e.streamId))).toEqual(new Set(streams));
    for (const s of streams) {
      const fromPages = all.filter((e) => e.streamId === s);
      expect(fromPages.map(plain)).toEqual(byStream.get(s)?.map(plain));
      expect(fromPages.map((e) => Object.keys(e))).toEqual(byStream.get(s)?.map((e) => Object.keys(e)));
      expect(verifyStreamChain(fromPages)).toMatchObject({ ok: true, eventCount: 20 });
    }
    expect(all.filter((e) => e.traceparent !== undefined)).toHaveLength(15);
    expect(all.find((e) => (e.data as { i: number }).i === 1)?.data).toEqual({ i: 1, text: TEXTS[1], nested: { list: [1, TEXTS[2]] } });
  });

  it.each([1, 2, 7, 59, 60, 61, 1000])('pages of %i events cover the log once, in order', async (maxCount) => {
    const all = await readAllPages(store, maxCount);
    expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('starts after the position asked for and ends empty', async () => {
    expect((await store.readAll({ afterPosition: 58, maxCount: 10 })).map((e) => e.globalPosition)).toEqual([59, 60]);
    expect(await store.readAll({ afterPosition: 60, maxCount: 10 })).toEqual([]);
    expect(await store.readAll({ afterPosition: 1000, maxCount: 10 })).toEqual([]);
  });

  it('gives plain events, verified from their fields: an event kept alone verifies and an edit in memory is seen', async () => {
    const [first] = await store.readAll({ afterPosition: 0, maxCount: 1000 });
    expect(storedBytesOf(first)).toBeUndefined(); // no bytes kept beside a page's events
    expect(Object.getOwnPropertyDescriptor(first, 'data')).toMatchObject({ writable: true, enumerable: true }); // a plain property
    expect(verifyStreamChain([first])).toMatchObject({ ok: true });
    (first.data as { text: string }).text = 'edited';
    expect(verifyStreamChain([first])).toMatchObject({ ok: false, reason: 'hash_mismatch' });
  });
});

describe('sqlite readAll: at the end of the log, row by row', () => {
  it('reads a tail row by row and a page far from the end as one row; what another connection appended is read all the same', async () => {
    const path = newFile();
    const store = new SqliteEventStore({ path, synchronous: 'NORMAL', readAhead: false });
    const other = new SqliteEventStore({ path, synchronous: 'NORMAL', readAhead: false });
    try {
      await fillInterleaved(store, ['case-a', 'case-b'], 20); // 40 events
      const reads = () => ({ ...store.stats });
      let before = reads();
      expect((await store.readAll({ afterPosition: 0, maxCount: 1000 })).length).toBe(40);
      expect(reads()).toEqual({ pageReads: before.pageReads + 1, rowReads: before.rowReads });
      before = reads();
      expect((await store.readAll({ afterPosition: 36, maxCount: 1000 })).map((e) => e.globalPosition)).toEqual([37, 38, 39, 40]);
      expect(await store.readAll({ afterPosition: 40, maxCount: 1000 })).toEqual([]);
      expect(reads()).toEqual({ pageReads: before.pageReads, rowReads: before.rowReads + 2 });

      // 30 more from another connection: this store still thinks the log ends at 40, reads them
      // all row by row once, and then knows the new end
      await fillInterleaved(other, ['case-x'], 30);
      before = reads();
      const tail = await store.readAll({ afterPosition: 40, maxCount: 1000 });
      expect(tail.map((e) => e.globalPosition)).toEqual(Array.from({ length: 30 }, (_, i) => 41 + i));
      expect(tail.map(plain)).toEqual((await other.readStream('case-x')).map(plain));
      expect((await store.readAll({ afterPosition: 45, maxCount: 1000 })).length).toBe(25);
      expect(reads()).toEqual({ pageReads: before.pageReads + 1, rowReads: before.rowReads + 1 });
    } finally {
      await other.close();
      await store.close();
    }
  });
});

describe('sqlite readAll: pages while appends go on', () => {
  it('never skips an event appended between two pages', async () => {
    const store = new SqliteEventStore({ path: newFile(), synchronous: 'NORMAL', readAhead: false });
    try {
      await store.append(
        'case-x',
        Array.from({ length: 10 }, (_, i) => mixedEvent(i)),
        { expectedRevision: 'no_stream' },
      );
      const seen: number[] = [];
      let after = 0;
      let appended = 0;
      for (;;) {
        const page = await store.readAll({ afterPosition: after, maxCount: 4 });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.globalPosition));
        after = page[page.length - 1].globalPosition;
        if (appended < 3) {
          await store.append(`case-y${appended}`, [mixedEvent(100 + appended)], { expectedRevision: 'no_stream' });
          appended += 1;
        }
      }
      expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    } finally {
      await store.close();
    }
  });
});

describe('sqlite readAll: a page in doubt is read row by row', () => {
  /** Runs `sql` on the file with the append-only triggers dropped, as a person editing the file would. */
  function edit(path: string, sql: string, ...params: Array<string | number>): void {
    const db = new DatabaseSync(path);
    try {
      db.exec('DROP TRIGGER IF EXISTS events_no_update');
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  }

  async function filled(): Promise<{ path: string; before: StoredEvent[] }> {
    const path = newFile();
    const store = new SqliteEventStore({ path, synchronous: 'NORMAL', readAhead: false });
    await store.append(
      'case-d',
      Array.from({ length: 6 }, (_, i) => mixedEvent(i)),
      { expectedRevision: 'no_stream' },
    );
    const before = await store.readStream('case-d');
    await store.close();
    return { path, before };
  }

  it('a content stored as text (written by hand) reads as the same events', async () => {
    const { path, before } = await filled();
    edit(path, 'UPDATE events SET content = CAST(content AS TEXT) WHERE global_position = 3');
    const db = new DatabaseSync(path, { readOnly: true });
    const row = db.prepare(PAGE_SQL);
    row.setReturnArrays(true);
    expect(unpackPage(row.get(0, 100) as unknown as PageRow)).toBeUndefined(); // the page is in doubt
    db.close();
    const store = new SqliteEventStore({ path, readAhead: false });
    try {
      const page = await store.readAll({ afterPosition: 0, maxCount: 100 });
      expect(page.map(plain)).toEqual(before.map(plain));
      expect(verifyStreamChain(page)).toMatchObject({ ok: true, eventCount: 6 });
    } finally {
      await store.close();
    }
  });

  it('an edit of the bytes that decodes to the same text: the stream read, which audits verify, hashes the stored bytes and sees it', async () => {
    const path = newFile();
    const store = new SqliteEventStore({ path, synchronous: 'NORMAL', readAhead: false });
    await store.append('case-r', [contractEvent({ data: { text: 'a\uFFFDb' } }), contractEvent({ data: { text: 'plain' } })], {
      expectedRevision: 'no_stream',
    });
    await store.close();
    // the three bytes of U+FFFD replaced by one byte that is not UTF-8 (it decodes to U+FFFD too);
    // the hash column is untouched
    const db = new DatabaseSync(path);
    const { content } = db.prepare('SELECT content FROM events WHERE global_position = 1').get() as { content: Uint8Array };
    const bytes = Buffer.from(content);
    const at = bytes.indexOf(Buffer.from('\uFFFD', 'utf8'));
    const edited = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 3)]);
    expect(edited.toString('utf8')).toBe(bytes.toString('utf8'));
    db.exec('DROP TRIGGER IF EXISTS events_no_update');
    db.prepare('UPDATE events SET content = ? WHERE global_position = 1').run(edited);
    db.close();
    const reopened = new SqliteEventStore({ path, readAhead: false });
    try {
      const stream = await reopened.readStream('case-r');
      expect((await reopened.readAll({ afterPosition: 0, maxCount: 100 })).map(plain)).toEqual(stream.map(plain));
      expect(verifyStreamChain(stream)).toMatchObject({ ok: false, index: 0, reason: 'hash_mismatch' });
    } finally {
      await reopened.close();
    }
  });

  it('a column holding a separator reads row by row, and the edited event fails verification as before', async () => {
    const { path, before } = await filled();
    edit(path, "UPDATE events SET hash = hash || char(10) || 'x' WHERE global_position = 2");
    const store = new SqliteEventStore({ path, readAhead: false });
    try {
      const page = await store.readAll({ afterPosition: 0, maxCount: 100 });
      expect(page).toHaveLength(6);
      expect(page[1].hash).toBe(`${before[1].hash}\nx`);
      expect(page.map((e) => e.id)).toEqual(before.map((e) => e.id));
      expect(verifyStreamChain(page)).toMatchObject({ ok: false, index: 1, reason: 'hash_mismatch' });
    } finally {
      await store.close();
    }
  });
});

describe('unpackPage', () => {
  const content = Buffer.from('{"a":1}{"b":"枫"}', 'utf8');
  const good: PageRow = [2, `1,0,7,2,1,${content.length - 7}`, content, `id-1\ns\n${'0'.repeat(64)}\n\nid-2\ns\n${'1'.repeat(64)}\nt00-x`, 0];

  it('splits the lists of a page row', () => {
    const page = unpackPage(good);
    expect(page).toMatchObject({
      count: 2,
      ends: [7, content.length],
      positions: [1, 2],
      revisions: [0, 1],
      ids: ['id-1', 'id-2'],
      streamIds: ['s', 's'],
      traceParents: [null, '00-x'],
    });
  });

  it.each<[string, PageRow]>([
    ['an empty page', [0, null, null, null, null]],
    ['a content that is not a BLOB', [2, good[1], good[2], good[3], 1]],
    ['a string value holding the separator', [2, good[1], good[2], `${good[3]}\nextra`, 0]],
    ['a number list of the wrong length', [2, `${good[1]},9`, good[2], good[3], 0]],
    ['positions not increasing', [2, `2,0,7,1,1,${content.length - 7}`, good[2], good[3], 0]],
    ['lengths that do not cover the buffer', [2, `1,0,7,2,1,3`, good[2], good[3], 0]],
  ])('leaves %s to the row-by-row read', (_, row) => {
    expect(unpackPage(row)).toBeUndefined();
  });
});
