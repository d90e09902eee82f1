/**
 * Durability off the event loop (issue 15). With `synchronous = FULL` every COMMIT of a WAL database
 * waits for an fsync of the WAL on the JS thread: in the standalone dispatch benchmark the commits
 * of the inbox, relay checkpoints and read models spent about a third of the process's busy time
 * there. With `synchronous = NORMAL` a COMMIT only writes the WAL frames (to the OS page cache,
 * which outlives a killed process but not a power loss); `WalSync` then fsyncs the WAL file in
 * libuv's thread pool, and a write's promise settles only after an fsync that began after its
 * COMMIT: as durable as FULL when it resolves, while the JS thread goes on with other work.
 *
 * The sync is `fdatasync` (what SQLite itself uses on Linux for its WAL): the data and the size
 * that finds it, not the file's timestamps, which cost each fsync of an overwritten WAL a journal
 * commit of the inode.
 *
 * Coalescing: one fsync at a time per file; syncs asked for while one runs share the next one
 * (an fsync covers every frame written before it began, of every connection to the file).
 *
 * The file synced is `<database>-wal`, opened once: SQLite keeps it (the same file, also when a
 * checkpoint restarts it from the beginning) while a connection is open, and the store using this
 * holds its own connection for as long as it syncs. Before there is a WAL the database file is
 * synced. SQLite itself syncs the WAL before a checkpoint copies it and the database after, with
 * NORMAL as with FULL.
 *
 * What NORMAL changes besides: a COMMIT is visible to readers (of any connection) before its fsync
 * ran. The stores using this only let a caller act on a write once its promise resolved, and a
 * reader that saw a write a power loss then undoes sees at most a state the system re-derives
 * (a handled mark redelivered, a view rebuilt from its checkpoint), never a lost acknowledgement.
 */
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** fsyncs of every WalSync of this process running in the thread pool now. */
let running = 0;

/**
 * How many fsyncs of this process's WalSyncs are in the thread pool now: none means nothing else
 * waits for the disk, and a lone writer may sync on its own thread (`WalSync.syncNow`) without the
 * thread hop (the event store does: a sequential append then costs what SQLite's FULL costs).
 */
export function fsyncsRunning(): number {
  return running;
}

export class WalSync {
  private handle: FileHandle | undefined;
  /** the WAL opened for `syncNow` */
  private inlineFd: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private closed = false;
  /** fsyncs run since start (for tests and metrics). */
  readonly stats = { fsyncs: 0 };

  /** `database`: the path of the SQLite database file (in WAL mode). */
  constructor(private readonly database: string) {}

  /** Resolves once an fsync of the WAL that began after this call has completed (rejects if it failed). */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`WalSync of ${this.database} is closed`));
    if (!this.running) {
      const run = this.fsyncOnce().finally(() => {
        if (this.running === run) this.running = undefined;
      });
      this.running = run;
      return run;
    }
    // one is running: it may have begun before the caller's COMMIT, so wait for the one after it
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  /** Waits for the syncs asked for, then closes the file. */
  async close(): Promise<void> {
    await this.next?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    if (this.inlineFd !== undefined) closeSync(this.inlineFd);
    this.inlineFd = undefined;
    await handle?.close();
  }

  /**
   * fdatasync of the WAL now, on this thread (the database file while there is no WAL): covers every
   * frame committed before it, as an asynchronous `sync()` would, without waiting for the thread pool.
   */
  syncNow(): void {
    if (this.closed) throw new Error(`WalSync of ${this.database} is closed`);
    if (this.inlineFd === undefined) {
      try {
        this.inlineFd = openSync(`${this.database}-wal`, 'r'); // kept, like the handle: SQLite keeps the file
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const fd = openSync(this.database, 'r'); // no WAL yet: what was committed is in the database file
        try {
          fdatasyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.stats.fsyncs++;
        return;
      }
    }
    fdatasyncSync(this.inlineFd);
    this.stats.fsyncs++;
  }

  private async fsyncOnce(): Promise<void> {
    running++;
    try {
      await this.fsyncFile();
    } finally {
      running--;
    }
  }

  private async fsyncFile(): Promise<void> {
    const handle = await this.walHandle();
    if (handle) await handle.datasync();
    else {
      // no WAL file: what was committed is in the database file itself
      const db = await open(this.database, 'r');
      try {
        await db.datasync();
      } finally {
        await db.close();
      }
    }
    this.stats.fsyncs++;
  }

  /**
   * The open WAL file, undefined when there is none. SQLite keeps the WAL (the same file) while a
   * connection to the database is open, and the store syncing holds one; only when it had none yet
   * (or every connection had closed) is the file opened again.
   */
  private async walHandle(): Promise<FileHandle | undefined> {
    if (this.handle) return this.handle;
    try {
      this.handle = await open(`${this.database}-wal`, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return this.handle;
  }
}

/** What `durableWrites` needs of a connection (`DatabaseSync` has it). */
interface PragmaDatabase {
  exec(sql: string): void;
  prepare(sql: string): { get(): unknown };
}

/**
 * Sets a store's own connection to `path` up for group-committed writes and returns the durability
 * its `SqliteGroupCommit` needs: `'FULL'` (the default) makes a write durable before its promise
 * resolves, by a `WalSync` off the event loop on a WAL file (the connection runs with
 * `synchronous = NORMAL`), or by SQLite's own fsync at COMMIT (`synchronous = FULL`) where there is
 * no WAL (`:memory:`, a file system without WAL support); `'NORMAL'` skips the fsync (a rebuild
 * that can start again). Call after `PRAGMA journal_mode = WAL`.
 */
export function durableWrites(db: PragmaDatabase, path: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): WalSync | undefined {
  const mode = (db.prepare('PRAGMA journal_mode').get() as { journal_mode?: string } | undefined)?.journal_mode;
  if (synchronous === 'FULL' && (path === ':memory:' || mode !== 'wal')) {
    db.exec('PRAGMA synchronous = FULL');
    return undefined;
  }
  db.exec('PRAGMA synchronous = NORMAL');
  return synchronous === 'FULL' ? new WalSync(path) : undefined;
}
