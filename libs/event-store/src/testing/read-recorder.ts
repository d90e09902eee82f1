/**
 * An event store seen through a recorder of its `readAll` calls, for tests that count reads instead
 * of timing them (how much of the store a follower, a re-check or a resume reads):
 *
 *   const reads: Array<{ options: ReadAllOptions; positions: number[] }> = [];
 *   const seen = recordReadAll(store, (options, page) => reads.push({ options, positions: page.map((e) => e.globalPosition) }));
 *
 * Every other member is the store's own (methods bound to it).
 */
import type { EventStore, ReadAllOptions, StoredEvent } from '../event-store.port';

export function recordReadAll<S extends EventStore>(store: S, onRead: (options: ReadAllOptions, page: StoredEvent[]) => void): S {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'readAll')
        return async (options: ReadAllOptions) => {
          const page = await target.readAll(options);
          onRead(options, page);
          return page;
        };
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
