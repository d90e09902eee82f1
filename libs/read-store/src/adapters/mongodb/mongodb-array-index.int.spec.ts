/**
 * A view with a long array (a collective petition's petitioners) under an index on that array. On
 * MongoDB the index is multikey (one entry per element); FerretDB 1.24 on PostgreSQL indexes the whole
 * array as one btree row and refuses a row over 2,704 bytes, so the write would fail there: indexes
 * declared `multikey` are not made on FerretDB (and dropped where an older version made them).
 */
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { MongoReadStore } from './mongodb-read-store';

describeIntegration('MongoReadStore with an index on an array field', ['mongo'], (env) => {
  const dbName = uniqueName('fq_arrays').replace(/[^A-Za-z0-9_]/g, '_');
  let client: MongoClient;
  let store: MongoReadStore;
  // random ids, as petitioner ids are (PostgreSQL compresses an index row of repetitive text below its limit)
  const petitioners = Array.from({ length: 300 }, () => randomUUID());

  beforeAll(async () => {
    client = await new MongoClient(env().mongoUrl, { serverSelectionTimeoutMS: 10_000 }).connect();
    store = await MongoReadStore.connect({ url: env().mongoUrl, dbName });
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  const ferret = async () => typeof (await client.db(dbName).command({ buildInfo: 1 }))['ferretdbVersion'] === 'string';
  const indexNames = async (collection: string) => (await client.db(dbName).collection(collection).indexes()).map((i) => i.name);

  it('a view whose array is long is written and found by an element', async () => {
    await store.ensureIndexes('petitions', [
      { keys: { petitionerIds: 1 }, name: 'by_petitioner', multikey: true },
      { keys: { status: 1 }, name: 'by_status' },
    ]);
    expect(await store.upsert('petitions', { _id: 'p-collective', status: 'accepted', petitionerIds: petitioners }, { revision: 1 })).toBe(true);
    const found = await store.find<{ _id: string }>('petitions', { petitionerIds: petitioners[250] });
    expect(found.map((d) => d._id)).toEqual(['p-collective']);
    const names = await indexNames('petitions');
    expect(names).toContain('by_status');
    if (await ferret()) expect(names).not.toContain('by_petitioner');
    else expect(names).toContain('by_petitioner');
  });

  it('drops on FerretDB the array index an earlier version made, so long arrays can be written', async () => {
    if (!(await ferret())) return; // MongoDB keeps its multikey index (the test above)
    await client.db(dbName).collection('older').createIndex({ petitionerIds: 1 }, { name: 'by_petitioner' });
    await expect(
      client
        .db(dbName)
        .collection('older')
        .insertOne({ _id: 'x' as never, petitionerIds: petitioners }),
    ).rejects.toThrow(/index row|exceeds|size/i);
    await store.ensureIndexes('older', [{ keys: { petitionerIds: 1 }, name: 'by_petitioner', multikey: true }]);
    expect(await indexNames('older')).not.toContain('by_petitioner');
    expect(await store.upsert('older', { _id: 'p-1', petitionerIds: petitioners }, { revision: 1 })).toBe(true);
  });
});
