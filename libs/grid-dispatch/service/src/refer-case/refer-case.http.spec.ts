import { DEPT, describeCaseCommand, dispatchedCase, OP } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'refer',
  setup: dispatchedCase,
  as: OP,
  body: () => ({ target: 'mediation', reason: '实为邻里纠纷，转人民调解' }),
  then: { status: 'referred', events: ['CaseReferred'] },
  forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
  outside: 'op.v-1-2',
  invalid: [
    [{ target: 'court', reason: 'x' }, 'target'],
    [{ target: 'mediation' }, 'reason'],
  ],
});
