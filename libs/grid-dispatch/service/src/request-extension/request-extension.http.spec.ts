import { DEPT, describeCaseCommand, inProgressCase } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'request-extension',
  setup: inProgressCase,
  as: DEPT,
  body: () => ({ duration: 1, unit: 'working_days', reason: '车主外出，需联系拖车' }),
  then: { status: 'extension_requested', events: ['ExtensionRequested'] },
  forbidden: ['audit.d'],
  outside: 'dept.t1-cg',
  invalid: [
    [{ duration: -1, unit: 'working_days', reason: 'x' }, 'duration'],
    [{ duration: 1, unit: 'fortnights', reason: 'x' }, 'unit'],
  ],
});
