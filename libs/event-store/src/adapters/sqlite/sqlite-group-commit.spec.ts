import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteGroupCommit } from './sqlite-group-commit';
import { WalSync } from './wal-sync';

describe('SqliteGroupCommit (one transaction per turn of the event loop, each write settled after COMMIT)', () => {
  let dir: string;
  let path: string;
  let db: DatabaseSync;
  let other: DatabaseSync;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    path = join(dir, 'x.sqlite');
    db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 0;');
    db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL UNIQUE)');
    // a second connection sees only what is committed
    other = new DatabaseSync(path);
    other.exec('PRAGMA busy_timeout = 0');
  });

  afterEach(() => {
    other.close();
    if (db.isOpen) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (k: string) => () => Number(db.prepare('INSERT INTO t (k) VALUES (?)').run(k).lastInsertRowid);
  const committed = () => (other.prepare('SELECT k FROM t ORDER BY n').all() as { k: string }[]).map((r) => r.k);

  it('commits the writes of one turn together, in the order asked, and resolves each only once they are committed', async () => {
    const commits = new SqliteGroupCommit(db);
    const seenAtResolve: string[][] = [];
    const writes = Array.from({ length: 20 }, (_, i) =>
      commits.run(insert(`k${i}`)).then((n) => {
        seenAtResolve.push(committed());
        return n;
      }),
    );
    expect(committed()).toEqual([]); // nothing runs before the turn ends
    const positions = await Promise.all(writes);
    expect(positions).toEqual(positions.slice().sort((a, b) => a - b));
    expect(commits.stats).toEqual({ batches: 1, writes: 20 });
    // every caller, when told, could already read all 20 rows from another connection
    for (const seen of seenAtResolve) expect(seen).toHaveLength(20);
    expect(committed()).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`));
  });

  it("refuses one write's conflict without undoing its neighbours", async () => {
    const commits = new SqliteGroupCommit(db);
    const outcomes = await Promise.allSettled([commits.run(insert('a')), commits.run(insert('a')), commits.run(insert('b'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(commits.stats.batches).toBe(1);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('a conditional write decides against the earlier writes of its own batch', async () => {
    const commits = new SqliteGroupCommit(db);
    const claim = (k: string) => commits.run(() => Number(db.prepare('INSERT INTO t (k) VALUES (?) ON CONFLICT DO NOTHING').run(k).changes) === 1);
    expect(await Promise.all([claim('m'), claim('m'), claim('m')])).toEqual([true, false, false]);
  });

  it('rejects every write of a batch that cannot begin (another connection holds the write lock), and commits the next one', async () => {
    const commits = new SqliteGroupCommit(db);
    other.exec('BEGIN IMMEDIATE');
    const blocked = await Promise.allSettled([commits.run(insert('x')), commits.run(insert('y'))]);
    expect(blocked.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(db.isTransaction).toBe(false);
    other.exec('ROLLBACK');
    await commits.run(insert('z'));
    expect(committed()).toEqual(['z']);
  });

  it('a write asked for while its batch settles goes into the next batch, without a timer', async () => {
    const commits = new SqliteGroupCommit(db);
    const second = await commits.run(insert('first')).then(() => commits.run(insert('second')));
    expect(second).toBeGreaterThan(0);
    expect(commits.stats).toEqual({ batches: 2, writes: 2 });
  });

  it('flush() commits what is queued at once (a store flushes before it closes)', async () => {
    const commits = new SqliteGroupCommit(db);
    const pending = commits.run(insert('late'));
    commits.flush();
    expect(committed()).toEqual(['late']);
    db.close();
    await expect(pending).resolves.toBeGreaterThan(0);
  });

  it('splits a queue longer than maxBatch into several transactions', async () => {
    const commits = new SqliteGroupCommit(db, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => commits.run(insert(`q${i}`))));
    expect(commits.stats).toEqual({ batches: 3, writes: 10 });
  });

  describe('with a durability step (synchronous = NORMAL, the WAL fsynced off the event loop)', () => {
    /** A durability whose syncs the test settles by hand, recording what was committed when each began. */
    function manualDurability() {
      const calls: Array<{ committedAtCall: string[]; resolve: () => void; reject: (e: unknown) => void }> = [];
      return {
        calls,
        sync: () =>
          new Promise<void>((resolve, reject) => {
            calls.push({ committedAtCall: committed(), resolve, reject });
          }),
      };
    }

    it('settles the writes of a batch only after a sync that began after their COMMIT', async () => {
      db.exec('PRAGMA synchronous = NORMAL');
      const durability = manualDurability();
      const commits = new SqliteGroupCommit(db, undefined, durability);
      let settled = 0;
      const writes = ['a', 'b'].map((k) => commits.run(insert(k)).then(() => settled++));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(durability.calls).toHaveLength(1);
      expect(durability.calls[0].committedAtCall).toEqual(['a', 'b']); // the sync began after the COMMIT
      expect(settled).toBe(0); // committed (visible) but not yet durable: nobody is told
      durability.calls[0].resolve();
      await Promise.all(writes);
      expect(settled).toBe(2);
    });

    it('rejects every write of a batch whose sync failed (they may not survive a power loss), and settles the next batch', async () => {
      const durability = manualDurability();
      const commits = new SqliteGroupCommit(db, undefined, durability);
      const failed = Promise.allSettled([commits.run(insert('x')), commits.run(insert('y'))]);
      await new Promise((r) => setImmediate(r));
      durability.calls[0].reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
      expect((await failed).map((r) => r.status)).toEqual(['rejected', 'rejected']);
      const next = commits.run(insert('z'));
      await new Promise((r) => setImmediate(r));
      durability.calls[1].resolve();
      await expect(next).resolves.toEqual(expect.any(Number));
    });

    it('with a real WalSync: every write resolves, the WAL fsyncs are shared by the batches committed meanwhile', async () => {
      db.exec('PRAGMA synchronous = NORMAL');
      const wal = new WalSync(path);
      const commits = new SqliteGroupCommit(db, undefined, wal);
      // 50 batches (one per turn), each awaited by nobody until the end
      const writes: Promise<number>[] = [];
      for (let i = 0; i < 50; i++) {
        writes.push(commits.run(insert(`w${i}`)));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(writes);
      expect(commits.stats.batches).toBe(50);
      expect(wal.stats.fsyncs).toBeGreaterThanOrEqual(1);
      expect(wal.stats.fsyncs).toBeLessThan(50);
      expect(committed()).toHaveLength(50);
      await commits.close();
    });

    it('close() commits what is queued, and closes the durability once the sync of that batch has begun', async () => {
      const durability = { ...manualDurability(), closedAfterCalls: -1, close: async () => void (durability.closedAfterCalls = durability.calls.length) };
      const commits = new SqliteGroupCommit(db, undefined, durability);
      const write = commits.run(insert('last'));
      const closing = commits.close();
      expect(committed()).toEqual(['last']); // committed at once, not at the next turn
      await closing;
      expect(durability.closedAfterCalls).toBe(1); // its sync was asked for before the close
      durability.calls[0].resolve();
      await expect(write).resolves.toEqual(expect.any(Number));
    });
  });
});
