import { DEPT, describeCaseCommand, inProgressCase, ok, OP, OP_TOWN } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'answer-supervision',
    setup: async (h) => {
      const caseId = await inProgressCase(h);
      await ok(h, caseId, 'supervise', OP_TOWN, { opinion: '请加快' });
      return caseId;
    },
    as: DEPT,
    body: async (caseId, h) => ({
      supervisionId: (await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP })).body.supervisions[0].supervisionId,
      answer: '已安排专人今日处置',
    }),
    then: { status: 'in_progress', events: ['SupervisionAnswered'] },
    forbidden: ['gw.g-1-1-1', 'audit.d'],
    outside: 'dept.t1-cg',
    invalid: [[{ answer: 'x' }, 'supervisionId']],
  },
  (h) => {
    it('404 for a supervision the case does not have', async () => {
      const caseId = await inProgressCase(h());
      expect(await h().command(caseId, 'answer-supervision', DEPT, { supervisionId: 'nope', answer: 'x' })).toMatchObject({
        status: 404,
        body: { code: 'GRID_CASE.UNKNOWN_SUPERVISION' },
      });
    });
  },
);
