import { DatabaseSync } from 'node:sqlite';
import { MemoryAuditFollowerState, type AuditFollowerState } from './audit-follower-state';
import { SqliteAuditFollowerState } from './sqlite-audit-follower-state';

// positions as a KurrentDB store gives them (commit positions, with gaps) and as SQLite does (dense)
const positions = [5, 6, 10, 11, 12, 20];

describe.each([
  ['in memory', () => new MemoryAuditFollowerState()],
  ['in SQLite', () => new SqliteAuditFollowerState({ database: new DatabaseSync(':memory:') })],
])('AuditFollowerState %s: leaf positions and stream keys', (_name, make: () => AuditFollowerState) => {
  it('finds a leaf by its position across gaps, and only among committed leaves', () => {
    const state = make();
    positions.forEach((p, leaf) => state.addLeaf(leaf, p));
    expect(state.leafIndexOf(6)).toBeUndefined(); // not committed yet
    state.commit({ treeSize: positions.length, lastPosition: 20, keysVersion: 'v' });
    expect(positions.map((p) => state.leafIndexOf(p))).toEqual([0, 1, 2, 3, 4, 5]);
    expect([4, 7, 13, 19, 21].map((p) => state.leafIndexOf(p))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect([0, 2, 5, 6].map((l) => state.positionOf(l))).toEqual([5, 10, 20, undefined]);
    // a page of them at once (the re-check of a resumed log), across runs, cut at the committed size
    expect(state.positionsOf(0, 6)).toEqual(positions);
    expect(state.positionsOf(1, 4)).toEqual([6, 10, 11, 12]);
    expect(state.positionsOf(4, 10)).toEqual([12, 20]);
    expect(state.positionsOf(6, 2)).toEqual([]);
    expect(state.progress()).toEqual({ treeSize: 6, lastPosition: 20, keysVersion: 'v' });
  });

  it('finds streams by key, in the order their first event joined the log; cleared, nothing', () => {
    const state = make();
    state.addStreamKey('n:b', 'b', 0);
    state.addStreamKey('c:x', 'b', 0);
    state.addStreamKey('n:a', 'a', 1);
    state.addStreamKey('c:x', 'a', 1);
    state.addStreamKey('c:x', 'b', 2);
    state.commit({ treeSize: 3, lastPosition: 3, keysVersion: '' });
    expect(state.streamsWithKeys(['c:x'])).toEqual(['b', 'a']);
    expect(state.streamsWithKeys(['n:a', 'n:zzz'])).toEqual(['a']);
    expect(state.streamsWithKeys([])).toEqual([]);
    state.clear();
    expect(state.streamsWithKeys(['c:x'])).toEqual([]);
    expect(state.progress().treeSize).toBe(0);
  });
});
