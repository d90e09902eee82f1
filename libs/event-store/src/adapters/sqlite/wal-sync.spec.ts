import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { WalSync, durableWrites } from './wal-sync';

describe('WalSync (fsync of a WAL database off the event loop, shared by the syncs asked for meanwhile)', () => {
  let dir: string;
  let path: string;
  let db: DatabaseSync;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
    path = join(dir, 'x.sqlite');
    db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (k TEXT)');
  });

  afterEach(() => {
    if (db.isOpen) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one fsync at a time: syncs asked for while one runs share the next one', async () => {
    const wal = new WalSync(path);
    db.exec("INSERT INTO t VALUES ('a')");
    const first = wal.sync();
    const during = Array.from({ length: 10 }, () => wal.sync());
    await Promise.all([first, ...during]);
    expect(wal.stats.fsyncs).toBe(2); // the running one, then one for all ten that came during it
    await wal.sync();
    expect(wal.stats.fsyncs).toBe(3);
    await wal.close();
  });

  it('syncs the database file while there is no WAL yet, then the WAL, and refuses once closed', async () => {
    const fresh = join(dir, 'fresh.sqlite');
    const wal = new WalSync(fresh);
    const other = new DatabaseSync(fresh); // no WAL file until a write in WAL mode
    await wal.sync();
    expect(wal.stats.fsyncs).toBe(1);
    other.exec("PRAGMA journal_mode = WAL; CREATE TABLE u (k TEXT); INSERT INTO u VALUES ('a')");
    expect(existsSync(`${fresh}-wal`)).toBe(true);
    await wal.sync();
    expect((wal as unknown as { handle?: unknown }).handle).toBeDefined(); // the WAL is open now
    expect(wal.stats.fsyncs).toBe(2);
    await wal.close();
    await expect(wal.sync()).rejects.toThrow(/closed/);
    other.close();
  });

  it('durableWrites: NORMAL plus a WalSync for a WAL file; SQLite’s own FULL where there is no WAL; no fsync for NORMAL', async () => {
    const synchronous = (d: DatabaseSync) => (d.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    const onFile = new DatabaseSync(join(dir, 'y.sqlite'));
    onFile.exec('PRAGMA journal_mode = WAL');
    const wal = durableWrites(onFile, join(dir, 'y.sqlite'));
    expect(wal).toBeInstanceOf(WalSync);
    expect(synchronous(onFile)).toBe(1); // NORMAL
    await wal?.close();
    const rebuild = new DatabaseSync(join(dir, 'z.sqlite'));
    rebuild.exec('PRAGMA journal_mode = WAL');
    expect(durableWrites(rebuild, join(dir, 'z.sqlite'), 'NORMAL')).toBeUndefined();
    expect(synchronous(rebuild)).toBe(1);
    const memory = new DatabaseSync(':memory:');
    expect(durableWrites(memory, ':memory:')).toBeUndefined();
    expect(synchronous(memory)).toBe(2); // FULL
    const rollbackJournal = new DatabaseSync(join(dir, 'j.sqlite')); // not in WAL mode
    expect(durableWrites(rollbackJournal, join(dir, 'j.sqlite'))).toBeUndefined();
    expect(synchronous(rollbackJournal)).toBe(2);
    for (const d of [onFile, rebuild, memory, rollbackJournal]) d.close();
  });
});
