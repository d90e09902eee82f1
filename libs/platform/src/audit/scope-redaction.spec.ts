import type { StoreVerification } from '@fengqiao/event-store';
import { OUT_OF_SCOPE_DETAIL, redactOutOfScope } from './scope-redaction';

const ref = (streamId: string, id: string) => ({ id, streamId, revision: 2, globalPosition: 7 });

describe('whole-store verification seen by an auditor of one unit', () => {
  const result: StoreVerification = {
    ok: false,
    eventCount: 10,
    streamCount: 3,
    treeSize: 10,
    rootHash: 'ab',
    checkpointsVerified: 1,
    failures: [
      { check: 'chain', reason: 'CHAIN_HASH_MISMATCH', detail: 'grid-case-OTHER revision 2: hash differs', event: ref('grid-case-OTHER', 'e-other') },
      { check: 'chain', reason: 'CHAIN_HASH_MISMATCH', detail: 'grid-case-MINE revision 2: hash differs', event: ref('grid-case-MINE', 'e-mine') },
      {
        check: 'checkpoint',
        reason: 'LOG_INCONSISTENT_WITH_CHECKPOINT',
        detail: 'leaf 6 of grid-case-OTHER',
        suspectLeaves: { from: 6, to: 8, firstEvent: ref('grid-case-OTHER', 'e-other') },
      },
      { check: 'log', reason: 'LOG_SHORTER_THAN_CHECKPOINT', detail: 'the log has 10 leaves, the checkpoint 12' },
    ],
    firstFailure: {
      check: 'chain',
      reason: 'CHAIN_HASH_MISMATCH',
      detail: 'grid-case-OTHER revision 2: hash differs',
      event: ref('grid-case-OTHER', 'e-other'),
    },
  } as StoreVerification;

  it('keeps the failures in scope and those naming no event; hides which events outside the scope failed, but not that they did', async () => {
    const asked: string[] = [];
    const scoped = await redactOutOfScope(result, async (streamId) => {
      asked.push(streamId);
      return streamId === 'grid-case-MINE';
    });
    expect(scoped.ok).toBe(false);
    expect(scoped.outOfScopeFailures).toBe(2);
    expect(scoped.failures).toHaveLength(4);
    expect(scoped.failures[1]).toEqual(result.failures[1]);
    expect(scoped.failures[3]).toEqual(result.failures[3]);
    expect(scoped.failures[0]).toEqual({ check: 'chain', reason: 'CHAIN_HASH_MISMATCH', detail: OUT_OF_SCOPE_DETAIL });
    expect(scoped.failures[2]).toEqual({
      check: 'checkpoint',
      reason: 'LOG_INCONSISTENT_WITH_CHECKPOINT',
      detail: OUT_OF_SCOPE_DETAIL,
      suspectLeaves: { from: 6, to: 8 },
    });
    expect(scoped.firstFailure).toEqual(scoped.failures[0]);
    expect(JSON.stringify(scoped)).not.toContain('OTHER');
    expect(asked.sort()).toEqual(['grid-case-MINE', 'grid-case-OTHER']); // each stream looked up once
  });

  it('a district-wide auditor sees everything', async () => {
    const scoped = await redactOutOfScope(result, async () => true);
    expect(scoped).toEqual({ ...result, outOfScopeFailures: 0 });
  });
});
