/**
 * The MongoDB event store's collections on start: the indexes (and which guarantee the `eventIds`
 * index gives on which server), the migration from layout 1, and the two writes both share with the
 * append path — the hints (stream head, position, layout) and the id documents of a stored commit.
 * See mongodb-event-store.ts for the layout.
 */
import { MongoBulkWriteError, MongoServerError, type Collection, type Db, type Filter, type UpdateFilter, type WriteConcernSettings } from 'mongodb';
import { newId } from '@fengqiao/kernel';
import { DUPLICATE_KEY, MAX_INSERT_DOCS, lastHashOf, pageOf, type CommitDoc, type HeadDoc, type MetaDoc } from './mongodb-commit-doc';
import { claimStreamOf, type IdDoc } from './mongodb-id-claims';

/** The store's collections (base name `events`: `events`, `events_streams`, `events_ids`, `events_meta`). */
export interface MongoCollections {
  db: Db;
  commits: Collection<CommitDoc>;
  streams: Collection<HeadDoc>;
  /** Where the claims and id documents are: the commits collection itself or `<name>_ids` (set by `migrate`). */
  ids: Collection<IdDoc>;
  /** `<name>_ids`: the claims' collection of layout 2, and where they stay on MongoDB. */
  idsApart: Collection<IdDoc>;
  meta: Collection<MetaDoc>;
  writeConcern: WriteConcernSettings;
}

export const INDEX = {
  streamRevision: 'stream_revision',
  lastPosition: 'last_position',
  eventIds: 'event_ids',
  page: 'page',
} as const;

/** 3: the claims beside the commits where the server allows it (`claimsBeside` in the layout document). */
export const LAYOUT_VERSION = 3;
const INDEX_NOT_FOUND = 27;

/** Creates the indexes (idempotent); returns whether event ids are enforced unique by an index. `ferretDb`: `isFerretDb(c.db)`. */
export async function ensureIndexes(c: MongoCollections, ferretDb: boolean): Promise<boolean> {
  await c.commits.createIndex({ streamId: 1, firstRevision: 1 }, { name: INDEX.streamRevision, unique: true });
  await c.commits.createIndex({ lastPosition: 1 }, { name: INDEX.lastPosition, unique: true });
  await c.commits.createIndex({ page: 1 }, { name: INDEX.page });
  return ensureEventIdsIndex(c, ferretDb);
}

/**
 * The unique multikey index on `eventIds`, only where the server keeps one entry per array
 * element (MongoDB). FerretDB 1.24 indexes the whole array as one entry: the index is not unique
 * per id, and on PostgreSQL a commit of about 70 events or more exceeds the 2,704-byte limit of a
 * btree row and is refused. So on FerretDB there is no such index (one left by an earlier version
 * is dropped) and per-id uniqueness rests on the claims alone. Returns whether the index holds.
 */
async function ensureEventIdsIndex(c: MongoCollections, ferretDb: boolean): Promise<boolean> {
  const existing = (await c.commits.listIndexes().toArray()).find((i) => i.name === INDEX.eventIds);
  if (ferretDb) {
    if (existing) await dropEventIdsIndex(c);
    return false;
  }
  if (existing?.unique === true) return true;
  if (existing) await dropEventIdsIndex(c); // a plain one: no query uses it, make it the unique one
  try {
    await c.commits.createIndex({ eventIds: 1 }, { name: INDEX.eventIds, unique: true });
  } catch (e) {
    if (!(e instanceof MongoServerError)) throw e;
    return false; // e.g. an event id stored twice by hand: the claims still refuse new duplicates
  }
  return probeUniqueMultikey(c);
}

/** Whether the server is FerretDB (its `buildInfo` names its version). */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

async function dropEventIdsIndex(c: MongoCollections): Promise<void> {
  try {
    await c.commits.dropIndex(INDEX.eventIds);
  } catch (e) {
    // another process starting at the same time dropped it first
    if (!(e instanceof MongoServerError) || (e.code !== INDEX_NOT_FOUND && !/index not found/i.test(e.message))) throw e;
  }
}

/**
 * Whether the unique index really holds per array element (a server other than MongoDB and
 * FerretDB may accept the index and compare whole arrays). Probes once with two commits at
 * negative positions (never read: positions start at 1; random, so that two processes starting at
 * once do not collide on `_id`) that share one id: the second must be refused. Then removes them,
 * and the index when it does not hold.
 */
