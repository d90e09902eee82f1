import { FixedClock } from '@fengqiao/kernel';
import { CheckpointSigner, exportKeySet, verifyCheckpoint } from './checkpoint';
import { InMemoryCheckpointStore } from './checkpoint.store';
import { MerkleCheckpointer } from './merkle-checkpointer';
import { MerkleLog } from './merkle-log';
import { MerkleLogForkError } from './merkle.errors';

describe('MerkleCheckpointer', () => {
  const origin = 'fengqiao/test/event-store';
  const signer = CheckpointSigner.generate();

  it('signs and stores the current head, and a later head that extends it', async () => {
    const log = new MerkleLog();
    const store = new InMemoryCheckpointStore();
    const clock = new FixedClock('2025-03-01T08:00:00.000Z');
    const checkpointer = new MerkleCheckpointer({ log, signer, store, origin, clock });
    for (let i = 0; i < 5; i++) log.append(Buffer.from([i]));
    const first = await checkpointer.checkpoint();
    expect(first.checkpoint).toMatchObject({ treeSize: 5, timestamp: '2025-03-01T08:00:00.000Z', origin, keyId: signer.keyId });
    expect(verifyCheckpoint(first, { keySet: exportKeySet([signer.publicKey]) }).ok).toBe(true);

    clock.advance(60_000);
    // nothing appended: the stored checkpoint is returned, not a new one
    expect(await checkpointer.checkpoint()).toEqual(first);

    for (let i = 5; i < 9; i++) log.append(Buffer.from([i]));
    const second = await checkpointer.checkpoint();
    expect(second.checkpoint).toMatchObject({ treeSize: 9, timestamp: '2025-03-01T08:01:00.000Z' });
    expect((await store.list()).map((c) => c.checkpoint.treeSize)).toEqual([5, 9]);
  });

  it('refuses to sign a head that does not extend the last checkpoint', async () => {
    const store = new InMemoryCheckpointStore();
    const honest = new MerkleLog();
    for (let i = 0; i < 6; i++) honest.append(Buffer.from([i]));
    await new MerkleCheckpointer({ log: honest, signer, store, origin }).checkpoint();

    const rewritten = new MerkleLog();
    for (let i = 0; i < 8; i++) rewritten.append(Buffer.from([i === 2 ? 99 : i]));
    await expect(new MerkleCheckpointer({ log: rewritten, signer, store, origin }).checkpoint()).rejects.toBeInstanceOf(MerkleLogForkError);

    const shorter = new MerkleLog();
    for (let i = 0; i < 4; i++) shorter.append(Buffer.from([i]));
    await expect(new MerkleCheckpointer({ log: shorter, signer, store, origin }).checkpoint()).rejects.toMatchObject({
      code: 'MERKLE.LOG_FORKED',
    });
    expect((await store.list()).map((c) => c.checkpoint.treeSize)).toEqual([6]);
  });
});
