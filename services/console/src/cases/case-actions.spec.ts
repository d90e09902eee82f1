import type { GridCase, IntakeCase, Me } from '../api/types';
import { availableActions } from './case-actions';

const operatorActions = [
  'case.read',
  'case.list',
  'case.accept_report',
  'case.merge',
  'case.file',
  'case.dispatch',
  'case.accept',
  'case.object',
  'case.rule_objection',
  'case.handle',
  'case.request_extension',
  'case.rule_extension',
  'case.feedback',
  'case.verify',
  'case.close',
  'case.callback',
  'case.supervise',
  'case.escalate',
  'case.answer_supervision',
  'case.suspend',
  'case.reopen',
  'case.refer',
  'case.archive',
];
const me = (roles: Me['roles'], unitId: string, actions: string[]): Me => ({
  userId: 'u',
  username: 'u',
  displayName: 'u',
  roles,
  unitId,
  unitName: '',
  unitPath: [],
  actions,
});
const operator = me(['operator'], 'v-2-3', operatorActions);
// the actions /auth/me gives the demo grid worker and department (a grid worker may not object)
const gridWorker = me(['grid_worker'], 'g-2-3-1', [
  'case.read',
  'case.list',
  'case.report',
  'case.accept',
  'case.handle',
  'case.request_extension',
  'case.feedback',
  'case.answer_supervision',
]);
const department = me(['department'], 'g-2-3-1', [
  'case.read',
  'case.list',
  'case.accept',
  'case.object',
  'case.handle',
  'case.request_extension',
  'case.feedback',
  'case.answer_supervision',
]);
const order = (status: string, extra: Partial<GridCase> = {}): GridCase =>
  ({
    caseId: 'c',
    status,
    statusLabel: '',
    category: 'x',
    urgency: 'normal',
    gridId: 'g-2-3-1',
    level: 'village',
    unitId: 'g-2-3-1',
    filedAt: '',
    updatedAt: '',
    timer: null,
    queueKind: null,
    awaiting: null,
    inRework: false,
    supervisions: [],
    openSupervisions: 0,
    overdue: false,
    revision: 1,
    ...extra,
  }) as GridCase;
const intake = (status: string) => ({ caseId: 'c', status }) as IntakeCase;

describe('availableActions', () => {
  it('offers the operator accept, decline, file and merge on a reported case, and nothing to a grid worker', () => {
    expect(availableActions(operator, intake('reported'), null)).toEqual(['intake.accept', 'intake.decline', 'intake.file', 'intake.merge']);
    expect(availableActions(operator, intake('accepted'), null)).toEqual(['intake.file', 'intake.merge']);
    expect(availableActions(gridWorker, intake('reported'), null)).toEqual([]);
  });

  it('offers accept (and object, where the role may) only to the assigned unit of a dispatched work order', () => {
    expect(availableActions(gridWorker, null, order('dispatched'))).toEqual(['accept']);
    expect(availableActions(department, null, order('dispatched'))).toEqual(['accept', 'object']);
    expect(availableActions(gridWorker, null, order('dispatched', { unitId: 'g-2-3-2' }))).toEqual([]);
    expect(availableActions(operator, null, order('dispatched'))).toEqual(['supervise', 'escalate', 'merge', 'refer']);
  });

  it('follows the work order through handling, verification and closing', () => {
    expect(availableActions(gridWorker, null, order('in_progress'))).toEqual(['progress', 'feedback', 'request-extension']);
    expect(availableActions(operator, null, order('feedback_submitted'))).toEqual(['verify', 'supervise', 'escalate']);
    expect(availableActions(operator, null, order('verified'))).toEqual(['close', 'supervise', 'escalate']);
    expect(availableActions(operator, null, order('closed'))).toEqual(['callback', 'reopen']);
    expect(availableActions(operator, null, order('callback_done'))).toEqual(['reopen', 'archive']);
    expect(availableActions(operator, null, order('filed', { unitId: null }))).toEqual(['dispatch', 'supervise', 'escalate', 'merge', 'refer']);
  });

  it('lets the unit answer an open supervision and never offers escalation above the district', () => {
    expect(availableActions(gridWorker, null, order('in_progress', { openSupervisions: 1 }))).toContain('answer-supervision');
    expect(availableActions(operator, null, order('in_progress', { level: 'district' }))).not.toContain('escalate');
  });

  it('offers nothing the user is not allowed to do, whatever the state', () => {
    const readOnly = me(['auditor'], 'd-fq', ['case.read', 'case.list']);
    for (const s of ['filed', 'dispatched', 'in_progress', 'feedback_submitted', 'verified', 'closed'])
      expect(availableActions(readOnly, null, order(s, { unitId: 'd-fq' }))).toEqual([]);
  });
});
