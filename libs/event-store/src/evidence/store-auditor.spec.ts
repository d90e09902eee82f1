import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import type { EventStore, ReadAllOptions } from '../event-store.port';
import { contractEvent, recordReadAll } from '../testing';
import { CheckpointSigner, InMemoryCheckpointStore, SqliteCheckpointStore, verifyConsistencyProof, verifyEventInclusion } from '../merkle';
import { SqliteAuditFollowerState } from './sqlite-audit-follower-state';
import { AuditorStoppedError, StoreAuditor, StoreAuditorOptions } from './store-auditor';

describe('StoreAuditor: following the store into its Merkle log', () => {
  it('lets the event loop turn between pages: following a large store does not hold up timers and requests', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      await store.append(
        's-1',
        Array.from({ length: 35 }, (_, i) => contractEvent({ data: { i } })),
        { expectedRevision: 'no_stream' },
      );
      const auditor = new StoreAuditor({
        context: 'test',
        events: store,
        checkpoints: new InMemoryCheckpointStore(),
        signer: CheckpointSigner.generate(),
        pageSize: 10,
      });
      const following = auditor.catchUp();
      // node:sqlite reads resolve at once: without a turn between pages the whole store went
      // through in microtasks before this callback could run (issue 15: start-up blocked ~90 s)
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(auditor.log.size).toBeLessThan(35);
      expect(await following).toBe(35);
      expect(auditor.log.size).toBe(35);
    } finally {
      await store.close();
    }
  });

  it('stop() ends a catch-up between two pages: it rejects with what it followed, and a later follower goes on from there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-auditor-stop-'));
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    try {
      await store.append(
        's-1',
        Array.from({ length: 50 }, (_, i) => contractEvent({ data: { i } })),
        { expectedRevision: 'no_stream' },
      );
      const options = (state: SqliteAuditFollowerState): StoreAuditorOptions => ({
        context: 'test',
        events: store,
        checkpoints: new InMemoryCheckpointStore(),
        signer: CheckpointSigner.generate(),
        pageSize: 10,
        state,
      });
      const state = new SqliteAuditFollowerState({ database: join(dir, 'audit.sqlite') });
      const auditor = new StoreAuditor(options(state));
      const following = auditor.catchUp();
      await new Promise<void>((resolve) => setImmediate(resolve)); // one page in
      await auditor.stop();
      const stopped = await following.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(stopped).toBeInstanceOf(AuditorStoppedError);
      const at = (stopped as AuditorStoppedError).treeSize;
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(50);
      state.close();
      // the pages it committed are kept: the next follower resumes there and reads the rest
      const again = new StoreAuditor(options(new SqliteAuditFollowerState({ database: join(dir, 'audit.sqlite') })));
      expect(await again.catchUp()).toBe(50);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how far it got while following a large store, and when it caught up', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      await store.append(
        's-1',
        Array.from({ length: 25 }, (_, i) => contractEvent({ data: { i } })),
        { expectedRevision: 'no_stream' },
      );
      const told: Array<{ treeSize: number; added: number; done: boolean }> = [];
      const auditor = new StoreAuditor({
        context: 'test',
        events: store,
        checkpoints: new InMemoryCheckpointStore(),
        signer: CheckpointSigner.generate(),
        pageSize: 5,
        progressEvery: 10,
        onProgress: ({ treeSize, added, done }) => told.push({ treeSize, added, done }),
      });
      await auditor.catchUp();
      expect(told).toEqual([
        { treeSize: 10, added: 10, done: false },
        { treeSize: 20, added: 20, done: false },
        { treeSize: 25, added: 25, done: true },
      ]);
      // a catch-up that adds less than progressEvery stays quiet
      await store.append('s-1', [contractEvent()], { expectedRevision: 'any' });
      await auditor.catchUp();
      expect(told).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});

