/**
 * The re-check of a resumed audit log (resume-recheck.ts): a store on disk, its follower's state in
 * SQLite beside the checkpoints (as standalone keeps them), a checkpoint signed, the process
 * "stopped"; the store's file is then edited with plain SQL on a second connection, as anyone with
 * the file could, and the follower resumed on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import canonicalize from 'canonicalize';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import type { EventStore, ReadAllOptions, StoredEvent } from '../event-store.port';
import { hashEvent } from '../integrity/hash-chain';
import { dataSpan } from '../integrity/stored-bytes';
import { CheckpointSigner, MerkleLog, MerkleLogForkError, SqliteCheckpointStore, eventHashLeaf } from '../merkle';
import { contractEvent, recordReadAll } from '../testing';
import { verifyStore } from '../tamper/verify-store';
import { MemoryAuditFollowerState } from './audit-follower-state';
import { RecheckResult, StoreChange, recheckResumedLog } from './resume-recheck';
import { SqliteAuditFollowerState } from './sqlite-audit-follower-state';
import { StoreAuditor } from './store-auditor';

describe('StoreAuditor: a resumed log is re-checked against the store in the background', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  const signer = CheckpointSigner.generate();

  /** Every readAll the auditor asks for, with the positions it got back. */
  interface Read {
    options: ReadAllOptions;
    positions: number[];
  }
  const recorded = (reads: Read[]): EventStore =>
    recordReadAll(store, (options, page) => reads.push({ options, positions: page.map((e) => e.globalPosition) }));

  /** An auditor as a standalone service opens it (state and checkpoints in checkpoints.sqlite), and what it was told. */
  const open = (reads: Read[] = []) => {
    const state = new SqliteAuditFollowerState({ database: join(dir, 'checkpoints.sqlite') });
    const checkpoints = new SqliteCheckpointStore({ database: join(dir, 'checkpoints.sqlite') });
    const told = {
      resumes: [] as Array<{ treeSize: number; resumed: boolean; reason?: string }>,
      changes: [] as StoreChange[],
      rechecks: [] as RecheckResult[],
    };
    const auditor = new StoreAuditor({
      context: 'test',
      events: recorded(reads),
      checkpoints,
      signer,
      pageSize: 10,
      progressEvery: 10,
      state,
      onResume: (r) => told.resumes.push(r),
      onStoreChanged: (c) => told.changes.push(c),
      onRecheck: (r) => told.rechecks.push(r),
    });
    return {
      auditor,
      told,
      close: async () => {
        await auditor.stop();
        state.close();
        checkpoints.close();
      },
    };
  };

  /** SQL on the store's file, as anyone with it could: the append-only triggers go first. */
  const sql = (fn: (db: DatabaseSync) => void) => {
    const db = new DatabaseSync(file);
    try {
      db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
      fn(db);
    } finally {
      db.close();
    }
  };

  /**
   * The attack the chains cannot see: an event's data rewritten in the stored bytes, its hash and
   * every later hash of its stream recomputed, so every chain verifies again.
   */
  const rewriteConsistently = async (streamId: string, revision: number, data: Record<string, unknown>): Promise<StoredEvent> => {
    const stream = await store.readStream(streamId);
    let prev = stream[revision - 1].hash;
    const rewritten = stream.slice(revision).map((e) => {
      const next = { ...e, data: e.revision === revision ? data : e.data };
      next.hash = hashEvent(prev, next);
      prev = next.hash;
      return next;
    });
    sql((db) => {
      for (const e of rewritten) {
        const { content } = db.prepare('SELECT CAST(content AS TEXT) AS content FROM events WHERE id = ?').get(e.id) as { content: string };
        const [from, to] = dataSpan(content) ?? [0, 0];
        const bytes = Buffer.from(content.slice(0, from) + (canonicalize(e.data) ?? '') + content.slice(to), 'utf8');
        db.prepare('UPDATE events SET content = ?, hash = ? WHERE id = ?').run(bytes, e.hash, e.id);
      }
    });
    return rewritten[0];
  };

  const append = async (streamId: string, n: number) =>
    store.append(
      streamId,
      Array.from({ length: n }, (_, i) => contractEvent({ data: { title: `第 ${i} 步`, i } })),
      { expectedRevision: 'any' },
    );

  /** 37 events (case-a 1–15, case-b 16–30, case-c 31–37) followed, a checkpoint of them signed, the process stopped. */
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-recheck-'));
    file = join(dir, 'events.sqlite');
    store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
    await append('case-a', 15);
    await append('case-b', 15);
    await append('case-c', 7);
    const first = open();
    expect((await first.auditor.checkpoint()).checkpoint.treeSize).toBe(37);
    expect(await first.auditor.rechecked()).toBeUndefined(); // built from the store here: nothing to re-check
    await first.close();
    await store.close();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('untampered: resumes at once, then reads every event up to the resumed size once, finds nothing and says so', async () => {
    store = new SqliteEventStore({ path: file });
    await append('case-a', 3);
    const reads: Read[] = [];
    const again = open(reads);
    let finished = false;
    const rechecked = again.auditor.rechecked();
    expect(await again.auditor.catchUp()).toBe(40);
    // the catch-up did not wait for the re-check: not one page of it was read yet
    void again.auditor.rechecked().then(() => (finished = true));
    await Promise.resolve();
    expect(finished).toBe(false);
    expect(await rechecked).toBeUndefined(); // asked before the first catch-up: none had started
    const result = await again.auditor.rechecked();
    expect(result).toMatchObject({ treeSize: 37, checked: 37, done: true });
    expect(result?.change).toBeUndefined();
    expect(again.told.changes).toEqual([]);
    expect(again.auditor.storeChange).toBeUndefined();
    expect(again.told.resumes).toEqual([{ treeSize: 37, resumed: true }]);
    expect(again.told.rechecks.map((r) => [r.checked, r.done])).toEqual([
      [10, false],
      [20, false],
      [30, false],
      [37, true],
    ]);
    // positions read: the last leaf's (36 → 37) by the resume, the new ones by the catch-up, 1…37 once by the re-check
    const counts = new Map<number, number>();
    for (const r of reads) for (const p of r.positions) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect([...counts].sort(([a], [b]) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => [i + 1, i + 1 === 37 ? 2 : 1]));
    // the re-check reads no further than the resumed size
    expect(reads.filter((r) => r.options.afterPosition === 30).map((r) => r.options.maxCount)).toEqual([7]);
    expect((await again.auditor.checkpoint()).checkpoint.treeSize).toBe(40);
    await again.close();
  });

  it('an event rewritten with its chain recomputed while the process was down: found, named, the log rebuilt and its next checkpoint refused', async () => {
    store = new SqliteEventStore({ path: file });
    const forged = await rewriteConsistently('case-b', 4, { title: '调解结果被改写', i: 4 });
    // every chain verifies: only the Merkle log can tell
    expect(await verifyStore(store, { densePositions: true })).toMatchObject({ ok: true, failures: [] });
    const again = open();
    expect(await again.auditor.catchUp()).toBe(37);
    expect(again.told.resumes).toEqual([{ treeSize: 37, resumed: true }]); // the last leaf is untouched
    const result = await again.auditor.rechecked();
    const change = {
      kind: 'changed',
      leaf: 19,
      position: 20,
      event: { id: forged.id, streamId: 'case-b', revision: 4, globalPosition: 20, hash: forged.hash },
    };
    expect(result).toMatchObject({ checked: 19, change });
    expect(again.told.changes).toMatchObject([change]);
    expect(again.told.changes[0].detail).toContain(`event ${forged.id} of stream case-b revision 4 at position 20 no longer hashes to leaf 19`);
    expect(again.told.changes[0].message).toBe(
      `事件库在审计日志之下被改动：全局位置 20 的事件流 case-b 第 4 版的事件 ${forged.id}与日志第 19 号叶子（全局位置 20）记录的哈希不符`,
    );
    expect(again.auditor.storeChange).toMatchObject(change);
    // the log starts over from the store, and the signed checkpoint of 37 is not extended by it
    const refused = again.auditor.checkpoint();
    await expect(refused).rejects.toThrow(MerkleLogForkError);
    await expect(refused).rejects.toMatchObject({ code: 'MERKLE.LOG_FORKED', message: expect.stringContaining('全局位置 20 的事件流 case-b 第 4 版') });
    expect(again.told.resumes).toEqual([
      { treeSize: 37, resumed: true },
      { treeSize: 0, resumed: false, reason: expect.stringMatching(/^the re-check found the store changed under the log: .*leaf 19/) },
    ]);
    expect(again.auditor.log.size).toBe(37);
    await again.close();
  });

  it('a stored hash edited (the chain left broken): found at its leaf', async () => {
    store = new SqliteEventStore({ path: file });
    const [target] = (await store.readStream('case-a')).slice(7, 8);
    sql((db) => db.prepare('UPDATE events SET hash = ? WHERE id = ?').run('ab'.repeat(32), target.id));
    const again = open();
    await again.auditor.catchUp();
    expect((await again.auditor.rechecked())?.change).toMatchObject({ kind: 'changed', leaf: 7, position: 8, event: { id: target.id, hash: 'ab'.repeat(32) } });
    await expect(again.auditor.checkpoint()).rejects.toThrow(MerkleLogForkError);
    await again.close();
  });

  it('an event deleted: its leaf named, with the event the store holds next', async () => {
    store = new SqliteEventStore({ path: file });
    const stream = await store.readStream('case-b');
    sql((db) => db.prepare('DELETE FROM events WHERE id = ?').run(stream[2].id));
    const again = open();
    await again.auditor.catchUp();
    const change = (await again.auditor.rechecked())?.change;
    expect(change).toMatchObject({ kind: 'removed', leaf: 17, position: 18, event: { id: stream[3].id, globalPosition: 19 } });
    expect(change?.message).toBe('事件库在审计日志之下被改动：日志第 17 号叶子（全局位置 18）的事件已不在事件库中');
    await again.close();
  });

  it('stops between pages when the auditor stops (the stores can close)', async () => {
    store = new SqliteEventStore({ path: file });
    const again = open();
    await again.auditor.catchUp();
    await again.auditor.stop();
    const result = await again.auditor.rechecked();
    expect(result).toMatchObject({ stopped: true, done: true });
    expect(result?.checked).toBeLessThan(37);
    expect(again.told.changes).toEqual([]);
    await again.close();
  });
});

