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
});