async function probeUniqueMultikey(c: MongoCollections): Promise<boolean> {
  const base = -2 * (1 + Math.floor(Math.random() * 1_000_000_000));
  const shared = `probe-${newId()}`;
  const probe = (id: number, eventIds: string[]): CommitDoc => ({
    _id: id,
    lastPosition: id,
    streamId: 'fengqiao:unique-multikey-probe',
    firstRevision: id,
    lastRevision: id,
    eventIds,
    events: [],
  });
  let enforced = false;
  try {
    await c.commits.insertOne(probe(base, [`probe-${newId()}`, shared]));
    await c.commits.insertOne(probe(base - 1, [shared, `probe-${newId()}`]));
  } catch (e) {
    if (!(e instanceof MongoServerError)) throw e;
    enforced = e.code === DUPLICATE_KEY;
  } finally {
    await c.commits.deleteOne({ _id: base });
    await c.commits.deleteOne({ _id: base - 1 });
  }
  if (!enforced) await dropEventIdsIndex(c);
  return enforced;
}

/**
 * Brings the store to layout 3 on start, once, and points `c.ids` at the claims' collection.
 * - Layout 1 → 2 (a scan, off the hot path): `page` on every commit, the stream heads, the id
 *   documents and the position hint.
 * - Layout 2 → 3: whether the claims go beside the commits is decided once, by asking the server
 *   (`claimsFitBeside`), and recorded; if they do, the id documents and claims of `<name>_ids` are
 *   copied beside the commits (`streamId` becomes `claimStream`). `<name>_ids` is left as it was.
 * Idempotent: two processes starting at once both write the same documents (inserts of existing ids
 * are refused and ignored). Stop the processes of an older version first.
 */
