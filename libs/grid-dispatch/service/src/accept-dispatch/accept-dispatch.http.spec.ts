import { DEPT, describeCaseCommand, dispatchedCase, ok } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'accept',
    setup: dispatchedCase,
    as: DEPT,
    then: { status: 'in_progress', events: ['DispatchAccepted'] },
    forbidden: ['audit.d', 'med.v-1-1'],
    outside: 'dept.t1-cg',
    invalid: [[{ unexpected: true }, 'unexpected']],
  },
  (h) => {
    it("409 once accepted; the grid worker of the grid sees the case but it is the department's to accept", async () => {
      const caseId = await dispatchedCase(h());
      expect(await h().command(caseId, 'accept', 'gw.g-1-1-1')).toMatchObject({ status: 403, body: { code: 'GRID_CASE.NOT_ASSIGNED_UNIT' } });
      await ok(h(), caseId, 'accept', DEPT);
      expect(await h().command(caseId, 'accept', DEPT)).toMatchObject({
        status: 409,
        body: { code: 'GRID_CASE.CANNOT_ACCEPT_DISPATCH', message: '工单当前状态为“处置中”，不能签收' },
      });
    });
  },
);
