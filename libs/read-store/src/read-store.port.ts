/**
 * The ReadStore port (DESIGN §3, STYLE "Adapters"): named collections of read-model documents
 * `{ _id, _revision, ...fields }`, written by projectors and read by query handlers. Every adapter
 * (mongodb via mongoose, embedded on `node:sqlite` + mingo) passes the one contract suite in
 * `testing/read-store.contract.ts`.
 *
 * Revision guard. `upsert` writes only when the stored `_revision` is lower than the given one (or
 * the document or its `_revision` is absent), so a redelivered or older event is a no-op. A guarded
 * `delete` leaves a hidden tombstone carrying the revision, so an older event arriving after the
 * deletion cannot bring the document back. Tombstones are invisible to `get`, `find`, `count` and
 * `aggregateCounts`.
 *
 * Queries. MongoDB query objects restricted to what MongoDB and FerretDB 1.24 both do, and mingo
 * evaluates the same way (checked by `query/query-validation.ts` in every adapter before anything
 * reaches a backend):
 * - a field path (`status`, dotted into embedded documents: `address.town`) with a scalar value
 *   (equality; on an array field: "the array contains the value"; `null` also matches a missing field),
 * - or an operator object over `$eq $ne $gt $gte $lt $lte $in $nin $exists` (ranges take a number or
 *   a string; several operators on one path are ANDed),
 * - `$and` / `$or` over non-empty arrays of queries.
 * Rejected with `UnsupportedQueryOperatorError` (code `READ_STORE.UNSUPPORTED_OPERATOR`): every other
 * operator (`$regex`, `$elemMatch`, `$expr`, `$where`, `$not`, `$nor`, `$all`, `$size`, `$type`,
 * `$text`, …). Rejected with `InvalidQueryError`: equality against a whole embedded document or
 * array (MongoDB compares them field-order-sensitively; use dotted paths), numeric path segments
 * (array positions), non-scalar operands.
 *
 * Known FerretDB 1.24 gap (it answers differently from MongoDB and mingo, and no validator can see
 * it because it depends on the data): `$ne`, `$nin`, `null` operands, and several range operators
 * combined on ONE path, when that path runs through an ARRAY OF EMBEDDED DOCUMENTS (`items.k`).
 * On such paths use only equality / `$in` with non-null values, `$exists`, or a single range.
 * Everything else is checked by a random differential test (mongodb.differential.int.spec.ts).
 *
 * Order. `find` sorts with MongoDB's order (null/missing < numbers < strings < objects < arrays <
 * booleans; strings by code point, no collation) and always ends the sort with `_id` ascending, so
 * ties and skip/limit paging are deterministic on every adapter. Without `sort`, documents come in
 * `_id` order. Sort on scalar fields (an array field sorts by its smallest element ascending and its
 * largest descending, as in MongoDB).
 *
 * Documents hold JSON values only (string, finite number, boolean, null, plain object, array), keys
 * without `.`, a leading `$` or NUL, no array directly inside an array, no NUL in strings
 * (FerretDB's limits; checked by both adapters, `InvalidReadDocumentError`). `undefined` object
 * properties are dropped, `-0` is stored as `0`. Field names `_revision` (set by the store) and
 * `_tombstone` (internal) are reserved.
 */

/** What every stored read-model document carries. */
export interface ReadDocMeta {
  _id: string;
  /** The revision the document was last written with (see `ProjectionGuard` for its meaning). */
  _revision: number;
}

/** A read-model document as read back. `T` is the view's own fields. */
export type ReadDoc<T extends object = Record<string, unknown>> = T & ReadDocMeta;

/** A document to write: the view's fields and `_id`; a `_revision` property is ignored (the store sets it). */
export type ReadDocInput<T extends object = Record<string, unknown>> = T & { _id: string; _revision?: number };

/** A MongoDB query object in the common subset (see the header). Checked at run time. */
export type ReadQuery = Record<string, unknown>;

export type SortDirection = 1 | -1;

/** Field paths in priority order; `_id: 1` is appended when absent. */
export type ReadSort = Record<string, SortDirection>;