describe('recheckResumedLog: the store and the log compared leaf by leaf', () => {
  let store: SqliteEventStore;
  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await store.append(
      's-1',
      Array.from({ length: 6 }, (_, i) => contractEvent({ data: { i } })),
      { expectedRevision: 'no_stream' },
    );
  });
  afterEach(() => store.close());

  /** A persisted log of these events, as a follower would have recorded them. */
  const logOf = (events: StoredEvent[]) => {
    const state = new MemoryAuditFollowerState();
    const log = new MerkleLog(state.nodes);
    events.forEach((e, leaf) => {
      state.addLeaf(leaf, e.globalPosition);
      log.append(eventHashLeaf(e.hash));
    });
    state.commit({ treeSize: events.length, lastPosition: events[events.length - 1].globalPosition, keysVersion: '' });
    return { log, positionsOf: (leaf: number, count: number) => state.positionsOf(leaf, count), treeSize: events.length };
  };
  const recheck = (persisted: ReturnType<typeof logOf>) =>
    recheckResumedLog({ events: store, ...persisted, pageSize: 4, progressEvery: 100, stopped: () => false });

  it('an event the log does not hold (the store has one more before a leaf): added, at that leaf', async () => {
    const all = await store.readAll();
    const result = await recheck(logOf([all[0], all[1], all[3], all[4]]));
    expect(result.change).toMatchObject({ kind: 'added', leaf: 2, position: 4, event: { id: all[2].id, globalPosition: 3 } });
  });

  it('a store that ends before the log: removed, at the first missing leaf', async () => {
    const all = await store.readAll();
    const persisted = logOf([...all, { ...all[5], globalPosition: 7, hash: 'cd'.repeat(32) }]);
    expect((await recheck(persisted)).change).toMatchObject({ kind: 'removed', leaf: 6, position: 7 });
    expect((await recheck(persisted)).change?.event).toBeUndefined();
  });

  it('the same events: nothing, every leaf checked', async () => {
    const result = await recheck(logOf(await store.readAll()));
    expect(result).toMatchObject({ treeSize: 6, checked: 6, done: true });
    expect(result.change).toBeUndefined();
  });
});
