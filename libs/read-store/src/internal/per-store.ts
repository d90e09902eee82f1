import type { ReadStore } from '../read-store.port';

/** One `T` per store object, made on first use (a WeakMap: a store dropped takes its `T` along). */
export function perStore<T>(create: () => T): (store: ReadStore) => T {
  const values = new WeakMap<ReadStore, T>();
  return (store) => {
    let value = values.get(store);
    if (value === undefined) {
      value = create();
      values.set(store, value);
    }
    return value;
  };
}
