import { DEPT, describeCaseCommand, dispatchedCase, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'rule-objection',
    setup: async (h) => {
      const caseId = await dispatchedCase(h);
      await ok(h, caseId, 'object', DEPT, { reason: '非本单位职责' });
      return caseId;
    },
    as: OP,
    body: () => ({ decision: 'rejected', reason: '属本单位职责' }),
    then: { status: 'dispatched', events: ['ObjectionRejected'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [
      [{ decision: 'maybe', reason: 'x' }, 'decision'],
      [{ decision: 'upheld', reason: 'x' }, 'newUnitId'],
    ],
  },
  (h) => {
    it('upheld redispatches to another unit, which must exist; the old unit no longer sees the case', async () => {
      const caseId = await dispatchedCase(h());
      await ok(h(), caseId, 'object', DEPT, { reason: '车辆停放属交通管理' });
      expect(await h().command(caseId, 'rule-objection', OP, { decision: 'upheld', newUnitId: 'dept-nowhere', reason: '改派' })).toMatchObject({
        status: 400,
        body: { code: 'GRID_DISPATCH.UNKNOWN_UNIT' },
      });
      expect(await ok(h(), caseId, 'rule-objection', OP, { decision: 'upheld', newUnitId: 'dept-d-xf', reason: '改派区消防救援大队' })).toMatchObject({
        status: 'dispatched',
        events: ['ObjectionUpheld'],
      });
      expect((await h().command(caseId, 'accept', DEPT)).status).toBe(403);
      expect(await ok(h(), caseId, 'accept', 'dept.d-xf')).toMatchObject({ status: 'in_progress' });
    });
  },
);
