import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { MongoClient } from 'mongodb';
import { checkpointStoreContract } from './checkpoint-store.contract';
import { MongoCheckpointStore } from './mongo-checkpoint.store';

describeIntegration('MongoCheckpointStore (MongoDB / FerretDB)', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_checkpoints').replace(/-/g, '_');
  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  checkpointStoreContract('mongodb', async () => {
    const collection = uniqueName('checkpoints');
    return {
      store: MongoCheckpointStore.forDb(client.db(dbName), collection),
      close: async () => {
        await client.db(dbName).collection(collection).drop();
      },
    };
  });
});