/**
 * Inclusion (`{ title: 1, 'address.town': 1 }`) or exclusion (`{ history: 0 }`), not mixed.
 * `_id` and `_revision` are always returned.
 */
export type ReadProjection = Record<string, 0 | 1>;

export interface FindOptions {
  sort?: ReadSort;
  /** ≥ 1; omit for no limit. */
  limit?: number;
  /** ≥ 0. */
  skip?: number;
  projection?: ReadProjection;
}

export interface UpsertOptions {
  /** A safe integer ≥ 0. The write happens only if the stored revision is lower or absent. */
  revision: number;
  /**
   * The caller expects no document yet (it just read none, or writes a document only once): an
   * adapter may then try a plain insert first (on FerretDB one write instead of a read and a
   * write), going on with the guarded write when the document exists after all. Only a hint: the
   * outcome is the same either way, but a wrong `true` costs a refused insert.
   */
  expectNew?: boolean;
  /**
   * Compare-and-set: write only when the stored document is live at exactly this revision (not
   * absent, not deleted, not written since), instead of whenever the stored revision is lower. For
   * a writer that derived the document from the version it wrote last without reading it again
   * (`withLastWritten`): false says someone else wrote in between, so read and derive again. A safe
   * integer lower than `revision`; `expectNew` is ignored with it.
   */
  expectRevision?: number;
}

export interface DeleteOptions {
  /**
   * Guarded delete: only if the stored revision is lower (or absent); leaves a tombstone with this
   * revision so an older upsert stays a no-op. Without it, the document and any tombstone are
   * removed unconditionally (administration, tests).
   */
  revision?: number;
}

/** An index for the fields a view filters and sorts on (equality fields first, then sort fields). */
export interface IndexSpec {
  keys: Record<string, SortDirection>;
  /** Default: the server's name for the keys. */
  name?: string;
  /**
   * One of the keys holds an array (a unit path, ids of people). MongoDB indexes each element;
   * FerretDB 1.24 indexes the whole array as one PostgreSQL btree row, which PostgreSQL refuses past
   * 2,704 bytes, so a view write with a long array (a collective petition's 70+ petitioners) would
   * fail. On FerretDB such an index is therefore not created (and dropped where an older version
   * made it); FerretDB serves no read from it anyway (its equality is a jsonb `@>`, which a btree
   * cannot answer).
   */
  multikey?: boolean;
}

/** One group of `aggregateCounts`: the value of the grouped field (`null` when missing) and how many documents have it. */
export interface CountByKey {
  key: unknown;
  count: number;
}

export interface ReadStore {
  /**
   * Writes `doc` (replacing the whole stored document) with `_revision = revision`, only when the
   * stored revision is lower or absent. Returns whether it wrote. Safe for concurrent writers of
   * the same id: the highest revision ends up stored.
   */
  upsert<T extends object>(collection: string, doc: ReadDocInput<T>, options: UpsertOptions): Promise<boolean>;

  get<T extends object = Record<string, unknown>>(collection: string, id: string): Promise<ReadDoc<T> | null>;

  find<T extends object = Record<string, unknown>>(collection: string, query: ReadQuery, options?: FindOptions): Promise<ReadDoc<T>[]>;

  count(collection: string, query: ReadQuery): Promise<number>;

  /** Guarded (with `revision`) → whether the tombstone was written; unguarded → whether a live document was removed. */
  delete(collection: string, id: string, options?: DeleteOptions): Promise<boolean>;

  /** Removes every document and tombstone of the collection (projection rebuilds); keeps its indexes. */
  deleteAll(collection: string): Promise<void>;

  /**
   * Counts the documents matching `query` per value of `groupByField` (a path; `null` for documents
   * without it), with `$match` + `$group` + `$sum` only. Sorted by key in MongoDB order.
   */
  aggregateCounts(collection: string, query: ReadQuery, groupByField: string): Promise<CountByKey[]>;

  /** Idempotent. */
  ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void>;

  close(): Promise<void>;
}

/** Reserved field of a tombstone left by a guarded delete (never visible through the port). */
export const TOMBSTONE_FIELD = '_tombstone';
export const REVISION_FIELD = '_revision';
