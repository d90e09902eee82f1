/**
 * The ReadStore contract (DESIGN §3): one suite, every adapter runs it against its real backend.
 *
 *   readStoreContract('embedded (:memory:)', () => new EmbeddedReadStore({ path: ':memory:' }));
 *
 * The factory is called once per suite (beforeAll); the suite closes the store in afterAll. Every
 * test writes to fresh collections, so the store may hold other data. Expected results are written
 * out by hand (never computed with mingo, which is the embedded adapter's own engine).
 */
import { newId } from '@fengqiao/kernel';
import { InvalidQueryError, InvalidReadDocumentError, ReadStoreArgumentError, UnsupportedQueryOperatorError } from '../errors';
import type { IndexSpec, ReadDocInput, ReadQuery, ReadStore } from '../read-store.port';

export interface ReadStoreContractOptions {
  /** Per-test timeout, ms. Default 60 000. */
  timeoutMs?: number;
  /** Revisions raced per document in the concurrency tests. Default 12. */
  racers?: number;
}

/** A fresh collection name (letters, digits, `_` and `-`; starts with a letter). */
export function contractCollection(prefix = 'rs'): string {
  return `${prefix}_${newId().replace(/-/g, '')}`;
}

interface CaseView {
  title: string;
  status: string;
  priority: number;
  unit: { town: string; village?: string };
  tags: string[];
  reportedAt: string;
  score?: number | null;
  urgent?: boolean;
}

/** Six grid-case view documents exercising every operator: nulls, missing fields, arrays, Chinese text. */
export const CONTRACT_CASES: ReadonlyArray<ReadDocInput<CaseView>> = [
  {
    _id: 'case-01',
    title: '消防通道被占用',
    status: 'reported',
    priority: 2,
    unit: { town: '城关镇', village: '东村' },
    tags: ['消防', '占道'],
    reportedAt: '2024-05-01T08:00:00+08:00',
    score: 4.5,
  },
  {
    _id: 'case-02',
    title: '噪音扰民',
    status: 'dispatched',
    priority: 1,
    unit: { town: '城关镇', village: '西村' },
    tags: ['噪音'],
    reportedAt: '2024-05-02T09:00:00+08:00',
    score: null,
  },
  {
    _id: 'case-03',
    title: '垃圾堆放',
    status: 'reported',
    priority: 3,
    unit: { town: '河口镇', village: '南村' },
    tags: [],
    reportedAt: '2024-05-02T09:00:00+08:00',
  },
  {
    _id: 'case-04',
    title: '邻里纠纷',
    status: 'closed',
    priority: 2,
    unit: { town: '河口镇' },
    tags: ['纠纷', '占道'],
    reportedAt: '2024-04-30T18:30:00+08:00',
    score: 3,
    urgent: true,
  },
  {
    _id: 'case-05',
    title: '路灯损坏',
    status: 'dispatched',
    priority: 2,
    unit: { town: '城关镇', village: '东村' },
    tags: ['设施'],
    reportedAt: '2024-05-03T10:00:00+08:00',
    score: 5,
    urgent: false,
  },
  {
    _id: 'case-06',
    title: 'Water leak 漏水',
    status: 'reported',
    priority: 1,
    unit: { town: '城关镇', village: '北村' },
    tags: ['设施', '占道'],
    reportedAt: '2024-05-01T08:00:00+08:00',
    score: 4.5,
  },
];

const ALL = ['case-01', 'case-02', 'case-03', 'case-04', 'case-05', 'case-06'];
const ids = (...n: number[]): string[] => n.map((i) => `case-0${i}`);

