/**
 * ReadStore on MongoDB (distributed mode, DESIGN §3) through mongoose's connection and the
 * connection's native driver collections (schemaless: views are plain documents). Works on MongoDB
 * ≥ 6 and FerretDB 1.24: only find/sort/skip/limit/projection, countDocuments, replaceOne with
 * upsert, deleteOne/deleteMany, findOneAndDelete (without projection: FerretDB 1.24 lacks it) and
 * an aggregate of `$match` + `$group` + `$sum`.
 *
 * Revision guard. One write per attempt:
 *   replaceOne({ _id, $or: [{ _revision: { $lt: r } }, { _revision: { $exists: false } }] }, doc, { upsert: true })
 * - stored revision lower (or no `_revision`): the filter matches, the document is replaced;
 * - no document: the filter matches nothing, the upsert inserts it;
 * - stored revision ≥ r: the filter matches nothing, the upsert tries to INSERT a second document
 *   with the same `_id` and the server refuses with a duplicate-key error (11000). That error is the
 *   "no-op" answer — but it is also what a writer gets when a concurrent writer inserted the
 *   document first between our filter and our insert, possibly with a LOWER revision. So on 11000
 *   the adapter reads the stored revision: ≥ r → no-op (false); lower or gone → try again (the
 *   filter now matches). Bounded attempts, then `ReadStoreContentionError` (transient).
 * A write the caller expects to be the document's first (`expectNew`: it just read none, or the
 * document is written once) is tried as a plain insert first: one write instead of the replace
 * (which FerretDB answers with a read and a write); a duplicate key sends it down the path above.
 * Only on that hint: a refused insert costs FerretDB two failed transactions (it retries a failed
 * batch one document at a time), so guessing from the revision (a stream-guarded view's second
 * write has revision 1) costs more than it saves.
 * On MongoDB the filtered replace is atomic per document, so this is safe across processes.
 * FerretDB 1.x evaluates the filter and then updates by `_id` in a separate step (its SQLite
 * handler: query, then `UPDATE … WHERE _id = ?`), so two writers updating the SAME EXISTING
 * document at the same moment can both pass the filter. The adapter therefore also runs the writes
 * of one id one at a time within the process (a keyed lock); across processes on FerretDB the guard
 * relies on the bus giving one consumer per key at a time (Kafka partitions by case id).
 *
 * Tombstones (guarded delete) are `{ _id, _revision, _tombstone: true }`, written with the same
 * guarded replace; every read adds `_tombstone: { $exists: false }` to the filter.
 */
import mongoose from 'mongoose';
import { compareValues } from '../../query/bson-order';
import {
  assertCollectionName,
  assertGroupByField,
  assertId,
  assertExpectedRevision,
  assertRevision,
  indexConflict,
  indexNameOf,
  normaliseDocument,
  normaliseFindOptions,
  validateIndexSpecs,
  validateQuery,
  type NormalisedProjection,
} from '../../query/query-validation';
import { KeyedLock } from '../../internal/keyed-lock';
import { datesToInstants, instantsToDates } from './bson-dates';
import { ReadStoreContentionError } from '../../errors';
import {
  TOMBSTONE_FIELD,
  type CountByKey,
  type DeleteOptions,
  type FindOptions,
  type IndexSpec,
  type ReadDoc,
  type ReadDocInput,
  type ReadQuery,
  type ReadStore,
  type UpsertOptions,
} from '../../read-store.port';

export interface MongoReadStoreOptions {
  /** A MongoDB connection string (MongoDB or FerretDB). */
  url: string;
  dbName: string;
  /** Default 10 000. */
  serverSelectionTimeoutMS?: number;
  /** Guarded-write attempts before `ReadStoreContentionError`. Default 10. */
  maxWriteAttempts?: number;
  /** More driver options (heartbeat, timeouts) for the connection `connect` opens. */
  clientOptions?: mongoose.ConnectOptions;
}

interface StoredDoc {
  _id: string;
  _revision?: number;
  _tombstone?: true;
  [field: string]: unknown;
}

type NativeCollection = mongoose.mongo.Collection<StoredDoc>;
type Filter = mongoose.mongo.Filter<StoredDoc>;

const LIVE = { [TOMBSTONE_FIELD]: { $exists: false } } as const;

export class MongoReadStore implements ReadStore {
  private readonly lock = new KeyedLock();
  private closed = false;

