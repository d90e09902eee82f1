/**
 * The EventStore contract against a real MongoDB-wire server (MongoDB ≥ 6 or FerretDB 1.24), found
 * by jest.global-setup.js. A fresh database per run, dropped afterwards.
 */
// The shared integration harness is test-only code; the module-boundary rule has no test exception for infra libs.
 
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { MongoClient } from 'mongodb';
import { newId } from '@fengqiao/kernel';
import { eventStoreContract, contractEvent } from '../../testing/event-store.contract';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { MongoEventStore } from './mongodb-event-store';

describeIntegration('MongoEventStore (MongoDB / FerretDB)', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_es').replace(/-/g, '_');

  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  // FerretDB on SQLite is slow-ish: fewer, but still concurrent, writers than on SQLite.
  eventStoreContract('mongodb', () => MongoEventStore.create({ db: client.db(dbName), collection: 'contract_events' }), {
    writers: 6,
    eventsPerWriter: 30,
    racers: 6,
  });

  describe('specific to the MongoDB adapter', () => {
    it('keeps one global order across two store instances (two processes) writing at once', async () => {
      const a = await MongoEventStore.create({ db: client.db(dbName), collection: 'two_writers' });
      const b = await MongoEventStore.create({ db: client.db(dbName), collection: 'two_writers' });
      const streams = ['s-a', 's-b', 's-c', 's-d'].map((s) => `${s}-${newId()}`);
      await Promise.all(
        streams.map(async (s, i) => {
          const store = i % 2 ? a : b;
          let expected: number | 'no_stream' = 'no_stream';
          for (let k = 0; k < 10; k++) {
            const r = await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: expected });
            expected = r.nextExpectedRevision;
          }
        }),
      );
      const all = await a.readAll({ maxCount: 1000 });
      expect(all).toHaveLength(80);
      expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1)); // dense, no hole
      for (const s of streams) expect(verifyStreamChain(all.filter((e) => e.streamId === s)).ok).toBe(true);
      await a.close();
      await b.close();
    }, 120_000);

    it('stores data as a JSON string, so keys with dots and dollars survive the server', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'raw_shape' });
      const s = `raw-${newId()}`;
      await store.append(s, [contractEvent({ data: { 'a.b': { $gt: 1 } } })], { expectedRevision: 'no_stream' });
      const raw = await client.db(dbName).collection('raw_shape').findOne({ streamId: s });
      expect(raw?.events[0].data).toBe('{"a.b":{"$gt":1}}');
      expect((await store.readStream(s))[0].data).toEqual({ 'a.b': { $gt: 1 } });
      await store.close();
    });
  });
});
