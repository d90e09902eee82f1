/**
 * Read-ahead of `readAll` pages on a worker thread (issue 15): the pages it hands out are the pages
 * a read on the calling thread returns, a page read ahead before a later append is never handed
 * out short, and a process whose only work is a replay runs it to the end and exits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newId } from '@fengqiao/kernel';
import type { NewEvent, StoredEvent } from '../../event-store.port';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { SqliteEventStore } from './sqlite-event-store';
import { READ_AHEAD_MIN_PAGE, SqliteReadAhead } from './sqlite-read-ahead';

const repoRoot = resolve(__dirname, '../../../../..');
const dir = mkdtempSync(join(tmpdir(), 'fq-es-read-ahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function events(streamId: string, n: number, from: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const id = newId();
    return {
      id,
      type: 'GridCaseNoted',
      schemaVersion: 1,
      occurredAt: '2026-12-06T09:00:00+08:00',
      actor: { userId: 'grid-worker-1', role: 'grid_worker', unitId: 'village-1' },
      correlationId: streamId,
      causationId: id,
      jurisdiction: ['district-1', 'town-1'],
      data: { seq: from + i, 说明: `第 ${from + i} 条记录` },
      ...(i % 3 === 0 ? { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } : {}),
    };
  });
}

async function fill(store: SqliteEventStore, streams: number, perStream: number): Promise<void> {
  for (let s = 0; s < streams; s++) {
    await store.append(`case-${s}`, events(`case-${s}`, perStream, s * perStream), { expectedRevision: 'no_stream' });
  }
}

async function replay(store: SqliteEventStore, pageSize: number): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ afterPosition: after, maxCount: pageSize });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1].globalPosition;
  }
}

describe('sqlite readAll read-ahead', () => {
  it('hands out the same events as reads on the calling thread, verifiable', async () => {
    const path = join(dir, 'same.db');
    const writer = new SqliteEventStore({ path, synchronous: 'NORMAL' });
    await fill(writer, 7, 150); // 1,050 events: four full pages of 256 and a short one
    await writer.close();
    const ahead = new SqliteEventStore({ path, readAhead: true });
    const plain = new SqliteEventStore({ path, readAhead: false });
    const a = await replay(ahead, READ_AHEAD_MIN_PAGE);
    const b = await replay(plain, READ_AHEAD_MIN_PAGE);
    expect(a).toHaveLength(1050);
    expect(a.map((e) => e.globalPosition)).toEqual(b.map((e) => e.globalPosition));
    expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
    expect(a.map((e) => Object.keys(e))).toEqual(b.map((e) => Object.keys(e)));
    for (let s = 0; s < 7; s++) {
      const stream = a.filter((e) => e.streamId === `case-${s}`);
      expect(verifyStreamChain(stream)).toMatchObject({ ok: true, eventCount: 150 });
    }
    await ahead.close();
    await plain.close();
  });

  it('never hands out a page read ahead before an append as the page after it (read your writes)', async () => {
    const path = join(dir, 'fresh.db');
    const store = new SqliteEventStore({ path, readAhead: true });
    await store.append('case-a', events('case-a', READ_AHEAD_MIN_PAGE + 10, 0), { expectedRevision: 'no_stream' });
    const first = await store.readAll({ afterPosition: 0, maxCount: READ_AHEAD_MIN_PAGE }); // full: reads the next page ahead
    expect(first).toHaveLength(READ_AHEAD_MIN_PAGE);
    await new Promise((r) => setTimeout(r, 200)); // the short page (10 events) has been read ahead by now
    await store.append('case-b', events('case-b', 5, 0), { expectedRevision: 'no_stream' });
    const second = await store.readAll({ afterPosition: first[first.length - 1].globalPosition, maxCount: READ_AHEAD_MIN_PAGE });
    expect(second).toHaveLength(15);
    expect(second.slice(-5).map((e) => e.streamId)).toEqual(Array(5).fill('case-b'));
    await store.close();
  });

  it('closes while a page is being read ahead, and reads again after a reopen', async () => {
    const path = join(dir, 'close.db');
    const store = new SqliteEventStore({ path, readAhead: true });
    await fill(store, 3, 200);
    await store.readAll({ afterPosition: 0, maxCount: READ_AHEAD_MIN_PAGE });
    await store.close(); // the page read ahead is still on its way
    await expect(store.readAll({ afterPosition: 0, maxCount: READ_AHEAD_MIN_PAGE })).rejects.toThrow('closed');
    const again = new SqliteEventStore({ path });
    expect(await replay(again, READ_AHEAD_MIN_PAGE)).toHaveLength(600);
    await again.close();
  });

  it('stops its thread when no page was asked ahead for a while, and starts one for the next pass', async () => {
    const path = join(dir, 'idle.db');
    const store = new SqliteEventStore({ path, synchronous: 'NORMAL' });
    await fill(store, 2, 300);
    await store.close();
    const ahead = new SqliteReadAhead(path, 5000, 'always', 100);
    ahead.start(0, READ_AHEAD_MIN_PAGE);
    expect(ahead.running).toBe(true);
    expect((await ahead.take(0, READ_AHEAD_MIN_PAGE))?.count).toBe(READ_AHEAD_MIN_PAGE);
    // the page's content came over as the worker's buffer, moved rather than copied
    expect(ahead.handedOver).toEqual({ pages: 1, moved: 1 });
    await new Promise((r) => setTimeout(r, 400));
    expect(ahead.running).toBe(false);
    ahead.start(READ_AHEAD_MIN_PAGE, READ_AHEAD_MIN_PAGE);
    expect((await ahead.take(READ_AHEAD_MIN_PAGE, READ_AHEAD_MIN_PAGE))?.positions[0]).toBe(READ_AHEAD_MIN_PAGE + 1);
    await ahead.close();
    expect(ahead.running).toBe(false);
  });

  it('a process with nothing else to do replays to the end and exits', async () => {
    const path = join(dir, 'child.db');
    const store = new SqliteEventStore({ path, synchronous: 'NORMAL' });
    await fill(store, 5, 300);
    await store.close();
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, '__child__', 'replay-alone.ts'), path, '300'], {
      cwd: repoRoot,
      env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('REPLAYED 1500');
  }, 90_000);
});
