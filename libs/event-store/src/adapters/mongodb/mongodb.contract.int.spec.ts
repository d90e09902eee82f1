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

    it('settles every append of a grouped insert when one in the middle collides on a stale cached head', async () => {
      const a = await MongoEventStore.create({ db: client.db(dbName), collection: 'grouped' });
      const b = await MongoEventStore.create({ db: client.db(dbName), collection: 'grouped' });
      const y = `y-${newId()}`;
      const z = `z-${newId()}`;
      await a.append(y, [contractEvent()], { expectedRevision: 'no_stream' }); // a caches y at 0
      await a.append(z, [contractEvent()], { expectedRevision: 'no_stream' }); // a caches z at 0
      await b.append(y, [contractEvent()], { expectedRevision: 0 }); // y moves to 1 behind a's back
      await b.append(z, [contractEvent()], { expectedRevision: 0 }); // z too; b also takes a's next position
      const xs = Array.from({ length: 8 }, () => `x-${newId()}`);
      const outcomes = await Promise.allSettled([
        ...xs.slice(0, 4).map((x) => a.append(x, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' })),
        a.append(y, [contractEvent(), contractEvent()], { expectedRevision: 'any' }), // stale head: collides, goes round
        a.append(z, [contractEvent()], { expectedRevision: 0 }), // stale head: collides, a real conflict
        ...xs.slice(4).map((x) => a.append(x, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' })),
      ]);
      const zOutcome = outcomes.splice(5, 1)[0];
      expect(zOutcome.status).toBe('rejected');
      expect(zOutcome.status === 'rejected' && zOutcome.reason).toMatchObject({ name: 'WrongExpectedRevisionError', expected: 0, actual: 1 });
      expect(outcomes.map((o) => o.status)).toEqual(Array(9).fill('fulfilled'));
      expect((await a.readStream(y)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      expect(await a.streamRevision(z)).toBe(1);
      const all = await a.readAll({ maxCount: 1000 });
      expect(all).toHaveLength(4 + 16 + 2);
      expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1)); // dense
      for (const s of [y, z, ...xs]) expect(verifyStreamChain(all.filter((e) => e.streamId === s)).ok).toBe(true);
      await a.close();
      await b.close();
    }, 60_000);

    it('appends after a commit written without lastHash (documents from before the field existed)', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'old_commits' });
      const s = `old-${newId()}`;
      await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
      await client.db(dbName).collection('old_commits').updateMany({ streamId: s }, { $unset: { lastHash: '' } });
      const fresh = await MongoEventStore.create({ db: client.db(dbName), collection: 'old_commits' }); // no cached head
      await fresh.append(s, [contractEvent()], { expectedRevision: 1 });
      const events = await fresh.readStream(s);
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(verifyStreamChain(events).ok).toBe(true);
      await store.close();
      await fresh.close();
    });

    it('reads a page of maxCount events from 10-event commits, starting inside a commit', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'paging' });
      const s = `page-${newId()}`;
      let expected: number | 'no_stream' = 'no_stream';
      for (let k = 0; k < 5; k++) {
        const r = await store.append(s, Array.from({ length: 10 }, () => contractEvent()), { expectedRevision: expected });
        expected = r.nextExpectedRevision;
      }
      const page = await store.readAll({ afterPosition: 7, maxCount: 15 });
      expect(page.map((e) => e.globalPosition)).toEqual(Array.from({ length: 15 }, (_, i) => i + 8));
      expect((await store.readAll({ afterPosition: 45, maxCount: 15 })).map((e) => e.globalPosition)).toEqual([46, 47, 48, 49, 50]);
      await store.close();
    });

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
