/**
 * The promise behind the port: the same query objects give the same answers on every adapter.
 * Random documents and queries (fast-check) go to the embedded adapter and to the real
 * MongoDB-wire server; find (with sort, skip, limit), count and aggregateCounts must agree.
 * Excluded on purpose: `$ne`, `$nin` and `null` operands on a path through an array of embedded
 * documents, where FerretDB 1.24 differs from MongoDB (documented in read-store.port.ts).
 */
import fc from 'fast-check';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import mongoose from 'mongoose';
import { EmbeddedReadStore } from '../embedded/embedded-read-store';
import { arbDoc, arbGroupBy, arbQuery, arbSort } from '../../testing/query-arbitraries';
import { MongoReadStore } from './mongodb-read-store';

describeIntegration('ReadStore adapters agree (embedded vs MongoDB / FerretDB), random queries', ['mongo'], (env) => {
  const dbName = uniqueName('fq_rs_diff').replace(/[^A-Za-z0-9_]/g, '_');
  let mongo: MongoReadStore;
  let embedded: EmbeddedReadStore;
  let n = 0;

  beforeAll(async () => {
    mongo = await MongoReadStore.connect({ url: env().mongoUrl, dbName });
    embedded = new EmbeddedReadStore({ path: ':memory:' });
  }, 30_000);

  afterAll(async () => {
    const admin = await mongoose.createConnection(env().mongoUrl, { dbName }).asPromise();
    await admin.dropDatabase();
    await admin.close();
    await mongo?.close();
    await embedded?.close();
  });

  it('find, count and aggregateCounts agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbDoc, { minLength: 1, maxLength: 10 }),
        fc.array(arbQuery({ negationsAndNullThroughArraysOfDocuments: false }), { minLength: 1, maxLength: 4 }),
        arbSort,
        fc.nat({ max: 4 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        arbGroupBy,
        async (docs, queries, sort, skip, limit, groupBy) => {
          const c = `diff${(n += 1)}`;
          const stored = docs.map((d, i) => ({ _id: `d${i}`, ...d }));
          for (const d of stored) {
            await mongo.upsert(c, d, { revision: 1 });
            await embedded.upsert(c, d, { revision: 1 });
          }
          for (const q of queries) {
            const options = { sort, skip, ...(limit === undefined ? {} : { limit }) };
            const [m, e] = [await mongo.find(c, q, options), await embedded.find(c, q, options)];
            expect({ q, options, ids: m.map((d) => d._id) }).toEqual({ q, options, ids: e.map((d) => d._id) });
            expect(m).toEqual(e);
            expect({ q, count: await mongo.count(c, q) }).toEqual({ q, count: await embedded.count(c, q) });
            expect({ q, groupBy, groups: await mongo.aggregateCounts(c, q, groupBy) }).toEqual({
              q,
              groupBy,
              groups: await embedded.aggregateCounts(c, q, groupBy),
            });
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});
