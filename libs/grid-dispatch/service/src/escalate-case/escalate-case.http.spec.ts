import { DEPT, describeCaseCommand, dispatchedCase, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'escalate',
    setup: dispatchedCase,
    as: OP,
    body: () => ({ reason: '涉及多个部门，提请街道协调' }),
    then: { status: 'dispatched', events: ['Escalated'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [[{}, 'reason']],
  },
  (h) => {
    it('raises the level village → town', async () => {
      const caseId = await dispatchedCase(h());
      await ok(h(), caseId, 'escalate', OP, { reason: '需街道协调' });
      expect((await h().call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP })).body).toMatchObject({ level: 'town' });
    });
  },
);
