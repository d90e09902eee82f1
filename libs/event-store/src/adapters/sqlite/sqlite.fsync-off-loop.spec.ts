/**
 * The store's fsync runs off the event loop (issue 15): an append settles only once an fsync of the
 * WAL that began after its COMMIT is done, and until then `readAll` (what relays publish from) does
 * not hand its events out, while stream reads already see them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'fq-es-fsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Holds every FileHandle fsync of this process until `release()`; `started` counts those asked for. */
async function holdFsyncs(): Promise<{ release: () => void; started: () => number; restore: () => void }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const real = proto.sync;
  let gate!: () => void;
  const opened = new Promise<void>((r) => (gate = r));
  let started = 0;
  proto.sync = async function (this: unknown) {
    started++;
    await opened;
    return real.call(this);
  };
  return { release: gate, started: () => started, restore: () => (proto.sync = real) };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('SqliteEventStore: durable appends with the fsync in the thread pool', () => {
  it('settles an append after its fsync, and readAll holds its events back until then', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'held.sqlite'), readAhead: false });
    const hold = await holdFsyncs();
    try {
      const first = contractEvent({ data: { n: 1 } });
      const appendedFirst = store.append('case-1', [first], { expectedRevision: 'no_stream' });
      await turns(3);
      let settled = false;
      void appendedFirst.then(() => (settled = true));
      await turns(3);
      // committed, its fsync asked for and not done: not settled, not in readAll, already in its stream
      expect(hold.started()).toBeGreaterThan(0);
      expect(settled).toBe(false);
      expect(await store.readAll()).toEqual([]);
      expect(await store.countAfter(0, 10)).toBe(0);
      expect((await store.readStream('case-1')).map((e) => e.id)).toEqual([first.id]);

      hold.release();
      await appendedFirst;
      expect((await store.readAll()).map((e) => e.id)).toEqual([first.id]);
      expect(await store.countAfter(0, 10)).toBe(1);
    } finally {
      hold.restore();
      await store.close();
    }
  });

  it('a later batch waits behind an earlier one: readAll stops before the first position still waiting', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'order.sqlite'), readAhead: false });
    const durable = contractEvent({ data: { n: 0 } });
    await store.append('case-0', [durable], { expectedRevision: 'no_stream' });
    const hold = await holdFsyncs();
    try {
      const a = store.append('case-a', [contractEvent({ data: { n: 1 } })], { expectedRevision: 'no_stream' });
      await turns(2);
      const b = store.append('case-b', [contractEvent({ data: { n: 2 } })], { expectedRevision: 'no_stream' });
      await turns(2);
      expect((await store.readAll()).map((e) => e.id)).toEqual([durable.id]);
      expect(await store.readAll({ afterPosition: 1 })).toEqual([]);
      hold.release();
      await Promise.all([a, b]);
      expect((await store.readAll()).map((e) => e.streamId)).toEqual(['case-0', 'case-a', 'case-b']);
    } finally {
      hold.restore();
      await store.close();
    }
  });

  it('close waits for the fsync of the last appends, which then settle', async () => {
    const path = join(dir, 'close.sqlite');
    const store = new SqliteEventStore({ path, readAhead: false });
    await store.append('case-0', [contractEvent()], { expectedRevision: 'no_stream' });
    const last = store.append('case-1', [contractEvent()], { expectedRevision: 'no_stream' });
    await store.close();
    await expect(last).resolves.toMatchObject({ streamId: 'case-1' });
    const reopened = new SqliteEventStore({ path, readAhead: false });
    try {
      expect((await reopened.readAll()).map((e) => e.streamId)).toEqual(['case-0', 'case-1']);
    } finally {
      await reopened.close();
    }
  });
});
