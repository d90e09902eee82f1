import fc from 'fast-check';
import { Query } from 'mingo';
import { EmbeddedReadStore, prefilterOf } from './embedded-read-store';
import { arbDoc, arbQuery } from '../../testing/query-arbitraries';

describe('embedded prefilter', () => {
  it('never drops a document the query matches (same answer as mingo over all documents)', async () => {
    const store = new EmbeddedReadStore({ path: ':memory:' });
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(arbDoc, { maxLength: 12 }), arbQuery(), async (docs, q) => {
          const c = `p${(n += 1)}`;
          const stored = docs.map((d, i) => ({ _id: `d${i}`, ...d }));
          for (const d of stored) await store.upsert(c, d, { revision: 0 });
          const expected = new Query(q, {})
            .find(stored.map((d) => ({ ...d, _revision: 0 })))
            .all()
            .map((d) => (d as { _id: string })._id)
            .sort();
          expect((await store.find(c, q)).map((d) => d._id).sort()).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    } finally {
      await store.close();
    }
  });

  it('narrows equality and $in on scalars, and adds nothing for null, ranges or $ne', () => {
    expect(prefilterOf({ status: 'reported' })).toEqual({ sql: '(instr(json, ?) > 0)', params: ['"reported"'] });
    expect(prefilterOf({ n: { $in: [1, 'a'] } })).toEqual({ sql: '((instr(json, ?) > 0) OR (instr(json, ?) > 0))', params: ['1', '"a"'] });
    expect(prefilterOf({ $or: [{ a: 1 }, { b: { $gt: 1 } }] })).toBeUndefined();
    expect(prefilterOf({ a: null })).toBeUndefined();
    expect(prefilterOf({ a: { $in: [1, null] } })).toBeUndefined();
    expect(prefilterOf({ a: { $ne: 1 }, b: { $exists: true } })).toBeUndefined();
    expect(prefilterOf({ $and: [{ a: 'x' }, { b: { $lt: 3 } }] })).toEqual({ sql: '((instr(json, ?) > 0))', params: ['"x"'] });
  });
});