/** [what, query, ids expected (any order)] */
const QUERY_CASES: ReadonlyArray<readonly [string, ReadQuery, string[]]> = [
  ['empty query', {}, ALL],
  ['equality', { status: 'reported' }, ids(1, 3, 6)],
  ['equality, no match', { status: '不存在' }, []],
  ['$eq', { priority: { $eq: 2 } }, ids(1, 4, 5)],
  ['$ne', { status: { $ne: 'reported' } }, ids(2, 4, 5)],
  ['$in', { status: { $in: ['closed', 'dispatched'] } }, ids(2, 4, 5)],
  ['$nin', { status: { $nin: ['reported', 'closed'] } }, ids(2, 5)],
  ['$gt', { priority: { $gt: 1 } }, ids(1, 3, 4, 5)],
  ['$gte on decimals', { score: { $gte: 4.5 } }, ids(1, 5, 6)],
  ['$lt', { priority: { $lt: 2 } }, ids(2, 6)],
  ['$lte skips null and missing', { score: { $lte: 4.5 } }, ids(1, 4, 6)],
  ['two ranges on one path', { priority: { $gte: 2, $lt: 3 } }, ids(1, 4, 5)],
  ['string range (ISO times)', { reportedAt: { $gte: '2024-05-02', $lt: '2024-05-03' } }, ids(2, 3)],
  ['$exists: true', { score: { $exists: true } }, ids(1, 2, 4, 5, 6)],
  ['$exists: false', { score: { $exists: false } }, ids(3)],
  ['null matches null and missing', { score: null }, ids(2, 3)],
  ['$ne null', { score: { $ne: null } }, ids(1, 4, 5, 6)],
  ['$in with null', { score: { $in: [null, 3] } }, ids(2, 3, 4)],
  ['dotted path', { 'unit.town': '城关镇' }, ids(1, 2, 5, 6)],
  ['dotted path and a field', { 'unit.town': '河口镇', status: 'closed' }, ids(4)],
  ['dotted $exists: false', { 'unit.village': { $exists: false } }, ids(4)],
  ['array contains', { tags: '占道' }, ids(1, 4, 6)],
  ['array $in', { tags: { $in: ['噪音', '纠纷'] } }, ids(2, 4)],
  ['array $nin', { tags: { $nin: ['占道'] } }, ids(2, 3, 5)],
  ['array $ne', { tags: { $ne: '设施' } }, ids(1, 2, 3, 4)],
  ['boolean', { urgent: true }, ids(4)],
  ['boolean $ne (missing included)', { urgent: { $ne: true } }, ids(1, 2, 3, 5, 6)],
  ['$and', { $and: [{ status: 'reported' }, { priority: { $lte: 2 } }] }, ids(1, 6)],
  ['$or', { $or: [{ status: 'closed' }, { 'unit.village': '西村' }] }, ids(2, 4)],
  ['$or inside $and', { $and: [{ $or: [{ priority: 1 }, { priority: 3 }] }, { 'unit.town': '城关镇' }] }, ids(2, 6)],
  ['_id $in', { _id: { $in: ['case-01', 'case-04', 'case-99'] } }, ids(1, 4)],
  ['Chinese equality', { title: '噪音扰民' }, ids(2)],
  ['mixed-script equality', { title: 'Water leak 漏水' }, ids(6)],
  ['type bracketing: a number range never matches strings', { title: { $gt: 0 } }, []],
];

const UNSUPPORTED: ReadonlyArray<readonly [string, ReadQuery]> = [
  ['$regex', { title: { $regex: '消防' } }],
  ['$where', { $where: 'this.priority > 1' }],
  ['$expr', { $expr: { $gt: ['$priority', 1] } }],
  ['$elemMatch', { tags: { $elemMatch: { $eq: '占道' } } }],
  ['$size', { tags: { $size: 2 } }],
  ['$all', { tags: { $all: ['占道'] } }],
  ['$not', { priority: { $not: { $gt: 1 } } }],
  ['$nor', { $nor: [{ status: 'closed' }] }],
  ['$text', { $text: { $search: '噪音' } }],
  ['$type', { priority: { $type: 'number' } }],
  ['$mod', { priority: { $mod: [2, 0] } }],
  ['an unsupported operator inside $or', { $or: [{ status: 'closed' }, { title: { $regex: 'x' } }] }],
];

