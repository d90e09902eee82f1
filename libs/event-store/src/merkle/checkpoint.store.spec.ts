import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryCheckpointStore } from './checkpoint.store';
import { checkpointStoreContract } from './checkpoint-store.contract';
import { SqliteCheckpointStore } from './sqlite-checkpoint.store';

checkpointStoreContract('in-memory', async () => ({ store: new InMemoryCheckpointStore(), close: async () => undefined }));

checkpointStoreContract('sqlite (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-checkpoints-'));
  const store = new SqliteCheckpointStore({ database: join(dir, 'checkpoints.db') });
  return {
    store,
    close: async () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteCheckpointStore', () => {
  it('keeps checkpoints across reopening the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-checkpoints-'));
    try {
      const file = join(dir, 'checkpoints.db');
      const first = new SqliteCheckpointStore({ database: file });
      const signed = {
        checkpoint: { origin: 'o', treeSize: 3, rootHash: 'ab'.repeat(32), timestamp: '2025-03-01T08:00:00.000Z', keyId: 'k' },
        signature: 'sig',
      };
      await first.save(signed);
      first.close();
      const second = new SqliteCheckpointStore({ database: file });
      expect(await second.latest()).toEqual(signed);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
