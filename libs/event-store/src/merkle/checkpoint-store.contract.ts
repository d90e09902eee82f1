/**
 * The contract every CheckpointStore passes (memory, sqlite, mongodb). Used by the specs only;
 * not exported from the package index.
 */
import { CheckpointSigner, SignedCheckpoint } from './checkpoint';
import { CheckpointStore } from './checkpoint.store';
import { MerkleLog } from './merkle-log';
import { CheckpointConflictError } from './merkle.errors';

export function checkpointStoreContract(name: string, open: () => Promise<{ store: CheckpointStore; close(): Promise<void> }>): void {
  describe(`CheckpointStore contract: ${name}`, () => {
    const signer = CheckpointSigner.generate();
    const origin = 'fengqiao/contract/event-store';
    const log = new MerkleLog();
    for (let i = 0; i < 40; i++) log.append(Buffer.from([i, i + 1, i + 2]));
    const at = (size: number, timestamp = '2025-03-01T08:00:00.000Z'): SignedCheckpoint => signer.sign({ origin, ...log.head(size), timestamp });

    let store: CheckpointStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    it('is empty at first', async () => {
      expect(await store.latest()).toBeUndefined();
      expect(await store.get(3)).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('reads back exactly what was saved, latest by tree size, list in ascending order', async () => {
      for (const size of [5, 0, 17, 9, 33]) await store.save(at(size));
      expect(await store.latest()).toEqual(at(33));
      expect(await store.get(9)).toEqual(at(9));
      expect(await store.get(10)).toBeUndefined();
      expect((await store.list()).map((c) => c.checkpoint.treeSize)).toEqual([0, 5, 9, 17, 33]);
      expect((await store.list({ afterSize: 5, limit: 2 })).map((c) => c.checkpoint.treeSize)).toEqual([9, 17]);
      expect((await store.list({ afterSize: 0 })).map((c) => c.checkpoint.treeSize)).toEqual([5, 9, 17, 33]);
    });

    it('keeps the first checkpoint of a tree size when the same head is saved again', async () => {
      await store.save(at(12, '2025-03-01T08:00:00.000Z'));
      await store.save(at(12, '2025-03-02T08:00:00.000Z'));
      expect(await store.get(12)).toEqual(at(12, '2025-03-01T08:00:00.000Z'));
      expect(await store.list()).toHaveLength(1);
    });

    it('refuses a different root for a tree size it already holds (a fork)', async () => {
      await store.save(at(12));
      const other = new MerkleLog();
      for (let i = 0; i < 12; i++) other.append(Buffer.from([i, 0xee]));
      const fork = signer.sign({ origin, ...other.head(), timestamp: '2025-03-01T09:00:00.000Z' });
      await expect(store.save(fork)).rejects.toBeInstanceOf(CheckpointConflictError);
      await expect(store.save(fork)).rejects.toMatchObject({ code: 'MERKLE.CHECKPOINT_CONFLICT' });
      expect(await store.get(12)).toEqual(at(12));
    });
  });
}
