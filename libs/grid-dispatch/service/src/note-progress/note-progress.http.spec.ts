import { DEPT, describeCaseCommand, inProgressCase } from '../testing/case-command.spec-kit';

describeCaseCommand({
  command: 'progress',
  setup: inProgressCase,
  as: DEPT,
  body: () => ({ note: '已联系物业清理楼道杂物', attachments: [{ ref: 'file-1', mediaType: 'image/jpeg' }] }),
  then: { status: 'in_progress', events: ['ProgressNoted'] },
  forbidden: ['audit.d', 'med.v-1-1'],
  outside: 'dept.t1-cg',
  invalid: [
    [{ note: '' }, 'note'],
    [{ note: 'x', attachments: [{ ref: '' }] }, 'attachments.0.ref'],
    [{ note: 'x'.repeat(2001) }, 'note'],
  ],
});