  private constructor(
    private readonly conn: mongoose.Connection,
    private readonly ownsConnection: boolean,
    private readonly maxWriteAttempts: number,
  ) {}

  /** Opens its own connection (closed by `close()`). */
  static async connect(options: MongoReadStoreOptions): Promise<MongoReadStore> {
    const conn = await mongoose
      .createConnection(options.url, {
        ...options.clientOptions,
        dbName: options.dbName,
        serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? options.clientOptions?.serverSelectionTimeoutMS ?? 10_000,
      })
      .asPromise();
    return new MongoReadStore(conn, true, options.maxWriteAttempts ?? 10);
  }

  /** The driver's client under the connection (to watch its monitoring events). */
  get mongoClient(): ReturnType<mongoose.Connection['getClient']> {
    return this.conn.getClient();
  }

  /** Uses an open connection owned by the caller (`close()` leaves it open). */
  static fromConnection(conn: mongoose.Connection, options: { maxWriteAttempts?: number } = {}): MongoReadStore {
    return new MongoReadStore(conn, false, options.maxWriteAttempts ?? 10);
  }

  async upsert<T extends object>(collection: string, doc: ReadDocInput<T>, options: UpsertOptions): Promise<boolean> {
    assertCollectionName(collection);
    assertRevision(options?.revision);
    const expected = options.expectRevision;
    assertExpectedRevision(expected, options.revision);
    const { id, doc: fields } = normaliseDocument(doc);
    const stored = { ...instantsToDates(fields), _id: id, _revision: options.revision } as StoredDoc;
    if (expected !== undefined) return this.swap(collection, id, expected, stored);
    return this.guardedWrite(collection, id, options.revision, stored, options.expectNew === true);
  }

  /** `expectRevision`: replaces the live document at exactly that revision (`_id` and `_revision` equalities, both pushed down by FerretDB). */
  private swap(collection: string, id: string, expected: number, doc: StoredDoc): Promise<boolean> {
    return this.lock.run(lockKey(collection, id), async () => {
      const result = await this.coll(collection).replaceOne({ _id: id, _revision: expected, ...LIVE } as Filter, doc);
      return result.matchedCount === 1;
    });
  }

  async get<T extends object = Record<string, unknown>>(collection: string, id: string): Promise<ReadDoc<T> | null> {
    assertCollectionName(collection);
    assertId(id);
    // an `_id` equality alone (indexed everywhere, pushed down by FerretDB); the tombstone is checked here
    const doc = await this.coll(collection).findOne({ _id: id } as Filter);
    return doc === null || doc[TOMBSTONE_FIELD] !== undefined ? null : (datesToInstants(doc) as ReadDoc<T>);
  }

  async find<T extends object = Record<string, unknown>>(collection: string, query: ReadQuery, options?: FindOptions): Promise<ReadDoc<T>[]> {
    assertCollectionName(collection);
    validateQuery(query);
    const o = normaliseFindOptions(options);
    const cursor = this.coll(collection).find(live(query), {
      sort: o.sort,
      skip: o.skip,
      ...(o.limit === undefined ? {} : { limit: o.limit }),
      ...(o.projection ? { projection: mongoProjection(o.projection) } : {}),
    });
    return datesToInstants(await cursor.toArray()) as ReadDoc<T>[];
  }

  async count(collection: string, query: ReadQuery): Promise<number> {
    assertCollectionName(collection);
    validateQuery(query);
    return this.coll(collection).countDocuments(live(query));
  }

  async delete(collection: string, id: string, options?: DeleteOptions): Promise<boolean> {
    assertCollectionName(collection);
    assertId(id);
    if (options?.revision !== undefined) {
      assertRevision(options.revision);
      return this.guardedWrite(collection, id, options.revision, { _id: id, _revision: options.revision, [TOMBSTONE_FIELD]: true }, false);
    }
    return this.lock.run(lockKey(collection, id), async () => {
      const removed = await this.coll(collection).findOneAndDelete({ _id: id });
      return removed !== null && removed[TOMBSTONE_FIELD] !== true;
    });
  }

  async deleteAll(collection: string): Promise<void> {
    assertCollectionName(collection);
    await this.coll(collection).deleteMany({});
  }

