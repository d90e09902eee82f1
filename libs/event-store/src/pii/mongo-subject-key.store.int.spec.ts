import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { MongoClient } from 'mongodb';
import { MongoSubjectKeyStore, SubjectKeyDocument } from './mongo-subject-key.store';
import { subjectKeyStoreContract } from './subject-key-store.contract';

describeIntegration('MongoSubjectKeyStore (MongoDB / FerretDB)', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_subject_keys').replace(/-/g, '_');
  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  subjectKeyStoreContract('mongodb', async () => {
    const collection = client.db(dbName).collection<SubjectKeyDocument>(uniqueName('subject_keys'));
    return {
      open: async (options) => new MongoSubjectKeyStore({ ...options, collection }),
      rawDump: async () => JSON.stringify(await collection.find({}).toArray()),
      rawWrappedKey: async (id) => (await collection.findOne({ _id: id }))?.wrapped?.ct,
      close: async () => {
        await collection.drop();
      },
    };
  });
});
