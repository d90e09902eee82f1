import { DEPT, describeCaseCommand, dispatchedCase } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'object',
    setup: dispatchedCase,
    as: DEPT,
    body: () => ({ reason: '非本单位职责' }),
    then: { status: 'objection', events: ['DispatchObjected'] },
    forbidden: ['gw.g-1-1-1', 'audit.d'],
    outside: 'dept.t1-cg',
    invalid: [[{}, 'reason']],
  },
  (h) => {
    it('400 from the decider for a reason made only of spaces', async () => {
      const caseId = await dispatchedCase(h());
      expect(await h().command(caseId, 'object', DEPT, { reason: '   ' })).toMatchObject({ status: 400, body: { code: 'GRID_CASE.REASON_REQUIRED' } });
    });
  },
);