export async function migrate(c: MongoCollections, report: MigrationReport = () => undefined, every = MIGRATION_REPORT_EVERY): Promise<void> {
  const layout = await c.meta.findOne({ _id: 'layout' });
  const placeClaims = (beside: boolean) => (c.ids = beside ? (c.commits as unknown as Collection<IdDoc>) : c.idsApart);
  if (layout?.version === LAYOUT_VERSION) {
    placeClaims(layout.claimsBeside === true);
    return;
  }
  const startedAt = Date.now();
  const say = (message: string) => report(`event store "${c.commits.collectionName}": ${message}`);
  const claimsBeside = await claimsFitBeside(c);
  placeClaims(claimsBeside);
  const from = layout?.version ?? 1;
  const commits = await c.commits.estimatedDocumentCount();
  // an empty store (a new one, or a layout-2 store on MongoDB) has nothing to move: no report
  const moves = commits > 0 && (from !== 2 || claimsBeside);
  if (moves)
    say(
      `layout ${from} → ${LAYOUT_VERSION}, ${commits.toLocaleString('en')} commit${commits === 1 ? '' : 's'} (claims ${claimsBeside ? 'beside the commits' : `in ${c.idsApart.collectionName}`}); stop older versions of the service first`,
    );
  if (from !== 2) await migrateLayout1(c, every, (done) => say(`layout 1 → 2: ${done.toLocaleString('en')} of ~${commits.toLocaleString('en')} commits`));
  if (claimsBeside)
    await moveIdDocsBeside(c, every, (done, total) => say(`claims beside the commits: ${done.toLocaleString('en')} of ~${total.toLocaleString('en')} copied`));
  await writeHint(c, c.meta, 'layout', { version: LAYOUT_VERSION, claimsBeside });
  if (moves) say(`layout ${LAYOUT_VERSION} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

/** Where a migration says what it does and how far it got (every `MIGRATION_REPORT_EVERY` documents by default). */
export type MigrationReport = (message: string) => void;
export const MIGRATION_REPORT_EVERY = 10_000;

/**
 * Whether claims can live beside the commits and go out with them in one ordered insert. Two things
 * must hold, and both are asked of the server with probe documents (string `_id`s, never read:
 * commits have numeric ones), removed again:
 * - the commits' unique indexes let any number of documents lack their fields (FerretDB: a missing
 *   field is a NULL, and NULLs never collide; MongoDB counts it as `null`, so its second probe is
 *   refused);
 * - an ordered insert of MAX_INSERT_DOCS documents whose first is refused stores none of the others
 *   (FerretDB 1.24 inserts in batches and goes on with the next batch after a refusal: a server
 *   started with a smaller batch size than MAX_INSERT_DOCS fails this).
 */
async function claimsFitBeside(c: MongoCollections): Promise<boolean> {
  const commits = c.commits as unknown as Collection<{ _id: string }>;
  const probes = Array.from({ length: MAX_INSERT_DOCS }, () => `probe-${newId()}`);
  try {
    await commits.insertOne({ _id: probes[0] }, { writeConcern: c.writeConcern });
    await commits.insertOne({ _id: probes[1] }, { writeConcern: c.writeConcern });
  } catch (e) {
    await removeProbes(c, probes.slice(0, 2));
    if (e instanceof MongoServerError && e.code === DUPLICATE_KEY) return false;
    throw e;
  }
  let stored = probes.slice(0, 2);
  try {
    const rest = probes.slice(2).map((_id) => ({ _id }));
    await commits.insertMany([{ _id: probes[0] }, ...rest], { ordered: true, writeConcern: c.writeConcern });
    stored = probes;
    return false; // the first one is there: a server that accepts it twice keeps no unique _id
  } catch (e) {
    if (!(e instanceof MongoBulkWriteError)) throw e;
    // an ordered insert that went on after the refusal stored some of the rest
    const sample = [probes[2], probes[probes.length >> 1], probes[probes.length - 1]];
    const wentOn = (await Promise.all(sample.map((_id) => commits.findOne({ _id })))).some((d) => d !== null);
    if (wentOn) stored = probes;
    return !wentOn;
  } finally {
    await removeProbes(c, stored);
  }
}

async function removeProbes(c: MongoCollections, probes: string[]): Promise<void> {
  const commits = c.commits as unknown as Collection<{ _id: string }>;
  for (const _id of probes) await commits.deleteMany({ _id }, { writeConcern: c.writeConcern });
}

async function migrateLayout1(c: MongoCollections, every: number, progress: (done: number) => void): Promise<void> {
  const heads = new Map<string, HeadDoc>();
  let maxPosition = 0;
  let done = 0;
  for await (const doc of c.commits.find({})) {
    if (typeof doc._id !== 'number' || doc._id < 1) continue; // claims beside the commits, probes
    if (++done % every === 0) progress(done);
    if (doc.page === undefined) {
      await c.commits.updateOne({ _id: doc._id }, { $set: { page: pageOf(doc._id) } }, { writeConcern: c.writeConcern });
    }
    await writeIdDocs(c, doc);
    const known = heads.get(doc.streamId);
    if (!known || known.revision < doc.lastRevision) {
      heads.set(doc.streamId, { _id: doc.streamId, revision: doc.lastRevision, hash: lastHashOf(doc), firstRevision: doc.firstRevision, position: doc._id });
    }
    maxPosition = Math.max(maxPosition, doc.lastPosition);
  }
  for (const { _id, ...head } of heads.values()) await writeHint(c, c.streams, _id, head);
  if (maxPosition > 0) await writeHint(c, c.meta, 'position', { position: maxPosition });
}

/** Copies the documents of `<name>_ids` beside the commits, 1,000 at a time (ones already there are ignored). */
async function moveIdDocsBeside(c: MongoCollections, every: number, progress: (done: number, total: number) => void): Promise<void> {
  const total = await c.idsApart.estimatedDocumentCount();
  let batch: IdDoc[] = [];
  let done = 0;
  let reportAt = every;
  const flush = async () => {
    if (batch.length > 0) await insertIgnoringDuplicates(c, batch);
    done += batch.length;
    batch = [];
    if (done >= reportAt) {
      progress(done, total);
      reportAt = (Math.floor(done / every) + 1) * every;
    }
  };
  for await (const doc of c.idsApart.find({})) {
    const { streamId: _old, ...rest } = doc;
    batch.push({ ...rest, claimStream: claimStreamOf(doc) });
    if (batch.length >= Math.min(1000, every)) await flush();
  }
  await flush();
}

/**
 * Sets a hint document (stream head, position). An upsert on FerretDB is a read then an insert, so
 * two writers can both try to insert: the loser's duplicate key means the document now exists, and
 * it sets its value with a plain update. A hint may be left behind the truth; readers walk on.
 */
export async function writeHint<T extends { _id: string }>(c: MongoCollections, collection: Collection<T>, id: string, fields: Omit<T, '_id'>): Promise<void> {
  const filter = { _id: id } as Filter<T>;
  try {
    await collection.updateOne(filter, { $set: fields } as UpdateFilter<T>, { upsert: true, writeConcern: c.writeConcern });
  } catch (e) {
    if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
    await collection.updateOne(filter, { $set: fields } as UpdateFilter<T>, { writeConcern: c.writeConcern });
  }
}

/** Id documents of a stored commit (ids already written are refused by `_id` and ignored). */
export async function writeIdDocs(c: MongoCollections, doc: CommitDoc): Promise<void> {
  await insertIgnoringDuplicates(
    c,
    doc.eventIds.map((id) => ({ _id: id, claimStream: doc.streamId, position: doc._id })),
  );
}

async function insertIgnoringDuplicates(c: MongoCollections, docs: IdDoc[]): Promise<void> {
  try {
    await c.ids.insertMany(docs, { ordered: false, writeConcern: c.writeConcern });
  } catch (e) {
    const onlyDuplicates =
      e instanceof MongoBulkWriteError &&
      (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]).every((w) => w === undefined || w.code === DUPLICATE_KEY);
    if (!onlyDuplicates && !(e instanceof MongoServerError && e.code === DUPLICATE_KEY)) throw e;
  }
}
