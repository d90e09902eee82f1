import type { ReadStore } from '../read-store.port';

/** `store` with its `get`s counted (every other member passes through): for specs of writers that should not read. */
export function countingGets(store: ReadStore): { store: ReadStore; gets: () => number } {
  let gets = 0;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'get') return (...args: Parameters<ReadStore['get']>) => (gets++, target.get(...args));
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, gets: () => gets };
}

/** One upsert `recordUpserts` saw. */
export interface RecordedUpsert {
  collection: string;
  id: string;
  revision: number;
  expectNew: boolean | undefined;
}

/** Records every upsert made through `store` (in place; the writes still happen): for specs of writers that should write less. */
export function recordUpserts(store: ReadStore): RecordedUpsert[] {
  const writes: RecordedUpsert[] = [];
  const upsert = store.upsert.bind(store);
  store.upsert = (collection, doc, options) => {
    writes.push({ collection, id: doc._id, revision: options.revision, expectNew: options.expectNew });
    return upsert(collection, doc, options);
  };
  return writes;
}
