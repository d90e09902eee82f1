/**
 * Issue 14 §3: instants in MongoDB read models are real BSON Dates, so another client's
 * `{ reportedAt: { $gte: ISODate(...) } }` finds documents, while the store still hands the
 * views ISO strings.
 */
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { MongoClient } from 'mongodb';
import { MongoReadStore } from './mongodb-read-store';

describeIntegration('MongoReadStore stores instants as BSON Dates', ['mongo'], (env) => {
  const dbName = uniqueName('fq_dates').replace(/[^A-Za-z0-9_]/g, '_');
  let client: MongoClient;
  let store: MongoReadStore;

  beforeAll(async () => {
    client = await new MongoClient(env().mongoUrl, { serverSelectionTimeoutMS: 10_000 }).connect();
    store = await MongoReadStore.connect({ url: env().mongoUrl, dbName });
    const cases = [
      { _id: 'c-jan', reportedAt: '2025-01-15T02:00:00.000Z', timeline: [{ at: '2025-01-15T02:00:00.000Z', event: 'CaseReported' }] },
      { _id: 'c-feb', reportedAt: '2025-02-10T02:00:00.000Z', timeline: [{ at: '2025-02-10T02:00:00.000Z', event: 'CaseReported' }] },
      { _id: 'c-mar', reportedAt: '2025-03-05T02:00:00.000Z', timeline: [{ at: '2025-03-05T02:00:00.000Z', event: 'CaseReported' }] },
    ];
    for (const c of cases) await store.upsert('cases', { ...c, day: c.reportedAt.slice(0, 10) }, { revision: 1 });
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  it('a raw driver query with a Date range finds the cases reported in it', async () => {
    const raw = client.db(dbName).collection('cases');
    const found = await raw
      .find({ reportedAt: { $gte: new Date('2025-02-01T00:00:00Z'), $lt: new Date('2025-04-01T00:00:00Z') } })
      .sort({ reportedAt: 1 })
      .toArray();
    expect(found.map((d) => d._id)).toEqual(['c-feb', 'c-mar']);
    expect(found[0].reportedAt).toBeInstanceOf(Date);
    expect(found[0].timeline[0].at).toBeInstanceOf(Date);
    // a plain date is not an instant: it stays a string
    expect(found[0].day).toBe('2025-02-10');
  });

  it('the store reads ISO strings back and filters on them as Dates', async () => {
    const doc = await store.get<{ reportedAt: string; timeline: { at: string }[] }>('cases', 'c-jan');
    expect(doc?.reportedAt).toBe('2025-01-15T02:00:00.000Z');
    expect(doc?.timeline[0].at).toBe('2025-01-15T02:00:00.000Z');
    const feb = await store.find('cases', { reportedAt: { $gte: '2025-02-01T00:00:00.000Z', $lt: '2025-03-01T00:00:00.000Z' } });
    expect(feb.map((d) => d._id)).toEqual(['c-feb']);
    expect(await store.count('cases', { 'timeline.at': '2025-03-05T02:00:00.000Z' })).toBe(1);
  });
});
