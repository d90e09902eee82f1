import { DEPT, describeCaseCommand, inProgressCase, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'resume',
  setup: async (h) => {
    const caseId = await inProgressCase(h);
    await ok(h, caseId, 'suspend', OP, { reason: '待决议' });
    return caseId;
  },
  as: OP,
  then: { status: 'in_progress', events: ['CaseResumed'] },
  forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
  outside: 'op.v-1-2',
  invalid: [[{ reason: 42 }, 'reason']],
});
