import { compareStrings, compareValues, sortDocuments, sortKeyOf } from './bson-order';

describe('MongoDB order', () => {
  it('orders types: null/missing < numbers < strings < objects < arrays < booleans', () => {
    const values = [true, [1], { a: 1 }, 'a', 2, null, false, -1];
    expect([...values].sort(compareValues)).toEqual([null, -1, 2, 'a', { a: 1 }, [1], false, true]);
    expect(compareValues(undefined, null)).toBe(0); // a missing field compares as null
  });

  it('orders strings by code point (UTF-8 byte order), not by UTF-16 unit', () => {
    // U+1F692 (🚒, a surrogate pair in UTF-16) is above U+FF01 by code point, below it by UTF-16 unit
    expect(compareStrings('🚒', '！')).toBe(1);
    expect('🚒' < '！').toBe(true);
    expect(['西村', '东村', '北村', '南村'].sort(compareStrings)).toEqual(['东村', '北村', '南村', '西村']);
  });

  it('sorts an array field by its smallest element ascending and largest descending; [] before null', () => {
    const docs = [{ _id: 'a', tags: ['x', 'y'] }, { _id: 'b', tags: ['z'] }, { _id: 'c', tags: [] }, { _id: 'd' }, { _id: 'e', tags: ['x'] }];
    expect(
      sortDocuments(docs, [
        ['tags', 1],
        ['_id', 1],
      ]).map((d) => d._id),
    ).toEqual(['c', 'd', 'a', 'e', 'b']);
    expect(
      sortDocuments(docs, [
        ['tags', -1],
        ['_id', 1],
      ]).map((d) => d._id),
    ).toEqual(['b', 'a', 'e', 'd', 'c']);
  });

  it('reaches into arrays of embedded documents along a path', () => {
    expect(sortKeyOf({ items: [{ k: 3 }, { k: 1 }, {}] }, 'items.k', 1)).toBeNull();
    expect(sortKeyOf({ items: [{ k: 3 }, { k: 1 }] }, 'items.k', 1)).toBe(1);
    expect(sortKeyOf({ items: [{ k: 3 }, { k: 1 }] }, 'items.k', -1)).toBe(3);
    expect(sortKeyOf({ unit: { town: '城关镇' } }, 'unit.town', 1)).toBe('城关镇');
  });
});
