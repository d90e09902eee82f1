/** The RelayCheckpointStore contract against a MongoDB-wire server (MongoDB or FerretDB). */
import { MongoClient } from 'mongodb';
import { filterProblems, recordCommands } from '@fengqiao/event-store/testing';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { relayCheckpointStoreContract } from '../testing/relay-checkpoint.contract';
import { MongoRelayCheckpointStore } from './mongodb-relay-checkpoint.store';

describeIntegration('MongoRelayCheckpointStore (MongoDB / FerretDB)', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_bus_cp').replace(/-/g, '_');

  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  relayCheckpointStoreContract('mongodb', () => MongoRelayCheckpointStore.forDb(client.db(dbName)));

  // the comparison sits in the update's filter, so it holds across instances (and processes)
  it('is shared by two store instances: the greatest position wins', async () => {
    const a = MongoRelayCheckpointStore.forDb(client.db(dbName), 'shared_checkpoints');
    const b = MongoRelayCheckpointStore.forDb(client.db(dbName), 'shared_checkpoints');
    const relay = uniqueName('intake.relay');
    await Promise.all([a.set(relay, 10), b.set(relay, 20), a.set(relay, 15)]);
    expect(await a.get(relay)).toBe(20);
    expect(await b.get(relay)).toBe(20);
    await b.set(relay, 5); // never backwards
    expect(await a.get(relay)).toBe(20);
  });

  it('sends only equality filters on _id / top-level fields (FerretDB 1.24 pushes no $lt down)', async () => {
    const monitored = await MongoClient.connect(env().mongoUrl, { monitorCommands: true });
    const recorder = recordCommands(monitored, dbName);
    try {
      const store = MongoRelayCheckpointStore.forDb(monitored.db(dbName), 'recorded_checkpoints');
      const relay = uniqueName('grid.relay');
      const commands = await recorder.during(async () => {
        await store.set(relay, 3);
        await store.set(relay, 7);
        await store.set(relay, 5);
        expect(await store.get(relay)).toBe(7);
      });
      expect(commands.length).toBeGreaterThan(0);
      expect(commands.flatMap(filterProblems)).toEqual([]);
    } finally {
      recorder.stop();
      await monitored.close();
    }
  });
});
