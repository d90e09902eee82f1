import { closedCase, DEPT, describeCaseCommand, OP } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'callback',
  setup: closedCase,
  as: OP,
  body: () => ({ rating: 5, satisfied: true, comment: '处理及时' }),
  then: { status: 'callback_done', events: ['CallbackRecorded'] },
  forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
  outside: 'op.v-1-2',
  invalid: [
    [{ rating: 6, satisfied: true }, 'rating'],
    [{ rating: 3 }, 'satisfied'],
  ],
});
