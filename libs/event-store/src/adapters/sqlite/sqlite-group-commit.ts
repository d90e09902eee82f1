/**
 * Group commit for one `node:sqlite` connection (issue 15): the writes asked for during one turn
 * of the event loop run together in ONE write transaction, so they share one COMMIT (one fsync
 * with `synchronous = FULL`) instead of paying one each. Each write's promise settles only after
 * that COMMIT: a caller never sees success before its write is as durable as an autocommit
 * statement would have made it. The event store has its own group commit (with a SAVEPOINT per
 * append); this one serves the stores whose writes are single statements: the inbox, the relay
 * checkpoints, the embedded read store.
 *
 * - A write is a function running ONE statement (or statements that cannot fail after the first
 *   change). SQLite undoes a failed statement by itself and the transaction goes on, so one
 *   write's constraint error rejects that write only; its neighbours commit.
 * - Writes run in the order they were asked for; a write asked for while a batch commits waits for
 *   the next batch (the next turn), never for a timer.
 * - If BEGIN or COMMIT fails (another process holds the lock beyond the busy timeout, a full disk,
 *   a transaction some other user of a shared connection left open), the transaction is rolled
 *   back and every write of the batch rejects: none of them happened.
 * - Reads are not queued: they see committed state. A caller that awaits its write and then reads
 *   sees its write, as before.
 *
 * What is lost to batching is only the statement's synchronous return: the write now resolves in
 * the next turn (setImmediate), so a flow that wrote and read without awaiting would see the old
 * value. The stores using this await every write.
 *
 * With a `durability` (a `WalSync`, on a connection with `synchronous = NORMAL`), the COMMIT does not
 * wait for the disk: the batch's promises settle after the WAL's fsync in the thread pool, which
 * batches committed meanwhile share (see wal-sync.ts). A failed fsync rejects the writes it was to
 * make durable: they may or may not survive a power loss, and the callers retry (idempotently).
 */

/** What the group commit needs of a connection (`DatabaseSync` has it). */
export interface GroupCommitDatabase {
  exec(sql: string): void;
  readonly isTransaction: boolean;
}

/** Makes what was committed so far durable (`WalSync`). */
export interface CommitDurability {
  sync(): Promise<void>;
  /** Called by the group commit's `close()` once its last batch is queued for durability (e.g. closes a file). */
  close?(): Promise<void>;
}

interface QueuedWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class SqliteGroupCommit {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  /** Batches committed and writes in them since start (for tests and metrics). */
  readonly stats = { batches: 0, writes: 0 };

  constructor(
    private readonly db: GroupCommitDatabase,
    private readonly maxBatch = 1024,
    private readonly durability?: CommitDurability,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new TypeError('maxBatch must be an integer ≥ 1');
  }

  /** Queues `write`; resolves with its result once the transaction holding it has committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /**
   * Commits what is queued now (synchronously), then closes the durability once the writes it is
   * making durable have settled: a store calls it before it closes its connection.
   */
  close(): Promise<void> {
    this.flush();
    return this.durability?.close?.() ?? Promise.resolve();
  }

  /** Commits what is queued now (synchronously); `close()` of a store calls it before closing. */
  flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
      this.commit(batch);
    }
  }

  private commit(batch: QueuedWrite[]): void {
    const outcomes = new Array<{ ok: boolean; value: unknown }>(batch.length);
    let began = false;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      began = true;
      for (let i = 0; i < batch.length; i++) {
        try {
          outcomes[i] = { ok: true, value: batch[i].write() };
        } catch (error) {
          outcomes[i] = { ok: false, value: error };
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (began && this.db.isTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // the connection rolled back by itself (e.g. SQLITE_FULL): nothing left to undo
        }
      }
      for (const w of batch) w.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    const settle = () => {
      for (let i = 0; i < batch.length; i++) {
        const o = outcomes[i];
        if (o.ok) batch[i].resolve(o.value);
        else batch[i].reject(o.value);
      }
    };
    if (!this.durability) settle();
    else
      this.durability.sync().then(settle, (error: unknown) => {
        for (const w of batch) w.reject(error);
      });
  }
}
