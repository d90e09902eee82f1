/**
 * The documents this process last wrote, so that a writer deriving a document's next version from
 * its current one need not read it back first (issue 15: on FerretDB a projected event cost a read,
 * then the guarded replace's own read and its write; the read was a sixth of a distributed case's
 * statements).
 *
 * Never trusted blindly. A remembered version only ever leads to a compare-and-set write
 * (`UpsertOptions.expectRevision`), which succeeds only when the store still holds exactly that
 * version. Anything else (another replica or an administrator wrote or deleted the document, a
 * rebuild emptied the collection, the remembered version says the event is stale, the derivation
 * threw) makes the writer run again on the document read from the store, exactly as it did
 * without this. Correctness therefore never depends on invalidating an entry; the entries are
 * only a guess that is usually right.
 *
 * One bounded LRU (`LAST_WRITTEN_MAX` documents) per store object. Callers hold the document's
 * in-process lock (`withDocumentLock`) around `withLastWritten`, so one document has one writer of
 * this process at a time; an entry is taken out while its writer works and put back (as a fresh
 * copy of what was written, in the form the store reads it back) only after the write succeeded.
 */
import { perStore } from '../internal/per-store';
import { normaliseDocument } from '../query/query-validation';
import type { ReadDoc, ReadDocInput, ReadStore, UpsertOptions } from '../read-store.port';

/** How many documents each store remembers (about 1–2 KB each for the views of a case). */
export const LAST_WRITTEN_MAX = 4096;

/** What a step returns when the remembered version did not settle it: run it again on the stored document. */
export const READ_AGAIN: unique symbol = Symbol('read again');

class LastWritten {
  private readonly docs = new Map<string, ReadDoc<object>>();

  take(key: string): ReadDoc<object> | undefined {
    const doc = this.docs.get(key);
    if (doc !== undefined) this.docs.delete(key);
    return doc;
  }

  put(key: string, doc: ReadDoc<object>): void {
    this.docs.delete(key);
    this.docs.set(key, doc);
    if (this.docs.size > LAST_WRITTEN_MAX) this.docs.delete(this.docs.keys().next().value as string);
  }

  get size(): number {
    return this.docs.size;
  }
}

const lastWrittenOf = perStore(() => new LastWritten());

const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;

/** How many documents `store` remembers (tests, diagnostics). */
export function lastWrittenCount(store: ReadStore): number {
  return lastWrittenOf(store).size;
}

/**
 * A writer's view of the document it is about to replace. `remembered`: the version this process
 * last wrote, not read from the store; its write must then go through `write` (which adds the
 * compare-and-set), and a step that cannot decide on it returns `READ_AGAIN`.
 */
export interface CurrentDocument<T extends object> {
  current: ReadDoc<T> | null;
  remembered: boolean;
  /** Writes the next version (guarded by `options.revision`; a compare-and-set when remembered) and remembers it when written. */
  write(doc: ReadDocInput<T>, options: UpsertOptions): Promise<boolean>;
}

/**
 * Runs `step` on the version of the document this process last wrote (no read), and, when there is
 * none or the step returns `READ_AGAIN` or throws on it, on the document read from the store. The
 * step's answer on the stored document is final (`READ_AGAIN` is not allowed there). Call it
 * holding the document's lock (`withDocumentLock`).
 */
export async function withLastWritten<T extends object, R>(
  store: ReadStore,
  collection: string,
  id: string,
  step: (doc: CurrentDocument<T>) => Promise<R | typeof READ_AGAIN>,
): Promise<R> {
  const docs = lastWrittenOf(store);
  const key = keyOf(collection, id);
  const write = (expectRevision: number | undefined) => async (doc: ReadDocInput<T>, options: UpsertOptions) => {
    const wrote = await store.upsert(collection, doc, expectRevision === undefined ? options : { ...options, expectRevision });
    if (wrote) docs.put(key, { ...normaliseDocument(doc).doc, _revision: options.revision });
    return wrote;
  };
  const remembered = docs.take(key) as ReadDoc<T> | undefined;
  if (remembered !== undefined) {
    try {
      const outcome = await step({ current: remembered, remembered: true, write: write(remembered._revision) });
      if (outcome !== READ_AGAIN) return outcome;
    } catch {
      // decided again on the stored document below: it throws again there if the error was real
    }
  }
  const current = await store.get<T>(collection, id);
  const outcome = await step({ current, remembered: false, write: write(undefined) });
  if (outcome === READ_AGAIN) throw new Error(`withLastWritten(${collection}, ${id}): READ_AGAIN answered for the stored document`);
  return outcome;
}
