import { DEPT, describeCaseCommand, feedbackCase, inProgressCase, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'close',
    setup: async (h) => {
      const caseId = await feedbackCase(h);
      await ok(h, caseId, 'verify', OP, { result: 'pass', findings: '属实' });
      return caseId;
    },
    as: OP,
    body: () => ({ summary: '消防通道已恢复畅通' }),
    then: { status: 'closed', events: ['CaseClosed'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [[{}, 'summary']],
  },
  (h) => {
    it('409 before verification', async () => {
      const caseId = await inProgressCase(h());
      expect(await h().command(caseId, 'close', OP, { summary: '结案' })).toMatchObject({ status: 409, body: { code: 'GRID_CASE.CANNOT_CLOSE_CASE' } });
    });
  },
);
