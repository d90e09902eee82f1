import { closedCase, DEPT, describeCaseCommand, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'archive',
  setup: async (h) => {
    const caseId = await closedCase(h);
    await ok(h, caseId, 'callback', OP, { rating: 5, satisfied: true });
    return caseId;
  },
  as: OP,
  then: { status: 'archived', events: ['CaseArchived'] },
  forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
  outside: 'op.v-1-2',
  invalid: [[{ reason: 42 }, 'reason']],
});
