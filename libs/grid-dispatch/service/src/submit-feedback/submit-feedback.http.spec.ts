import { DEPT, describeCaseCommand, inProgressCase } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'feedback',
  setup: inProgressCase,
  as: DEPT,
  body: () => ({ result: '车辆已移走' }),
  then: { status: 'feedback_submitted', events: ['FeedbackSubmitted'] },
  forbidden: ['audit.d'],
  outside: 'dept.t1-cg',
  invalid: [
    [{}, 'result'],
    [{ result: 'x', attachments: 'none' }, 'attachments'],
  ],
});
