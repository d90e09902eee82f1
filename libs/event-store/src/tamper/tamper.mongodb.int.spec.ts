/**
 * Tamper detection on the MongoDB / FerretDB store: the commit documents are edited with the
 * driver directly (updateOne / deleteOne / insertOne), as anyone with database access could.
 * Every seeded append holds one event, so one event = one commit document (`_id` = its position).
 * The edits follow the adapter's layout as someone who knows it would: `json` (the canonical JSON the
 * hash covers) with its BSON copy `data`, `page` with a moved `_id`, the stream-head and position
 * hints when they would otherwise name removed events or positions.
 */
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import canonicalize from 'canonicalize';
import { Collection, MongoClient } from 'mongodb';
import { MongoEventStore, bsonCopy, pageOf } from '../adapters/mongodb/mongodb-event-store';
import { RawStorage, TamperHarness, tamperScenarios } from './tamper-scenarios';

interface CommitEvent {
  id: string;
  data: Record<string, unknown>;
  json: string;
  hash: string;
  [field: string]: unknown;
}

interface Commit {
  _id: number;
  lastPosition: number;
  streamId: string;
  firstRevision: number;
  lastRevision: number;
  lastHash: string;
  page: number;
  eventIds: string[];
  events: CommitEvent[];
}

function mongoRaw(commits: Collection<Commit>, streams: Collection<{ _id: string }>, meta: Collection<{ _id: string; position?: number }>): RawStorage {
  const commitOf = async (eventId: string): Promise<Commit> => {
    const c = await commits.findOne({ eventIds: eventId });
    if (!c) throw new Error(`no commit holds event ${eventId}`);
    if (c.events.length !== 1) throw new Error('the scenarios edit single-event commits only');
    return c;
  };
  const setEvent = async (eventId: string, patch: Partial<CommitEvent>): Promise<void> => {
    const c = await commitOf(eventId);
    const lastHash = patch.hash ?? c.lastHash;
    await commits.updateOne({ _id: c._id }, { $set: { events: [{ ...c.events[0], ...patch }], lastHash } });
    // the stream-head hint holds the hash too: a thorough editor rewrites it (here: removes it, the store walks)
    await streams.deleteOne({ _id: c.streamId });
  };
  // the adapter reads `json` (the canonical JSON the hash covers); `data` is its BSON copy for readers
  const dataPatch = (data: Record<string, unknown>) => ({ data: bsonCopy(data) as Record<string, unknown>, json: canonicalize(data) ?? '' });
  return {
    setData: (id, data) => setEvent(id, dataPatch(data)),
    setDataAndHash: (id, data, hash) => setEvent(id, { ...dataPatch(data), hash }),
    deleteEvent: async (id) => {
      const c = await commitOf(id);
      await commits.deleteOne({ _id: c._id });
    },
    swapRevisions: async (a, b) => {
      const ca = await commitOf(a);
      const cb = await commitOf(b);
      await commits.updateOne({ _id: ca._id }, { $set: { firstRevision: -1, lastRevision: -1 } });
      await commits.updateOne({ _id: cb._id }, { $set: { firstRevision: ca.firstRevision, lastRevision: ca.lastRevision } });
      await commits.updateOne({ _id: ca._id }, { $set: { firstRevision: cb.firstRevision, lastRevision: cb.lastRevision } });
    },
    deleteStreamFrom: async (streamId, fromRevision) => {
      await commits.deleteMany({ streamId, firstRevision: { $gte: fromRevision } });
      await streams.deleteOne({ _id: streamId }); // its head hint would still name the removed events
    },
    renumberPositions: async () => {
      // `_id` cannot be updated: each moved commit is deleted and inserted again at its new position.
      let next = 1;
      for (const c of await commits
        .find({ _id: { $gt: 0 } })
        .sort({ _id: 1 })
        .toArray()) {
        const size = c.lastPosition - c._id + 1;
        if (c._id !== next) {
          await commits.deleteOne({ _id: c._id });
          await commits.insertOne({ ...c, _id: next, lastPosition: next + size - 1, page: pageOf(next) });
        }
        next += size;
      }
      await meta.updateOne({ _id: 'position' }, { $set: { position: next - 1 } }); // the position hint, as the log now ends
    },
    swapPositions: async (a, b) => {
      const ca = await commitOf(a);
      const cb = await commitOf(b);
      await commits.deleteMany({ _id: { $in: [ca._id, cb._id] } });
      await commits.insertOne({ ...cb, _id: ca._id, lastPosition: ca._id, page: pageOf(ca._id) });
      await commits.insertOne({ ...ca, _id: cb._id, lastPosition: cb._id, page: pageOf(cb._id) });
    },
  };
}

describeIntegration('tamper detection on MongoDB / FerretDB', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_tamper').replace(/-/g, '_');
  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  tamperScenarios('mongodb', async (): Promise<TamperHarness> => {
    const collection = uniqueName('events').replace(/-/g, '_');
    const db = client.db(dbName);
    return {
      kind: 'mongodb',
      open: () => MongoEventStore.create({ db, collection }),
      raw: mongoRaw(
        db.collection<Commit>(collection),
        db.collection<{ _id: string }>(`${collection}_streams`),
        db.collection<{ _id: string; position?: number }>(`${collection}_meta`),
      ),
      close: async () => {
        await db.collection(collection).drop();
        for (const suffix of ['_streams', '_ids', '_meta'])
          await db
            .collection(collection + suffix)
            .drop()
            .catch(() => undefined);
      },
    };
  });
});
