/**
 * The ReadStore contract against a real MongoDB-wire server (MongoDB ≥ 6 or FerretDB 1.24), found
 * by jest.global-setup.js. A fresh database per run, dropped afterwards.
 */
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import mongoose from 'mongoose';
import { contractCollection, readStoreContract } from '../../testing/read-store.contract';
import { MongoReadStore } from './mongodb-read-store';
import { defineProjection, project } from '../../projection/projection';

describeIntegration('MongoReadStore (MongoDB / FerretDB)', ['mongo'], (env) => {
  const dbName = uniqueName('fq_rs').replace(/[^A-Za-z0-9_]/g, '_');
  let admin: mongoose.Connection;

  beforeAll(async () => {
    admin = await mongoose.createConnection(env().mongoUrl, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
  }, 30_000);

  afterAll(async () => {
    await admin?.dropDatabase();
    await admin?.close();
  });

  readStoreContract('mongodb (own connection)', () => MongoReadStore.connect({ url: env().mongoUrl, dbName }));

  describe('specific to the MongoDB adapter', () => {
    let a: MongoReadStore;
    let b: MongoReadStore;

    beforeAll(async () => {
      // two stores on two connections: two processes as far as the server can tell
      a = await MongoReadStore.connect({ url: env().mongoUrl, dbName });
      b = await MongoReadStore.connect({ url: env().mongoUrl, dbName });
    }, 30_000);

    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('two connections inserting the same new id at once: the higher revision wins, whoever inserts first', async () => {
      // Both writers find no document and both try the upsert's INSERT; the server lets one through
      // and answers the other with a duplicate key. The loser must then re-check, and replace the
      // winner's document when its own revision is higher.
      const c = contractCollection('race');
      const rounds = 20;
      await Promise.all(
        Array.from({ length: rounds }, async (_, i) => {
          const id = `doc-${i}`;
          const [low, high] = i % 2 === 0 ? [a, b] : [b, a];
          const order =
            i % 4 < 2
              ? [() => low.upsert(c, { _id: id, by: 'low' }, { revision: 1 }), () => high.upsert(c, { _id: id, by: 'high' }, { revision: 2 })]
              : [() => high.upsert(c, { _id: id, by: 'high' }, { revision: 2 }), () => low.upsert(c, { _id: id, by: 'low' }, { revision: 1 })];
          const results = await Promise.all(order.map((f) => f()));
          expect(results).toContain(true);
        }),
      );
      const docs = await a.find(c, {}, { sort: { _id: 1 } });
      expect(docs).toHaveLength(rounds);
      for (const d of docs) expect(d).toMatchObject({ by: 'high', _revision: 2 });
    }, 120_000);

    it('writes a view expected new with one insert, other writes with the guarded replace, and refuses a stale first write', async () => {
      const watched = await MongoReadStore.connect({ url: env().mongoUrl, dbName, clientOptions: { monitorCommands: true } });
      const sent: string[] = [];
      watched.mongoClient.on('commandStarted', (e) => {
        if (e.databaseName === dbName) sent.push(e.commandName);
      });
      try {
        const at = () => sent.length;
        let from = at();
        // a stream-guarded view: its first write has revision 0, the caller read no document before it
        expect(await watched.upsert('first_writes', { _id: 'v-1', n: 0 }, { revision: 0, expectNew: true })).toBe(true);
        expect(sent.slice(from)).toEqual(['insert']);
        // its second write has revision 1 and is no first write: no insert is tried (a refused one
        // costs FerretDB two failed transactions)
        from = at();
        expect(await watched.upsert('first_writes', { _id: 'v-1', n: 1 }, { revision: 1 })).toBe(true);
        expect(sent.slice(from)).toEqual(['update']);
        // a redelivered first write: the insert is refused, the guarded replace finds revision 1 stored
        expect(await watched.upsert('first_writes', { _id: 'v-1', n: 0 }, { revision: 0, expectNew: true })).toBe(false);
        expect(await watched.get('first_writes', 'v-1')).toMatchObject({ n: 1, _revision: 1 });
        // a deleted view (a tombstone at revision 3) is not brought back by a first write
        expect(await watched.delete('first_writes', 'v-1', { revision: 3 })).toBe(true);
        expect(await watched.upsert('first_writes', { _id: 'v-1', n: 0 }, { revision: 0, expectNew: true })).toBe(false);
        expect(await watched.get('first_writes', 'v-1')).toBeNull();
      } finally {
        await watched.close();
      }
    });

    it('writes over a document that has no _revision (written by something else)', async () => {
      const c = contractCollection('legacy');
      await admin.db!.collection<{ _id: string; v: number }>(c).insertOne({ _id: 'old', v: 1 });
      expect(await a.upsert(c, { _id: 'old', v: 2 }, { revision: 0 })).toBe(true);
      expect(await a.get(c, 'old')).toEqual({ _id: 'old', v: 2, _revision: 0 });
    });

    it('stores plain documents with _revision, and a tombstone as { _id, _revision, _tombstone: true }', async () => {
      const c = contractCollection('raw');
      await a.upsert(c, { _id: 'x', status: '已受理', unit: { town: '城关镇' } }, { revision: 3 });
      const raw = admin.db!.collection<{ _id: string }>(c);
      expect(await raw.findOne({ _id: 'x' })).toEqual({ _id: 'x', status: '已受理', unit: { town: '城关镇' }, _revision: 3 });
      await a.delete(c, 'x', { revision: 4 });
      expect(await raw.findOne({ _id: 'x' })).toEqual({ _id: 'x', _revision: 4, _tombstone: true });
    });

    it('creates the requested indexes on the server under MongoDB default names', async () => {
      const c = contractCollection('idx');
      await a.ensureIndexes(c, [{ keys: { status: 1, reportedAt: -1 } }, { keys: { 'unit.town': 1 }, name: 'by_town' }]);
      const names = (await admin.db!.collection(c).indexes()).map((i) => i.name).sort();
      expect(names).toEqual(['_id_', 'by_town', 'status_1_reportedAt_-1']);
    });

    it('projector run twice on the server: each event applied twice, from two connections, counts once', async () => {
      type Ev = { streamId: string; revision: number; type: 'Reported' | 'Dispatched' | 'Withdrawn'; unit: string };
      const view = defineProjection<{ unit: string; status: string; dispatches: number }, Ev>({
        name: 'int-board',
        collection: contractCollection('board'),
        idOf: (e) => e.streamId,
        evolve: (doc, e) =>
          e.type === 'Reported'
            ? (doc ?? { unit: e.unit, status: 'reported', dispatches: 0 })
            : e.type === 'Dispatched'
              ? doc && { ...doc, status: 'dispatched', dispatches: doc.dispatches + 1 }
              : null,
      });
      const history: Ev[] = [];
      for (let c = 0; c < 6; c++) {
        const types: Ev['type'][] = c % 3 === 2 ? ['Reported', 'Dispatched', 'Withdrawn'] : ['Reported', 'Dispatched', 'Dispatched'];
        types.forEach((type, revision) => history.push({ streamId: `case-${c}`, revision, type, unit: `村 ${c}` }));
      }
      // per stream in order; each event delivered twice, to two "processes", at the same time
      await Promise.all(
        [...new Set(history.map((e) => e.streamId))].map(async (s) => {
          for (const e of history.filter((x) => x.streamId === s)) await Promise.all([project(a, view, e), project(b, view, e)]);
        }),
      );
      const docs = await a.find(view.collection, {}, { sort: { _id: 1 } });
      expect(docs.map((d) => [d._id, d['status'], d['dispatches'], d._revision])).toEqual([
        ['case-0', 'dispatched', 2, 2],
        ['case-1', 'dispatched', 2, 2],
        ['case-3', 'dispatched', 2, 2],
        ['case-4', 'dispatched', 2, 2],
      ]);
    }, 60_000);

    it('fromConnection uses the caller’s connection and leaves it open on close', async () => {
      const store = MongoReadStore.fromConnection(admin);
      const c = contractCollection('shared');
      await store.upsert(c, { _id: 'k' }, { revision: 0 });
      await store.close();
      expect(admin.readyState).toBe(mongoose.ConnectionStates.connected);
      expect(await a.get(c, 'k')).toEqual({ _id: 'k', _revision: 0 });
    });
  });
});
