/**
 * fast-check generators of documents and queries in the common subset, for property tests that
 * compare adapters (and the embedded prefilter) on random input. Small value domains, so random
 * queries often match; strings that JSON escapes, a surrogate pair, mixed types in one field.
 */
import fc from 'fast-check';
import type { ReadQuery, ReadSort } from '../read-store.port';

export const arbString = fc.constantFrom('a', 'b', '东村', '西村', 'say "hi"', 'back\\slash', 'a b', '🚒', '');
export const arbNumber = fc.constantFrom(0, 1, 2, 10, 1.5, -3, 1e21);
export const arbScalar = fc.oneof(arbString, arbNumber, fc.boolean(), fc.constant(null));

/** Fields: s (string), n (number), b (boolean), x (any scalar), arr (strings), o (embedded), objs (array of embedded). Any may be missing. */
export const arbDoc = fc.record(
  {
    s: arbString,
    n: arbNumber,
    b: fc.boolean(),
    x: arbScalar,
    arr: fc.array(arbString, { maxLength: 3 }),
    o: fc.record({ s: arbString, n: arbNumber }, { requiredKeys: [] }),
    objs: fc.array(fc.record({ k: arbNumber }, { requiredKeys: [] }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const PATHS = ['s', 'n', 'b', 'x', 'arr', 'o.s', 'o.n', 'objs.k', 'missing'] as const;
/** Paths NOT running through an array of embedded documents (see the FerretDB gap in read-store.port.ts). */
const PLAIN_PATHS = PATHS.filter((p) => p !== 'objs.k');

export interface QueryArbitraryOptions {
  /**
   * On `objs.k` (a path through an array of embedded documents) also use `$ne`, `$nin` and `null`
   * operands. MongoDB and mingo agree there; FerretDB 1.24 does not. Default true.
   */
  negationsAndNullThroughArraysOfDocuments?: boolean;
}

export function arbQuery(options: QueryArbitraryOptions = {}): fc.Arbitrary<ReadQuery> {
  const all = options.negationsAndNullThroughArraysOfDocuments !== false;
  const path = fc.constantFrom(...PATHS);
  const negPath = all ? path : fc.constantFrom(...PLAIN_PATHS);
  const nonNull = fc.oneof(arbString, arbNumber, fc.boolean());
  // [path, scalar] where a null operand only goes to plain paths unless `all`
  const pathScalar = all ? fc.tuple(path, arbScalar) : fc.oneof(fc.tuple(fc.constantFrom(...PLAIN_PATHS), arbScalar), fc.tuple(path, nonNull));
  const pathScalars = all
    ? fc.tuple(path, fc.array(arbScalar, { maxLength: 3 }))
    : fc.oneof(fc.tuple(fc.constantFrom(...PLAIN_PATHS), fc.array(arbScalar, { maxLength: 3 })), fc.tuple(path, fc.array(nonNull, { maxLength: 3 })));
  const leaf: fc.Arbitrary<ReadQuery> = fc.oneof(
    pathScalar.map(([p, v]) => ({ [p]: v })),
    pathScalar.map(([p, v]) => ({ [p]: { $eq: v } })),
    pathScalars.map(([p, v]) => ({ [p]: { $in: v } })),
    fc.tuple(negPath, fc.array(arbScalar, { maxLength: 3 })).map(([p, v]) => ({ [p]: { $nin: v } })),
    fc.tuple(negPath, arbScalar).map(([p, v]) => ({ [p]: { $ne: v } })),
    fc.tuple(path, fc.constantFrom('$gt', '$gte', '$lt', '$lte'), fc.oneof(arbString, arbNumber)).map(([p, op, v]) => ({ [p]: { [op]: v } })),
    fc.tuple(path, fc.boolean()).map(([p, v]) => ({ [p]: { $exists: v } })),
  );
  return fc.letrec<{ q: ReadQuery }>((tie) => ({
    q: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('q'), { minLength: 1, maxLength: 3 }).map((qs) => ({ $and: qs })),
      fc.array(tie('q'), { minLength: 1, maxLength: 3 }).map((qs) => ({ $or: qs })),
      fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
    ),
  })).q;
}

export const arbSort: fc.Arbitrary<ReadSort> = fc
  .uniqueArray(fc.tuple(fc.constantFrom('s', 'n', 'x', 'b', 'o.s', 'o.n', 'arr', 'missing'), fc.constantFrom<1 | -1>(1, -1)), {
    minLength: 1,
    maxLength: 3,
    selector: ([p]) => p,
  })
  .map((pairs) => Object.fromEntries(pairs) as ReadSort);

export const arbGroupBy = fc.constantFrom('s', 'n', 'x', 'b', 'o.s', 'missing');
