/**
 * The RelayCheckpointStore contract: every implementation (in-memory, sqlite, mongodb) runs it.
 * The factory is called once per test; relay names are unique per test.
 */
import { uniqueName } from '@fengqiao/testing';
import type { RelayCheckpointStore } from '../relay/relay-checkpoint.store';

export function relayCheckpointStoreContract(name: string, factory: () => Promise<RelayCheckpointStore> | RelayCheckpointStore): void {
  describe(`RelayCheckpointStore contract: ${name}`, () => {
    it('has no checkpoint before the first save, then returns the saved one', async () => {
      const store = await factory();
      const relay = uniqueName('intake.relay');
      expect(await store.get(relay)).toBeUndefined();
      await store.set(relay, 0);
      expect(await store.get(relay)).toBe(0);
      await store.set(relay, 41);
      expect(await store.get(relay)).toBe(41);
      await store.set(relay, 2 ** 53 - 1);
      expect(await store.get(relay)).toBe(2 ** 53 - 1);
    });

    it('never moves a checkpoint backwards', async () => {
      const store = await factory();
      const relay = uniqueName('intake.relay');
      await store.set(relay, 100);
      await store.set(relay, 7);
      expect(await store.get(relay)).toBe(100);
    });

    it('keeps the greatest of racing first saves', async () => {
      const store = await factory();
      const relay = uniqueName('intake.relay');
      await Promise.all([store.set(relay, 5), store.set(relay, 9), store.set(relay, 7)]);
      expect(await store.get(relay)).toBe(9);
    });

    it('keeps one checkpoint per relay name', async () => {
      const store = await factory();
      const a = uniqueName('intake.relay');
      const b = uniqueName('mediation.relay');
      await store.set(a, 3);
      await store.set(b, 8);
      expect(await store.get(a)).toBe(3);
      expect(await store.get(b)).toBe(8);
    });

    it('refuses positions that are not safe non-negative integers, and empty names', async () => {
      const store = await factory();
      const relay = uniqueName('intake.relay');
      await expect(store.set(relay, -1)).rejects.toThrow(/position/);
      await expect(store.set(relay, 1.5)).rejects.toThrow(/position/);
      await expect(store.set(relay, 2 ** 53)).rejects.toThrow(/position/);
      await expect(store.set('', 1)).rejects.toThrow(/name/);
      expect(await store.get(relay)).toBeUndefined();
    });
  });
}
