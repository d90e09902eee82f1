import { filterProblems, type RecordedCommand } from './command-recorder';

const cmd = (name: string, command: Record<string, unknown>): RecordedCommand => ({ name, collection: 'c', command: { [name]: 'c', ...command } });

describe('filterProblems: what the scale tests accept as an indexed, pushed-down query', () => {
  it('accepts equalities on _id and on top-level scalar fields, inserts and getMore', () => {
    expect(filterProblems(cmd('find', { filter: { _id: 5 } }))).toEqual([]);
    expect(filterProblems(cmd('find', { filter: { streamId: 's', firstRevision: 3 }, limit: 1 }))).toEqual([]);
    expect(filterProblems(cmd('update', { updates: [{ q: { _id: 'x' }, u: { $set: { a: 1 } } }] }))).toEqual([]);
    expect(filterProblems(cmd('delete', { deletes: [{ q: { group: 'g', messageId: 'm' } }] }))).toEqual([]);
    expect(filterProblems(cmd('insert', { documents: [{ _id: 1 }] }))).toEqual([]);
    expect(filterProblems(cmd('getMore', {}))).toEqual([]);
  });

  it('refuses ranges, $in, $or, dotted paths, sorts and other commands', () => {
    expect(filterProblems(cmd('find', { filter: { lastPosition: { $gt: 3 } } }))).toHaveLength(1);
    expect(filterProblems(cmd('find', { filter: { eventIds: { $in: ['a'] } } }))).toHaveLength(1);
    expect(filterProblems(cmd('find', { filter: { $or: [{ a: 1 }] } }))).toHaveLength(1);
    expect(filterProblems(cmd('find', { filter: { 'events.id': 'a' } }))).toHaveLength(1);
    expect(filterProblems(cmd('find', { filter: { _id: 1 }, sort: { lastPosition: -1 } }))).toHaveLength(1);
    expect(filterProblems(cmd('find', { filter: {} }))).toHaveLength(1);
    expect(filterProblems(cmd('delete', { deletes: [{ q: {} }] }))).toHaveLength(1);
    expect(filterProblems(cmd('update', { updates: [{ q: { _id: 'x', position: { $lt: 3 } }, u: {} }] }))).toHaveLength(1);
    expect(filterProblems(cmd('aggregate', { pipeline: [] }))).toHaveLength(1);
  });
});
