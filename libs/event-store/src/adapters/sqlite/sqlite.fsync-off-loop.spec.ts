/**
 * The store's fsync (issue 15): while other fsyncs of the process run (a busy service), an append
 * settles only once an fsync of the WAL in the thread pool, begun after its COMMIT, is done, and
 * until then a read that finds its events (`readAll`, what relays publish from, `readStream`,
 * `streamRevision`) waits for that fsync before it answers, so the two reads always agree. Rows
 * another connection committed and did not sync are synced by the read that finds them. A lone
 * writer syncs on its own thread and settles at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';
import { fsyncsRunning, WalSync } from './wal-sync';

const dir = mkdtempSync(join(tmpdir(), 'fq-es-fsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Holds every FileHandle fdatasync of this process until `release()` (`started` counts those asked
 * for), with one running from the start (another database's WalSync): the process is busy syncing.
 */
async function holdFsyncs(): Promise<{ release: () => Promise<void>; started: () => number; restore: () => void }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const real = proto.datasync;
  let gate!: () => void;
  const opened = new Promise<void>((r) => (gate = r));
  let started = 0;
  proto.datasync = async function (this: unknown) {
    started++;
    await opened;
    return real.call(this);
  };
  const other = new WalSync(join(dir, 'probe'));
  const busy = other.sync();
  await turns(2);
  expect(fsyncsRunning()).toBeGreaterThan(0);
  return {
    release: async () => {
      gate();
      await busy;
      await other.close();
    },
    started: () => started,
    restore: () => (proto.datasync = real),
  };
}

/** Waits (polling, at most 5 s) until `ok()`. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 5_000; !ok();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The promise, and whether it has settled yet. */
function settledFlag<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  const flag = { promise, settled: false };
  void promise.then(
    () => (flag.settled = true),
    () => (flag.settled = true),
  );
  return flag;
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('SqliteEventStore: durable appends with the fsync in the thread pool', () => {
  it('settles an append after its fsync; readAll, readStream and streamRevision that find its events wait for it too', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'held.sqlite'), readAhead: false });
    const hold = await holdFsyncs();
    try {
      const first = contractEvent({ data: { n: 1 } });
      const appendedFirst = settledFlag(store.append('case-1', [first], { expectedRevision: 'no_stream' }));
      // the other database's fsync, and this append's (once its WAL is open in the thread pool)
      await until(() => hold.started() > 1, 'the append’s fsync to start');
      // committed, its fsync asked for and not done: nothing answers with its events yet
      const all = settledFlag(store.readAll());
      const stream = settledFlag(store.readStream('case-1'));
      const revision = settledFlag(store.streamRevision('case-1'));
      await turns(5);
      expect([appendedFirst.settled, all.settled, stream.settled, revision.settled]).toEqual([false, false, false, false]);
      expect(await store.countAfter(0, 10)).toBe(1); // a count of what is visible, not events
      expect(await store.readStream('case-other')).toEqual([]); // a stream without such rows answers at once

      await hold.release();
      await appendedFirst.promise;
      expect((await all.promise).map((e) => e.id)).toEqual([first.id]);
      expect((await stream.promise).map((e) => e.id)).toEqual([first.id]);
      expect(await revision.promise).toBe(0);
    } finally {
      hold.restore();
      await store.close();
    }
  });

  it('rows already durable are read at once while a later batch waits for its fsync', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'order.sqlite'), readAhead: false });
    const durable = contractEvent({ data: { n: 0 } });
    await store.append('case-0', [durable], { expectedRevision: 'no_stream' });
    const hold = await holdFsyncs();
    try {
      const a = store.append('case-a', [contractEvent({ data: { n: 1 } })], { expectedRevision: 'no_stream' });
      await turns(2);
      const b = store.append('case-b', [contractEvent({ data: { n: 2 } })], { expectedRevision: 'no_stream' });
      await turns(2);
      expect((await store.readAll({ maxCount: 1 })).map((e) => e.id)).toEqual([durable.id]);
      expect((await store.readStream('case-0')).map((e) => e.id)).toEqual([durable.id]);
      const rest = settledFlag(store.readAll({ afterPosition: 1 }));
      await turns(5);
      expect(rest.settled).toBe(false);
      await hold.release();
      await Promise.all([a, b]);
      expect((await rest.promise).map((e) => e.streamId)).toEqual(['case-a', 'case-b']);
      expect((await store.readAll()).map((e) => e.streamId)).toEqual(['case-0', 'case-a', 'case-b']);
    } finally {
      hold.restore();
      await store.close();
    }
  });

  it('rows another connection committed without an fsync (another process, one that died) are synced before a read hands them out', async () => {
    const path = join(dir, 'other.sqlite');
    const store = new SqliteEventStore({ path, readAhead: false });
    const other = new SqliteEventStore({ path, readAhead: false, synchronous: 'NORMAL' }); // commits, never syncs
    const walSync = (store as unknown as { walSync: WalSync }).walSync;
    const hold = await holdFsyncs();
    try {
      const theirs = contractEvent({ data: { n: 9 } });
      await other.append('case-theirs', [theirs], { expectedRevision: 'no_stream' });
      const before = walSync.stats.fsyncs;
      const all = settledFlag(store.readAll());
      await turns(5);
      expect(all.settled).toBe(false); // its fsync is held
      await hold.release();
      expect((await all.promise).map((e) => e.id)).toEqual([theirs.id]);
      expect(walSync.stats.fsyncs).toBe(before + 1);
      await store.readStream('case-theirs');
      expect(walSync.stats.fsyncs).toBe(before + 1); // known durable now: no second fsync
    } finally {
      hold.restore();
      await other.close();
      await store.close();
    }
  });

  it('what is in the file when the store opens is synced once, at open, and then read without waiting', async () => {
    const path = join(dir, 'reopen.sqlite');
    const writer = new SqliteEventStore({ path, readAhead: false, synchronous: 'NORMAL' });
    await writer.append('case-1', [contractEvent()], { expectedRevision: 'no_stream' });
    await writer.close();
    const store = new SqliteEventStore({ path, readAhead: false });
    const hold = await holdFsyncs();
    try {
      const walSync = (store as unknown as { walSync: WalSync }).walSync;
      const before = walSync.stats.fsyncs;
      expect((await store.readAll()).map((e) => e.streamId)).toEqual(['case-1']);
      expect((await store.readStream('case-1')).length).toBe(1);
      expect(walSync.stats.fsyncs).toBe(before);
    } finally {
      await hold.release();
      hold.restore();
      await store.close();
    }
  });

  it('a lone writer (no other fsync running) syncs on its own thread: the append settles and readAll shows it at once', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'lone.sqlite'), readAhead: false });
    try {
      const walSync = (store as unknown as { walSync: WalSync }).walSync;
      const before = walSync.stats.fsyncs;
      expect(fsyncsRunning()).toBe(0);
      const appended = store.append('case-lone', [contractEvent()], { expectedRevision: 'no_stream' });
      await turns(2);
      let settled = false;
      void appended.then(() => (settled = true));
      await turns(1);
      expect(settled).toBe(true);
      expect(fsyncsRunning()).toBe(0); // nothing went to the thread pool
      expect(walSync.stats.fsyncs).toBe(before + 1);
      expect((await store.readAll()).map((e) => e.streamId)).toEqual(['case-lone']);
    } finally {
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
