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
