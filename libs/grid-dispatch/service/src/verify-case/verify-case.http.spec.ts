import { DEPT, describeCaseCommand, feedbackCase, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'verify',
    setup: feedbackCase,
    as: OP,
    body: () => ({ result: 'pass', findings: '现场已畅通' }),
    then: { status: 'verified', events: ['CaseVerified'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [
      [{ result: 'maybe', findings: 'x' }, 'result'],
      [{ result: 'pass' }, 'findings'],
    ],
  },
  (h) => {
    it('a failure orders rework, back to the unit', async () => {
      const caseId = await feedbackCase(h());
      expect(await ok(h(), caseId, 'verify', OP, { result: 'fail', findings: '通道内仍堆有杂物' })).toMatchObject({
        status: 'in_progress',
        events: ['ReworkOrdered'],
      });
      expect((await h().call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP })).body).toMatchObject({ reworkCount: 1 });
    });
  },
);
