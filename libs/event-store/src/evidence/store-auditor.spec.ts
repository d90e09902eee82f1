import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { contractEvent } from '../testing';
import { CheckpointSigner, InMemoryCheckpointStore } from '../merkle';
import { StoreAuditor } from './store-auditor';

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
