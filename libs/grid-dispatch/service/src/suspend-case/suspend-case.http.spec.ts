import { DEPT, describeCaseCommand, inProgressCase, OP } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'suspend',
  setup: inProgressCase,
  as: OP,
  body: () => ({ reason: '等待业主委员会决议' }),
  then: { status: 'suspended', events: ['CaseSuspended'] },
  forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
  outside: 'op.v-1-2',
  invalid: [[{}, 'reason']],
});