describe('StoreAuditor on a SQLite follower state: resumed on a restart, not rebuilt (issue 15)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const signer = CheckpointSigner.generate();
  /** The store as the auditor sees it, with every readAll it asks for recorded. */
  const recorded = (reads: ReadAllOptions[]): EventStore => recordReadAll(store, (options) => reads.push(options));
  const keys = (e: { streamId: string; correlationId: string }) => [`n:${e.streamId}`, `c:${e.correlationId}`];
  /** An auditor as a service opens it: state and checkpoints in the context's checkpoints.sqlite. */
  const open = (reads: ReadAllOptions[], extra: Partial<StoreAuditorOptions> = {}) => {
    const state = new SqliteAuditFollowerState({ database: join(dir, 'checkpoints.sqlite') });
    const checkpoints = new SqliteCheckpointStore({ database: join(dir, 'checkpoints.sqlite') });
    const resumes: Array<{ treeSize: number; resumed: boolean; reason?: string }> = [];
    const auditor = new StoreAuditor({
      context: 'test',
      events: recorded(reads),
      checkpoints,
      signer,
      pageSize: 10,
      state,
      streamKeys: keys,
      streamKeysVersion: 'v1',
      onResume: (r) => resumes.push(r),
      ...extra,
    });
    return { auditor, resumes, close: () => (state.close(), checkpoints.close()) };
  };
  const append = async (streamId: string, n: number, correlationId = `corr-${streamId}`) =>
    store.append(
      streamId,
      Array.from({ length: n }, (_, i) => contractEvent({ correlationId, data: { i } })),
      { expectedRevision: 'any' },
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fq-auditor-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes on from its last page after a restart: one read of the last leaf, then only the new events', async () => {
    await append('case-a', 25);
    await append('case-b', 12);
    const first = open([]);
    const held = await first.auditor.checkpoint();
    expect(held.checkpoint.treeSize).toBe(37);
    first.close();

    await append('case-a', 6);
    const reads: ReadAllOptions[] = [];
    const again = open(reads);
    expect(again.auditor.log.size).toBe(37);
    const signed = await again.auditor.checkpoint();
    expect(again.resumes).toEqual([{ treeSize: 37, resumed: true }]);
    // the last leaf's event (after the position of the leaf before it), then the pages after position 37;
    // in the background the resumed leaves re-checked against the store (resume-recheck.spec.ts)
    expect((await again.auditor.rechecked())?.change).toBeUndefined();
    expect(reads.map((r) => r.afterPosition).sort((a, b) => Number(a) - Number(b))).toEqual([0, 10, 20, 30, 36, 37, 43]);
    expect(signed.checkpoint.treeSize).toBe(43);

    // the same log as one that followed the whole store in memory: roots, inclusion and consistency proofs
    const reference = new StoreAuditor({ context: 'test', events: store, checkpoints: new InMemoryCheckpointStore(), signer, streamKeys: keys });
    await reference.catchUp();
    expect(again.auditor.log.root().equals(reference.log.root())).toBe(true);
    const all = await store.readAll({ afterPosition: 0, maxCount: 100 });
    for (const e of all) {
      const proof = again.auditor.inclusionProof(e, 43);
      expect(proof).toEqual(reference.inclusionProof(e, 43));
      expect(verifyEventInclusion(e.hash, proof!, signed)).toBe(true);
    }
    const check = await again.auditor.checkAgainst(held);
    expect(check.ok).toBe(true);
    expect(check.proof).toEqual(reference.log.consistencyProof(37, 43));
    expect(verifyConsistencyProof(check.proof!, held.checkpoint.rootHash, signed.checkpoint.rootHash)).toBe(true);
    // the key index survived the restart too, streams in the order they joined the log
    expect(await again.auditor.streamsWithKeys(['c:corr-case-b', 'n:case-a'])).toEqual(['case-a', 'case-b']);
    expect(await again.auditor.streamsWithKeys(['c:corr-case-b'])).toEqual(['case-b']);
    expect(await reference.streamsWithKeys(['c:corr-case-b', 'n:case-a'])).toEqual(['case-a', 'case-b']);
    again.close();
  });

  it("reads the store again from the start when it no longer holds the log's last leaf (another store under the same state)", async () => {
    await append('case-a', 15);
    const first = open([]);
    await first.auditor.checkpoint();
    first.close();
    // a different store file in the same place: same positions, other hashes
    await store.close();
    rmSync(join(dir, 'events.sqlite'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    await append('case-z', 20);
    const reads: ReadAllOptions[] = [];
    const again = open(reads);
    expect(await again.auditor.catchUp()).toBe(20);
    expect(again.resumes).toEqual([{ treeSize: 0, resumed: false, reason: expect.stringMatching(/no longer holds the log's last leaf/) }]);
    expect(reads.map((r) => r.afterPosition)).toEqual([14, 0, 10, 20]);
    // the signed checkpoint of the other log is not extended by this one: the fork is refused
    await expect(again.auditor.checkpoint()).rejects.toThrow();
    expect(await again.auditor.streamsWithKeys(['n:case-a'])).toEqual([]);
    again.close();
  });

  it('rebuilds the key index when the keys changed', async () => {
    await append('case-a', 5);
    const first = open([]);
    await first.auditor.catchUp();
    first.close();
    const again = open([], { streamKeys: (e) => [`x:${e.streamId}`], streamKeysVersion: 'v2' });
    await again.auditor.catchUp();
    expect(again.resumes).toEqual([{ treeSize: 0, resumed: false, reason: 'the stream keys changed' }]);
    expect(await again.auditor.streamsWithKeys(['x:case-a'])).toEqual(['case-a']);
    again.close();
  });
});