const INVALID_QUERIES: ReadonlyArray<readonly [string, ReadQuery]> = [
  ['whole embedded document equality', { unit: { town: '城关镇' } }],
  ['whole array equality', { tags: ['占道'] }],
  ['range against null', { priority: { $gt: null } }],
  ['$in not an array', { status: { $in: 'closed' } }],
  ['empty $or', { $or: [] }],
  ['array position in a path', { 'tags.0': '消防' }],
  ['operators mixed with fields', { status: { $eq: 'closed', foo: 1 } }],
  ['a Date operand', { reportedAt: { $gt: new Date('2024-05-01T00:00:00Z') } }],
];

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: unknown }).code;
  }
  return 'no error';
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function readStoreContract(name: string, factory: () => Promise<ReadStore> | ReadStore, options: ReadStoreContractOptions = {}): void {
  const timeout = options.timeoutMs ?? 60_000;
  const racers = options.racers ?? 12;

  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;

    beforeAll(async () => {
      store = await factory();
    }, timeout);

    afterAll(async () => {
      await store?.close();
    });

    async function seededCases(): Promise<string> {
      const c = contractCollection('cases');
      // written out of _id order, so a store returning ties in insertion order is caught
      for (const i of [3, 5, 0, 4, 2, 1]) await store.upsert(c, CONTRACT_CASES[i], { revision: i });
      return c;
    }

    describe('documents', () => {
      it(
        'reads back a document equal to what was written, with _revision',
        async () => {
          const c = contractCollection();
          const doc = {
            _id: '案件-甲-001',
            title: '消防通道被占用，请尽快处理 🚒',
            reporter: { name: '张三', phone: null, address: { town: '城关镇', village: '东村', building: { no: 7, unit: '2单元' } } },
            tags: ['消防', 'fire lane', ''],
            attachments: [
              { kind: 'photo', size: 2048, meta: { w: 1024, h: 768 } },
              { kind: 'audio', size: 0, meta: {} },
            ],
            numbers: { tenth: 0.1, negative: -5, big: 2 ** 40, maxSafe: Number.MAX_SAFE_INTEGER, small: -1e-7 },
            flags: { open: true, verified: false },
            empty: {},
            none: [],
            note: null,
          };
          expect(await store.upsert(c, doc, { revision: 7 })).toBe(true);
          const expected = { ...doc, _revision: 7 };
          expect(await store.get(c, doc._id)).toEqual(expected);
          expect(await store.find(c, { _id: doc._id })).toEqual([expected]);
          expect(await store.find(c, { 'reporter.address.building.no': 7 })).toEqual([expected]);
        },
        timeout,
      );

      it(
        'drops undefined properties, stores -0 as 0 and ignores a _revision in the document',
        async () => {
          const c = contractCollection();
          await store.upsert(c, { _id: 'x', a: undefined, b: -0, nested: { c: undefined, d: 1 }, _revision: 99 }, { revision: 1 });
          const back = await store.get(c, 'x');
          expect(back).toEqual({ _id: 'x', b: 0, nested: { d: 1 }, _revision: 1 });
          expect(Object.is(back?.['b'], -0)).toBe(false);
          expect(back && 'a' in back).toBe(false);
        },
        timeout,
      );

      it(
        'get returns null for an unknown id and an unknown collection',
        async () => {
          expect(await store.get(contractCollection(), 'nobody')).toBeNull();
          const c = contractCollection();
          await store.upsert(c, { _id: 'a' }, { revision: 0 });
          expect(await store.get(c, 'b')).toBeNull();
        },
        timeout,
      );

      it(
        'keeps collections apart: the same id in two collections',
        async () => {
          const a = contractCollection('a');
          const b = contractCollection('b');
          await store.upsert(a, { _id: 'same', v: 'A' }, { revision: 5 });
          await store.upsert(b, { _id: 'same', v: 'B' }, { revision: 1 });
          expect(await store.get(a, 'same')).toEqual({ _id: 'same', v: 'A', _revision: 5 });
          expect(await store.get(b, 'same')).toEqual({ _id: 'same', v: 'B', _revision: 1 });
          expect(await store.count(b, {})).toBe(1);
        },
        timeout,
      );

      it.each<[string, Record<string, unknown>]>([
        ['a key with a dot', { 'a.b': 1 }],
        ['a key starting with $', { $set: 1 }],
        ['a nested key starting with $', { x: { $y: 1 } }],
        ['an empty key', { '': 1 }],
        ['an array inside an array', { m: [[1, 2]] }],
        ['NaN', { n: Number.NaN }],
        ['Infinity', { n: Number.POSITIVE_INFINITY }],
        ['a Date', { at: new Date('2024-05-01T00:00:00Z') }],
        ['NUL in a string', { s: 'a\0b' }],
        ['a function', { f: () => 1 }],
        ['the reserved _tombstone field', { _tombstone: true }],
        ['a key __proto__ (as JSON.parse makes one)', JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>],
        ['a nested key __proto__', { x: JSON.parse('{"a": 1, "__proto__": {"isAdmin": true}}') as unknown }],
      ])(
        'rejects a document with %s (INVALID_DOCUMENT) and writes nothing',
        async (_what, fields) => {
          const c = contractCollection();
          expect(await codeOf(store.upsert(c, { _id: 'bad', ...fields }, { revision: 1 }))).toBe(InvalidReadDocumentError.code);
          expect(await store.get(c, 'bad')).toBeNull();
        },
        timeout,
      );

      it(
        'rejects a missing or empty _id (INVALID_DOCUMENT)',
        async () => {
          const c = contractCollection();
          expect(await codeOf(store.upsert(c, { _id: '' }, { revision: 1 }))).toBe(InvalidReadDocumentError.code);
          expect(await codeOf(store.upsert(c, { _id: 42 } as unknown as ReadDocInput, { revision: 1 }))).toBe(InvalidReadDocumentError.code);
        },
        timeout,
      );

      it(
        'rejects bad collection names and revisions (INVALID_ARGUMENT)',
        async () => {
          for (const bad of ['', 'a.b', '1abc', 'has space', '$cmd', 'x'.repeat(121)]) {
            expect(await codeOf(store.upsert(bad, { _id: 'a' }, { revision: 1 }))).toBe(ReadStoreArgumentError.code);
            expect(await codeOf(store.find(bad, {}))).toBe(ReadStoreArgumentError.code);
          }
          const c = contractCollection();
          for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
            expect(await codeOf(store.upsert(c, { _id: 'a' }, { revision: bad }))).toBe(ReadStoreArgumentError.code);
          }
          expect(await store.count(c, {})).toBe(0);
        },
        timeout,
      );
    });

    describe('revision guard', () => {
      it(
        'writes a new document at revision 0; an older or equal revision is a no-op; a newer one replaces the document',
        async () => {
          const c = contractCollection();
          expect(await store.upsert(c, { _id: 'd', status: 'reported', note: '首次' }, { revision: 0 })).toBe(true);
          expect(await store.upsert(c, { _id: 'd', status: 'dispatched', assignee: '李四' }, { revision: 3 })).toBe(true);
          const at3 = { _id: 'd', status: 'dispatched', assignee: '李四', _revision: 3 };
          expect(await store.get(c, 'd')).toEqual(at3);

          expect(await store.upsert(c, { _id: 'd', status: 'OLDER' }, { revision: 2 })).toBe(false);
          expect(await store.upsert(c, { _id: 'd', status: 'EQUAL' }, { revision: 3 })).toBe(false);
          expect(await store.upsert(c, { _id: 'd', status: 'FIRST AGAIN' }, { revision: 0 })).toBe(false);
          expect(await store.get(c, 'd')).toEqual(at3);

          expect(await store.upsert(c, { _id: 'd', status: 'closed' }, { revision: 4 })).toBe(true);
          // the whole document is replaced: fields not in the new version are gone
          expect(await store.get(c, 'd')).toEqual({ _id: 'd', status: 'closed', _revision: 4 });
        },
        timeout,
      );

      it(
        'a redelivered write (same revision, same content) changes nothing',
        async () => {
          const c = contractCollection();
          const doc = { _id: 'r', status: 'reported', n: 1 };
          expect(await store.upsert(c, doc, { revision: 5 })).toBe(true);
          expect(await store.upsert(c, doc, { revision: 5 })).toBe(false);
          expect(await store.find(c, {})).toEqual([{ ...doc, _revision: 5 }]);
        },
        timeout,
      );

      it(
        'concurrent upserts of one id with different revisions end with the highest',
        async () => {
          const c = contractCollection();
          const revisions = shuffled(
            Array.from({ length: racers }, (_, i) => i * 3 + 1),
            42,
          );
          const results = await Promise.all(revisions.map((r) => store.upsert(c, { _id: 'hot', wroteAt: r, payload: `版本 ${r}` }, { revision: r })));
          const top = Math.max(...revisions);
          expect(await store.get(c, 'hot')).toEqual({ _id: 'hot', wroteAt: top, payload: `版本 ${top}`, _revision: top });
          expect(results[revisions.indexOf(top)]).toBe(true);
          expect(await store.count(c, {})).toBe(1);
        },
        timeout,
      );

      it(
        'concurrent upserts of several ids, interleaved, each end with their highest revision',
        async () => {
          const c = contractCollection();
          const docIds = ['a', 'b', 'c', 'd'];
          const writes = shuffled(
            docIds.flatMap((id, k) => Array.from({ length: racers }, (_, i) => ({ id, r: i * 2 + k }))),
            7,
          );
          await Promise.all(writes.map(({ id, r }) => store.upsert(c, { _id: id, r }, { revision: r })));
          for (const [k, id] of docIds.entries()) {
            const top = (racers - 1) * 2 + k;
            expect(await store.get(c, id)).toEqual({ _id: id, r: top, _revision: top });
          }
        },
        timeout,
      );
    });

    describe('compare-and-set (expectRevision)', () => {
      it(
        'writes only over the live document at exactly that revision: not an older or newer one, not an absent or deleted one',
        async () => {
          const c = contractCollection();
          await store.upsert(c, { _id: 'd', status: 'reported' }, { revision: 2 });
          expect(await store.upsert(c, { _id: 'd', status: 'FROM 1' }, { revision: 3, expectRevision: 1 })).toBe(false);
          expect(await store.upsert(c, { _id: 'd', status: 'dispatched' }, { revision: 3, expectRevision: 2 })).toBe(true);
          expect(await store.get(c, 'd')).toEqual({ _id: 'd', status: 'dispatched', _revision: 3 });
          // another writer got there first: the revision is no longer the one expected
          expect(await store.upsert(c, { _id: 'd', status: 'STALE' }, { revision: 4, expectRevision: 2 })).toBe(false);
          expect(await store.get(c, 'd')).toEqual({ _id: 'd', status: 'dispatched', _revision: 3 });

          expect(await store.upsert(c, { _id: 'absent', status: 'NEW' }, { revision: 1, expectRevision: 0, expectNew: true })).toBe(false);
          expect(await store.get(c, 'absent')).toBeNull();

          expect(await store.delete(c, 'd', { revision: 5 })).toBe(true);
          expect(await store.upsert(c, { _id: 'd', status: 'AFTER DELETE' }, { revision: 6, expectRevision: 5 })).toBe(false);
          expect(await store.get(c, 'd')).toBeNull();
          expect(await store.count(c, {})).toBe(0);
        },
        timeout,
      );

      it(
        'of several writers expecting the same revision at once, exactly one wins',
        async () => {
          const c = contractCollection();
          await store.upsert(c, { _id: 'hot', by: 'seed' }, { revision: 3 });
          const results = await Promise.all(
            Array.from({ length: racers }, (_, i) => store.upsert(c, { _id: 'hot', by: `writer ${i}` }, { revision: 4, expectRevision: 3 })),
          );
          expect(results.filter(Boolean)).toHaveLength(1);
          expect(await store.get(c, 'hot')).toEqual({ _id: 'hot', by: `writer ${results.indexOf(true)}`, _revision: 4 });
        },
        timeout,
      );

      it(
        'refuses an expected revision that is not lower than the one written',
        async () => {
          const c = contractCollection();
          for (const bad of [4, 5, -1, 1.5]) {
            expect(await codeOf(store.upsert(c, { _id: 'a' }, { revision: 4, expectRevision: bad }))).toBe(ReadStoreArgumentError.code);
          }
        },
        timeout,
      );
    });

    describe('delete', () => {
      it(
        'unguarded delete removes the document and says whether one was there',
        async () => {
          const c = contractCollection();
          await store.upsert(c, { _id: 'x', v: 1 }, { revision: 4 });
          expect(await store.delete(c, 'x')).toBe(true);
          expect(await store.get(c, 'x')).toBeNull();
          expect(await store.delete(c, 'x')).toBe(false);
          // nothing remembers the old revision: a lower one writes again
          expect(await store.upsert(c, { _id: 'x', v: 2 }, { revision: 1 })).toBe(true);
        },
        timeout,
      );

      it(
        'guarded delete leaves a hidden tombstone: older writes stay no-ops, a newer one brings the document back',
        async () => {
          const c = contractCollection();
          await store.upsert(c, { _id: 'x', status: 'open' }, { revision: 2 });
          await store.upsert(c, { _id: 'y', status: 'open' }, { revision: 0 });
          expect(await store.delete(c, 'x', { revision: 1 })).toBe(false); // older than the stored doc
          expect(await store.get(c, 'x')).toEqual({ _id: 'x', status: 'open', _revision: 2 });

          expect(await store.delete(c, 'x', { revision: 3 })).toBe(true);
          expect(await store.get(c, 'x')).toBeNull();
          expect(await store.find(c, {})).toEqual([{ _id: 'y', status: 'open', _revision: 0 }]);
          expect(await store.count(c, { status: 'open' })).toBe(1);
          expect(await store.aggregateCounts(c, {}, 'status')).toEqual([{ key: 'open', count: 1 }]);
          expect(await store.find(c, { _id: 'x' })).toEqual([]);

          expect(await store.upsert(c, { _id: 'x', status: 'redelivered' }, { revision: 2 })).toBe(false);
          expect(await store.upsert(c, { _id: 'x', status: 'redelivered' }, { revision: 3 })).toBe(false);
          expect(await store.delete(c, 'x', { revision: 3 })).toBe(false);
          expect(await store.get(c, 'x')).toBeNull();

          expect(await store.upsert(c, { _id: 'x', status: 'reopened' }, { revision: 4 })).toBe(true);
          expect(await store.get(c, 'x')).toEqual({ _id: 'x', status: 'reopened', _revision: 4 });
        },
        timeout,
      );

      it(
        'a guarded delete of an absent document still guards against older writes',
        async () => {
          const c = contractCollection();
          expect(await store.delete(c, 'ghost', { revision: 5 })).toBe(true);
          expect(await store.upsert(c, { _id: 'ghost' }, { revision: 4 })).toBe(false);
          expect(await store.get(c, 'ghost')).toBeNull();
          // an unguarded delete clears the tombstone but reports no live document
          expect(await store.delete(c, 'ghost')).toBe(false);
          expect(await store.upsert(c, { _id: 'ghost' }, { revision: 4 })).toBe(true);
        },
        timeout,
      );

      it(
        'deleteAll empties one collection (documents and tombstones) and leaves the others',
        async () => {
          const c = await seededCases();
          const other = contractCollection();
          await store.upsert(other, { _id: 'keep' }, { revision: 1 });
          await store.delete(c, 'case-01', { revision: 100 });
          await store.deleteAll(c);
          expect(await store.find(c, {})).toEqual([]);
          expect(await store.count(c, {})).toBe(0);
          expect(await store.get(other, 'keep')).toEqual({ _id: 'keep', _revision: 1 });
          // a rebuild starts from revision 0 again, also for the id that had a tombstone
          expect(await store.upsert(c, { ...CONTRACT_CASES[0] }, { revision: 0 })).toBe(true);
          expect(await store.count(c, {})).toBe(1);
        },
        timeout,
      );
    });

    describe('find and count', () => {
      let c: string;
      beforeAll(async () => {
        c = await seededCases();
      }, timeout);

      it.each(QUERY_CASES.map(([what, query, expected]) => [what, query, expected] as const))(
        '%s',
        async (_what, query, expected) => {
          const found = await store.find(c, query);
          expect(found.map((d) => d._id).sort()).toEqual([...expected].sort());
          expect(await store.count(c, query)).toBe(expected.length);
        },
        timeout,
      );

      it(
        'returns whole documents in _id order when no sort is given',
        async () => {
          const found = await store.find(c, { status: 'dispatched' });
          expect(found).toEqual([
            { ...CONTRACT_CASES[1], _revision: 1 },
            { ...CONTRACT_CASES[4], _revision: 4 },
          ]);
        },
        timeout,
      );

      it(
        'sorts on two fields, the second breaking the ties of the first',
        async () => {
          const found = await store.find(c, {}, { sort: { priority: 1, reportedAt: -1 } });
          expect(found.map((d) => d._id)).toEqual(ids(2, 6, 5, 1, 4, 3));
        },
        timeout,
      );

      it(
        'breaks remaining ties by _id ascending',
        async () => {
          const found = await store.find(c, {}, { sort: { reportedAt: 1 } });
          expect(found.map((d) => d._id)).toEqual(ids(4, 1, 6, 2, 3, 5));
        },
        timeout,
      );

      it(
        'sorts descending with null and missing last, ties by the second field',
        async () => {
          const found = await store.find(c, {}, { sort: { score: -1, priority: 1 } });
          expect(found.map((d) => d._id)).toEqual(ids(5, 6, 1, 4, 2, 3));
        },
        timeout,
      );

      it(
        'sorts Chinese strings by code point, on dotted paths, missing first ascending',
        async () => {
          const found = await store.find(c, {}, { sort: { 'unit.town': 1, 'unit.village': 1 } });
          expect(found.map((d) => d._id)).toEqual(ids(1, 5, 6, 2, 4, 3));
        },
        timeout,
      );

      it(
        'sorts by _id descending',
        async () => {
          const found = await store.find(c, {}, { sort: { _id: -1 } });
          expect(found.map((d) => d._id)).toEqual([...ALL].reverse());
        },
        timeout,
      );

      it(
        'pages with skip and limit over a sorted result without gaps or repeats',
        async () => {
          const sort = { priority: 1 as const, reportedAt: -1 as const };
          const full = (await store.find(c, {}, { sort })).map((d) => d._id);
          const pages: string[] = [];
          for (let skip = 0; skip < 8; skip += 2) {
            const page = await store.find(c, {}, { sort, skip, limit: 2 });
            expect(page.length).toBe(Math.max(0, Math.min(2, full.length - skip)));
            pages.push(...page.map((d) => d._id));
          }
          expect(pages).toEqual(full);
          expect((await store.find(c, {}, { sort, skip: 5 })).map((d) => d._id)).toEqual(full.slice(5));
          expect((await store.find(c, {}, { sort, limit: 3 })).map((d) => d._id)).toEqual(full.slice(0, 3));
          expect(await store.find(c, {}, { sort, skip: 6 })).toEqual([]);
        },
        timeout,
      );

      it(
        'pages a filtered query: the pages add up to count',
        async () => {
          const query = { 'unit.town': '城关镇' };
          const total = await store.count(c, query);
          const seen: string[] = [];
          for (let skip = 0; skip < total; skip += 3) {
            seen.push(...(await store.find(c, query, { sort: { score: -1 }, skip, limit: 3 })).map((d) => d._id));
          }
          expect(seen).toEqual(ids(5, 1, 6, 2));
          expect(seen.length).toBe(total);
        },
        timeout,
      );

      it(
        'projects included fields (with _id and _revision), dotted paths included',
        async () => {
          const found = await store.find(c, { _id: 'case-01' }, { projection: { title: 1, 'unit.town': 1 } });
          expect(found).toEqual([{ _id: 'case-01', _revision: 0, title: '消防通道被占用', unit: { town: '城关镇' } }]);
        },
        timeout,
      );

      it(
        'projects by excluding fields',
        async () => {
          const found = await store.find(c, { _id: 'case-04' }, { projection: { tags: 0, unit: 0, title: 0 } });
          expect(found).toEqual([
            { _id: 'case-04', _revision: 3, status: 'closed', priority: 2, reportedAt: '2024-04-30T18:30:00+08:00', score: 3, urgent: true },
          ]);
        },
        timeout,
      );

      it(
        'answers an unknown collection with nothing',
        async () => {
          const none = contractCollection('none');
          expect(await store.find(none, { status: 'reported' }, { sort: { priority: 1 }, limit: 5 })).toEqual([]);
          expect(await store.count(none, {})).toBe(0);
          expect(await store.aggregateCounts(none, {}, 'status')).toEqual([]);
        },
        timeout,
      );
    });

    describe('aggregateCounts ($match + $group + $sum)', () => {
      let c: string;
      beforeAll(async () => {
        c = await seededCases();
      }, timeout);

      it(
        'counts per value, sorted by key',
        async () => {
          expect(await store.aggregateCounts(c, {}, 'status')).toEqual([
            { key: 'closed', count: 1 },
            { key: 'dispatched', count: 2 },
            { key: 'reported', count: 3 },
          ]);
          expect(await store.aggregateCounts(c, {}, 'priority')).toEqual([
            { key: 1, count: 2 },
            { key: 2, count: 3 },
            { key: 3, count: 1 },
          ]);
        },
        timeout,
      );

      it(
        'counts only the matching documents',
        async () => {
          expect(await store.aggregateCounts(c, { 'unit.town': '城关镇' }, 'status')).toEqual([
            { key: 'dispatched', count: 2 },
            { key: 'reported', count: 2 },
          ]);
          expect(await store.aggregateCounts(c, { status: '不存在' }, 'status')).toEqual([]);
        },
        timeout,
      );

      it(
        'groups on a dotted path with Chinese keys; missing counts under null',
        async () => {
          expect(await store.aggregateCounts(c, {}, 'unit.village')).toEqual([
            { key: null, count: 1 },
            { key: '东村', count: 2 },
            { key: '北村', count: 1 },
            { key: '南村', count: 1 },
            { key: '西村', count: 1 },
          ]);
        },
        timeout,
      );

      it(
        'puts null and missing in one group',
        async () => {
          expect(await store.aggregateCounts(c, {}, 'score')).toEqual([
            { key: null, count: 2 },
            { key: 3, count: 1 },
            { key: 4.5, count: 2 },
            { key: 5, count: 1 },
          ]);
        },
        timeout,
      );

      it(
        'rejects a bad group field (INVALID_QUERY)',
        async () => {
          expect(await codeOf(store.aggregateCounts(c, {}, '$status'))).toBe(InvalidQueryError.code);
          expect(await codeOf(store.aggregateCounts(c, {}, ''))).toBe(InvalidQueryError.code);
        },
        timeout,
      );
    });

    describe('query validation (the same answer from every adapter)', () => {
      let c: string;
      beforeAll(async () => {
        c = await seededCases();
      }, timeout);

      it.each(UNSUPPORTED.map(([what, q]) => [what, q] as const))(
        'rejects %s in find, count and aggregateCounts with READ_STORE.UNSUPPORTED_OPERATOR',
        async (_what, query) => {
          expect(await codeOf(store.find(c, query))).toBe(UnsupportedQueryOperatorError.code);
          expect(await codeOf(store.count(c, query))).toBe(UnsupportedQueryOperatorError.code);
          expect(await codeOf(store.aggregateCounts(c, query, 'status'))).toBe(UnsupportedQueryOperatorError.code);
        },
        timeout,
      );

      it.each(INVALID_QUERIES.map(([what, q]) => [what, q] as const))(
        'rejects %s with READ_STORE.INVALID_QUERY',
        async (_what, query) => {
          expect(await codeOf(store.find(c, query))).toBe(InvalidQueryError.code);
          expect(await codeOf(store.count(c, query))).toBe(InvalidQueryError.code);
        },
        timeout,
      );

      it(
        'rejects bad sort, paging and projection options with READ_STORE.INVALID_QUERY',
        async () => {
          const bad: Array<Record<string, unknown>> = [
            { sort: { priority: 2 } },
            { sort: { $natural: 1 } },
            { limit: 0 },
            { limit: 1.5 },
            { skip: -1 },
            { projection: { title: 1, tags: 0 } },
            { projection: { _id: 0 } },
            { projection: { unit: 1, 'unit.town': 1 } },
            { hint: { status: 1 } },
          ];
          for (const options of bad) expect([options, await codeOf(store.find(c, {}, options))]).toEqual([options, InvalidQueryError.code]);
        },
        timeout,
      );
    });

    describe('indexes', () => {
      it(
        'ensureIndexes is idempotent and queries keep their answers',
        async () => {
          const c = await seededCases();
          const specs: IndexSpec[] = [{ keys: { status: 1, reportedAt: -1 } }, { keys: { 'unit.town': 1 }, name: 'by_town' }];
          await store.ensureIndexes(c, specs);
          await store.ensureIndexes(c, specs);
          expect((await store.find(c, { status: 'reported' }, { sort: { reportedAt: -1 } })).map((d) => d._id)).toEqual(ids(3, 1, 6));
          expect(await store.count(c, { 'unit.town': '河口镇' })).toBe(2);
        },
        timeout,
      );

      it(
        'ensureIndexes works before the collection has documents',
        async () => {
          const c = contractCollection();
          await store.ensureIndexes(c, [{ keys: { status: 1 } }]);
          await store.upsert(c, { _id: 'a', status: 'reported' }, { revision: 0 });
          expect(await store.count(c, { status: 'reported' })).toBe(1);
        },
        timeout,
      );

      it(
        'rejects an index whose name is taken by other keys (INVALID_ARGUMENT)',
        async () => {
          const c = contractCollection();
          await store.ensureIndexes(c, [{ keys: { status: 1 }, name: 'main' }]);
          expect(await codeOf(store.ensureIndexes(c, [{ keys: { priority: 1 }, name: 'main' }]))).toBe(ReadStoreArgumentError.code);
          expect(await codeOf(store.ensureIndexes(c, [{ keys: { 'a.$b': 1 } }]))).toBe(ReadStoreArgumentError.code);
          expect(await codeOf(store.ensureIndexes(c, [{ keys: { status: 2 } } as never]))).toBe(ReadStoreArgumentError.code);
        },
        timeout,
      );
    });
  });
}