  async aggregateCounts(collection: string, query: ReadQuery, groupByField: string): Promise<CountByKey[]> {
    assertCollectionName(collection);
    validateQuery(query);
    assertGroupByField(groupByField);
    const rows = await this.coll(collection)
      .aggregate<{ _id: unknown; count: number }>([{ $match: live(query) }, { $group: { _id: `$${groupByField}`, count: { $sum: 1 } } }])
      .toArray();
    return datesToInstants(rows)
      .map((r) => ({ key: r._id === undefined ? null : r._id, count: r.count }))
      .sort((a, b) => compareValues(a.key, b.key));
  }

  async ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    assertCollectionName(collection);
    validateIndexSpecs(specs);
    const c = this.coll(collection);
    for (const spec of specs) {
      if (spec.multikey && (await this.isFerretDb())) {
        // see IndexSpec.multikey: an array index would refuse long arrays there and serve no read
        await c.dropIndex(indexNameOf(spec)).catch((e: unknown) => {
          if (codeOf(e) !== 27 && !/index not found|ns not found|does not exist/i.test(messageOf(e))) throw e; // 27 IndexNotFound
        });
        continue;
      }
      try {
        await c.createIndex(spec.keys, { name: indexNameOf(spec) });
      } catch (e) {
        // 85 IndexOptionsConflict (same keys, other name), 86 IndexKeySpecsConflict (same name, other keys)
        if (codeOf(e) === 85 || codeOf(e) === 86) throw indexConflict(collection, spec, messageOf(e));
        throw e;
      }
    }
  }

  private ferretDb: Promise<boolean> | undefined;

  /** Whether the server is FerretDB (it names its version in `buildInfo`), asked once. */
  private isFerretDb(): Promise<boolean> {
    this.ferretDb ??= (async () => {
      const db = this.conn.db;
      if (!db) throw new Error('MongoReadStore: the mongoose connection is not open');
      const info = await db.command({ buildInfo: 1 });
      return typeof info['ferretdbVersion'] === 'string';
    })().catch((e: unknown) => {
      this.ferretDb = undefined;
      throw e;
    });
    return this.ferretDb;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsConnection) await this.conn.close();
  }

  private guardedWrite(collection: string, id: string, revision: number, doc: StoredDoc, expectNew: boolean): Promise<boolean> {
    return this.lock.run(lockKey(collection, id), async () => {
      const c = this.coll(collection);
      // Expected to be the document's first write: a plain insert (one write; FerretDB's filtered
      // replace reads before it writes). Refused with a duplicate key when the document exists (a
      // tombstone too), and then decided by the guarded replace below like any other write.
      if (expectNew) {
        try {
          await c.insertOne(doc);
          return true;
        } catch (e) {
          if (codeOf(e) !== 11000) throw e;
        }
      }
      const filter: Filter = { _id: id, $or: [{ _revision: { $lt: revision } }, { _revision: { $exists: false } }] };
      for (let attempt = 1; attempt <= this.maxWriteAttempts; attempt++) {
        try {
          await c.replaceOne(filter, doc, { upsert: true });
          return true;
        } catch (e) {
          if (codeOf(e) !== 11000) throw e;
        }
        // Duplicate key: the document exists. Stored revision ≥ ours → no-op; otherwise a concurrent
        // writer inserted a lower revision (or deleted it) between our filter and our insert: retry.
        const current = await c.findOne({ _id: id }, { projection: { _revision: 1 } });
        if (current !== null && typeof current._revision === 'number' && current._revision >= revision) return false;
      }
      throw new ReadStoreContentionError(collection, id, this.maxWriteAttempts);
    });
  }

  private coll(name: string): NativeCollection {
    if (this.closed) throw new Error('MongoReadStore is closed');
    const db = this.conn.db;
    if (!db) throw new Error('MongoReadStore: the mongoose connection is not open');
    return db.collection<StoredDoc>(name);
  }
}

function live(query: ReadQuery): Filter {
  // `_tombstone` cannot appear in a validated query, so adding it at the top level is an AND.
  // Instants are stored as Dates (bson-dates.ts): an instant operand must be a Date to match them.
  const { _id, ...rest } = query;
  return { ...instantsToDates(rest), ...(_id === undefined ? {} : { _id }), ...LIVE } as Filter;
}

function mongoProjection(p: NormalisedProjection): Record<string, 0 | 1> {
  if (p.mode === 'include') return Object.fromEntries([...p.paths.map((path) => [path, 1] as const), ['_revision', 1] as const]);
  return Object.fromEntries(p.paths.map((path) => [path, 0] as const));
}

function lockKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

function codeOf(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
