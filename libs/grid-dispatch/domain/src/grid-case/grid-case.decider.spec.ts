import fc from 'fast-check';
import { appendAndVerifyEveryEvent } from '@fengqiao/testing';
import {
  Actor,
  calendarsFromNotices,
  SHIPPED_CALENDAR_NOTICES,
  withNotice,
  CN_NATIONAL_CALENDAR as CN,
  CommandMeta,
  computeDeadline,
  DeadlineRule,
  DomainError,
  fold,
} from '@fengqiao/kernel';
import { TEST_NOTICE_2027, deciderSpec } from '@fengqiao/kernel/testing';
import { DeadlineRuleTable } from './deadline-rules';
import { createGridCaseDecider, isUnderSupervision, toGridCaseStreamId } from './grid-case.decider';
import { GridCaseCommand, GridCaseEvent, GridCaseState, GridCaseStatus, GridCaseStep, StepTimer } from './grid-case.types';

// ------------------------------------------------------------------ configuration

const LOCAL = '济南市12345热线条例§24（本地规则，示例）';
const R: Record<string, DeadlineRule> = {
  dispatch: { ruleId: 'grid.dispatch', duration: 2, unit: 'working_hours', warnBefore: 0.5 },
  accept: { ruleId: 'grid.accept', duration: 4, unit: 'working_hours', warnBefore: 1 },
  rule_objection: { ruleId: 'grid.objection', duration: 1, unit: 'working_days' },
  handle: { ruleId: 'grid.handle', legalBasis: LOCAL, duration: 5, unit: 'working_days', warnBefore: 1 },
  handleUrgent: { ruleId: 'grid.handle.urgent', duration: 2, unit: 'working_days' },
  handleFireLaneCritical: { ruleId: 'grid.handle.fire-lane.very-urgent', duration: 4, unit: 'working_hours', warnBefore: 1 },
  verify: { ruleId: 'grid.verify', duration: 1, unit: 'working_days' },
  callback: { ruleId: 'grid.callback', duration: 3, unit: 'working_days' },
  extension: { ruleId: 'grid.extension', legalBasis: LOCAL, duration: 1, unit: 'working_days', warnBefore: 1 },
};
// no rule for the `close` step: verified cases run without a closing deadline
const rules: DeadlineRuleTable = [
  { step: 'dispatch', rule: R.dispatch },
  { step: 'accept', rule: R.accept },
  { step: 'rule_objection', rule: R.rule_objection },
  { step: 'handle', rule: R.handle },
  { step: 'handle', urgency: 'urgent', rule: R.handleUrgent },
  { step: 'handle', category: '消防通道占用', urgency: 'very_urgent', rule: R.handleFireLaneCritical },
  { step: 'verify', rule: R.verify },
  { step: 'callback', rule: R.callback },
  { step: 'extension', rule: R.extension },
];
const decider = createGridCaseDecider({ deadlineRules: rules, calendar: CN });
const spec = deciderSpec(decider);

const timerOf = (timerId: string, step: GridCaseStep, rule: DeadlineRule, startAt: string): StepTimer => ({
  timerId,
  step,
  deadline: computeDeadline(rule, startAt, CN),
});

// ------------------------------------------------------------------ actors, times, commands

const caseId = 'case-1';
const operator: Actor = { userId: 'op-1', role: 'operator', unitId: 'centre-village-12' };
const system: Actor = { userId: 'scheduler', role: 'system', unitId: 'system' };
const unitA: Actor = { userId: 'u-a', role: 'department', unitId: 'dept-chengguan' };
const unitB: Actor = { userId: 'u-b', role: 'department', unitId: 'dept-zhujian' };

const T = {
  filed: '2024-09-27T10:00:00+08:00', // Friday before National Day 2024
  dispatch: '2024-09-27T10:30:00+08:00',
  object: '2024-09-27T11:00:00+08:00',
  ruling: '2024-09-27T15:00:00+08:00',
  accept: '2024-09-29T09:00:00+08:00', // Sunday, a make-up workday (调休)
  progress: '2024-09-30T10:00:00+08:00',
  suspend: '2024-09-30T11:00:00+08:00',
  resume: '2024-10-08T09:00:00+08:00',
  extRequest: '2024-10-09T10:00:00+08:00',
  extRuling: '2024-10-09T15:00:00+08:00',
  feedback: '2024-10-10T10:00:00+08:00',
  verify: '2024-10-10T15:00:00+08:00',
  close: '2024-10-11T09:30:00+08:00',
  callback: '2024-10-12T10:00:00+08:00', // Saturday, a make-up workday
  archive: '2024-10-14T09:00:00+08:00',
  reopen: '2024-10-14T10:00:00+08:00',
};

const meta = (actor: Actor, now: string, reason?: string | null): CommandMeta => ({ actor, now, ...(reason ? { reason } : {}) });
type Cmd<K extends GridCaseCommand['type']> = Extract<GridCaseCommand, { type: K }>;
function c<K extends GridCaseCommand['type']>(
  type: K,
  data: Omit<Cmd<K>['data'], 'caseId'>,
  actor: Actor,
  now: string,
  reason?: string | null,
): GridCaseCommand {
  return { type, data: { caseId, ...data }, meta: meta(actor, now, reason) } as GridCaseCommand;
}

const cmd = {
  open: (over: Partial<Cmd<'OpenWorkOrder'>['data']> = {}, actor: Actor = system) =>
    c('OpenWorkOrder', { category: '消防通道占用', urgency: 'normal', gridId: 'grid-3', level: 'village', filedAt: T.filed, ...over }, actor, T.filed),
  dispatch: (unitId = unitA.unitId, actor: Actor = operator) => c('DispatchCase', { unitId }, actor, T.dispatch),
  accept: (actor: Actor = unitA, now = T.accept) => c('AcceptDispatch', {}, actor, now),
  object: (actor: Actor = unitA, reason: string | null = '不属于城管职责，应由住建部门处理') => c('ObjectToDispatch', {}, actor, T.object, reason),
  uphold: (newUnitId: string | null = unitB.unitId, actor: Actor = operator, reason: string | null = '退单理由成立') =>
    c('RuleOnObjection', { decision: 'upheld', ...(newUnitId !== null ? { newUnitId } : {}) }, actor, T.ruling, reason),
  reject: (newUnitId?: string, actor: Actor = operator, reason: string | null = '属于城管职责，继续办理') =>
    c('RuleOnObjection', { decision: 'rejected', ...(newUnitId !== undefined ? { newUnitId } : {}) }, actor, T.ruling, reason),
  note: (note = '已联系车主挪车', actor: Actor = unitA) => c('NoteProgress', { note, attachments: [{ ref: 'obj://p/1.jpg' }] }, actor, T.progress),
  requestExt: (over: Partial<Cmd<'RequestExtension'>['data']> = {}, actor: Actor = unitA, now = T.extRequest, reason: string | null = '车主外出，需协调') =>
    c('RequestExtension', { duration: 2, unit: 'working_days', ...over }, actor, now, reason),
  grantExt: (over: Partial<Cmd<'RuleOnExtension'>['data']> = {}, actor: Actor = operator, reason: string | null = '同意延期') =>
    c('RuleOnExtension', { decision: 'granted', ...over }, actor, T.extRuling, reason),
  denyExt: (actor: Actor = operator, reason: string | null = '不同意延期，按期办结') =>
    c('RuleOnExtension', { decision: 'denied' }, actor, T.extRuling, reason),
  suspend: (actor: Actor = operator, reason: string | null = '需待规划调整后解决，挂账') => c('SuspendCase', {}, actor, T.suspend, reason),
  resume: (actor: Actor = operator) => c('ResumeCase', {}, actor, T.resume),
  feedback: (result = '车辆已挪走，通道畅通', actor: Actor = unitA) =>
    c('SubmitFeedback', { result, attachments: [{ ref: 'obj://f/1.jpg' }] }, actor, T.feedback),
  pass: (actor: Actor = operator, findings = '现场核查，通道畅通') => c('VerifyCase', { passed: true, findings }, actor, T.verify),
  fail: (actor: Actor = operator, findings = '现场仍有车辆占用') => c('VerifyCase', { passed: false, findings }, actor, T.verify),
  close: (summary = '问题已解决', actor: Actor = operator) => c('CloseCase', { summary }, actor, T.close),
  callback: (over: Partial<Cmd<'RecordCallback'>['data']> = {}, actor: Actor = operator) =>
    c('RecordCallback', { rating: 5, satisfied: true, comment: '处理及时', ...over }, actor, T.callback),
  archive: (actor: Actor = operator) => c('ArchiveCase', {}, actor, T.archive),
  reopen: (actor: Actor = operator, reason: string | null = '群众反映问题复发') => c('ReopenCase', {}, actor, T.reopen, reason),
  merge: (duplicateOf = 'case-0', actor: Actor = operator) => c('MergeAsDuplicate', { duplicateOf }, actor, T.dispatch),
  refer: (target: 'mediation' | 'petitions' = 'mediation', actor: Actor = operator, reason: string | null = '系邻里纠纷，转人民调解') =>
    c('ReferCase', { target }, actor, T.dispatch, reason),
  supervise: (supervisionId = 'sv-1', actor: Actor = operator, reason: string | null = '请加快办理', now = T.progress) =>
    c('SuperviseCase', { supervisionId, level: 'town' }, actor, now, reason),
  answer: (supervisionId = 'sv-1', answer = '已加派人员', actor: Actor = unitA, now = T.progress) =>
    c('AnswerSupervision', { supervisionId, answer }, actor, now),
  escalate: (actor: Actor = operator, reason: string | null = '涉及多个部门，需街镇协调', now = T.progress) => c('EscalateCase', {}, actor, now, reason),
  warn: (timerId: string, now: string, actor: Actor = system) => c('WarnDeadline', { timerId }, actor, now),
  breach: (timerId: string, now: string, actor: Actor = system) => c('BreachDeadline', { timerId }, actor, now),
};

/** Events of a history built by deciding commands in turn (each command is asserted on its own below). */
function run(...commands: GridCaseCommand[]): GridCaseEvent[] {
  return commands.reduce<GridCaseEvent[]>((events, command) => [...events, ...decider.decide(command, fold(decider, events))], []);
}

const H: Record<GridCaseStatus, GridCaseEvent[]> = (() => {
  const filed = run(cmd.open());
  const dispatched = [...filed, ...run2(filed, cmd.dispatch())];
  const inProgress = [...dispatched, ...run2(dispatched, cmd.accept())];
  const feedback = [...inProgress, ...run2(inProgress, cmd.feedback())];
  const verified = [...feedback, ...run2(feedback, cmd.pass())];
  const closed = [...verified, ...run2(verified, cmd.close())];
  const callbackDone = [...closed, ...run2(closed, cmd.callback())];
  return {
    none: [],
    filed,
    dispatched,
    objection: [...dispatched, ...run2(dispatched, cmd.object())],
    in_progress: inProgress,
    extension_requested: [...inProgress, ...run2(inProgress, cmd.requestExt())],
    suspended: [...inProgress, ...run2(inProgress, cmd.suspend())],
    feedback_submitted: feedback,
    verified,
    closed,
    callback_done: callbackDone,
    archived: [...callbackDone, ...run2(callbackDone, cmd.archive())],
    merged_duplicate: [...filed, ...run2(filed, cmd.merge())],
    referred: [...filed, ...run2(filed, cmd.refer())],
    reopened: [...closed, ...run2(closed, cmd.reopen())],
  };
})();
function run2(history: GridCaseEvent[], command: GridCaseCommand): GridCaseEvent[] {
  return decider.decide(command, fold(decider, history));
}
const STATUSES = Object.keys(H) as GridCaseStatus[];
const stateOf = (events: GridCaseEvent[]) => fold(decider, events) as Exclude<GridCaseState, { status: 'none' }>;

const base = (actor: Actor, at: string, reason?: string) => ({ caseId, actor, at, ...(reason ? { reason } : {}) });

// ------------------------------------------------------------------ transitions

describe('gridCaseDecider — transitions', () => {
  it('histories reach the status they are named after', () => {
    for (const s of STATUSES) expect(fold(decider, H[s]).status).toBe(s);
  });

  it('OpenWorkOrder: none → filed, with the dispatch timer from the filing time', () => {
    const timer = timerOf('dispatch-1', 'dispatch', R.dispatch, T.filed);
    spec
      .given([])
      .when(cmd.open())
      .then([
        {
          type: 'WorkOrderOpened',
          data: { ...base(system, T.filed), category: '消防通道占用', urgency: 'normal', gridId: 'grid-3', level: 'village', filedAt: T.filed, timer },
        },
      ]);
    expect(stateOf(H.filed).order).toMatchObject({ unitId: null, level: 'village', timerSeq: 1, timer: { ...timer, warned: false, breached: false } });
  });

  it('an operator may open a work order for an unlocated case', () => {
    const [e] = spec
      .given([])
      .when(cmd.open({ gridId: null }, operator))
      .events();
    expect(e).toMatchObject({ type: 'WorkOrderOpened', data: { gridId: null, actor: operator } });
  });

  it('DispatchCase: filed → dispatched (accept timer)', () => {
    spec
      .given(H.filed)
      .when(cmd.dispatch())
      .then([
        { type: 'CaseDispatched', data: { ...base(operator, T.dispatch), unitId: unitA.unitId, timer: timerOf('accept-2', 'accept', R.accept, T.dispatch) } },
      ]);
    expect(stateOf(H.dispatched)).toMatchObject({ status: 'dispatched', order: { unitId: unitA.unitId } });
  });

  it('DispatchCase: reopened → dispatched', () => {
    const [e] = spec.given(H.reopened).when(cmd.dispatch(unitB.unitId)).events();
    expect(e).toMatchObject({ type: 'CaseDispatched', data: { unitId: unitB.unitId, timer: { timerId: 'accept-7', step: 'accept' } } });
  });

  it('AcceptDispatch (签收): dispatched → in_progress, handle timer crossing National Day (legal basis on the envelope)', () => {
    spec
      .given(H.dispatched)
      .when(cmd.accept())
      .then([
        {
          type: 'DispatchAccepted',
          data: { ...base(unitA, T.accept), unitId: unitA.unitId, timer: timerOf('handle-3', 'handle', R.handle, T.accept) },
          legalBasis: LOCAL,
        },
      ]);
  });

  it('ObjectToDispatch (退单): dispatched → objection, objection-ruling timer', () => {
    const reason = '不属于城管职责，应由住建部门处理';
    spec
      .given(H.dispatched)
      .when(cmd.object())
      .then([
        {
          type: 'DispatchObjected',
          data: { ...base(unitA, T.object, reason), unitId: unitA.unitId, timer: timerOf('rule_objection-3', 'rule_objection', R.rule_objection, T.object) },
        },
      ]);
    expect(stateOf(H.objection)).toMatchObject({ status: 'objection', objectedAt: T.object, objectedBy: unitA });
  });

  it('RuleOnObjection upheld: objection → dispatched to another unit (redispatch)', () => {
    spec
      .given(H.objection)
      .when(cmd.uphold())
      .then([
        {
          type: 'ObjectionUpheld',
          data: {
            ...base(operator, T.ruling, '退单理由成立'),
            previousUnitId: unitA.unitId,
            unitId: unitB.unitId,
            timer: timerOf('accept-4', 'accept', R.accept, T.ruling),
          },
        },
      ]);
    spec
      .given(H.objection)
      .when(cmd.uphold())
      .thenState({
        status: 'dispatched',
        order: {
          ...stateOf(H.objection).order,
          unitId: unitB.unitId,
          timerSeq: 4,
          timer: { ...timerOf('accept-4', 'accept', R.accept, T.ruling), warned: false, breached: false },
        },
      });
  });

  it('RuleOnObjection rejected: objection → dispatched to the same unit', () => {
    spec
      .given(H.objection)
      .when(cmd.reject())
      .then([
        {
          type: 'ObjectionRejected',
          data: { ...base(operator, T.ruling, '属于城管职责，继续办理'), unitId: unitA.unitId, timer: timerOf('accept-4', 'accept', R.accept, T.ruling) },
        },
      ]);
    expect(fold(decider, [...H.objection, ...run2(H.objection, cmd.reject(unitA.unitId))])).toMatchObject({
      status: 'dispatched',
      order: { unitId: unitA.unitId },
    });
  });

  it.each(['in_progress', 'extension_requested'] as const)('NoteProgress in %s: state unchanged', (status) => {
    spec
      .given(H[status])
      .when(cmd.note())
      .then([
        { type: 'ProgressNoted', data: { ...base(unitA, T.progress), unitId: unitA.unitId, note: '已联系车主挪车', attachments: [{ ref: 'obj://p/1.jpg' }] } },
      ]);
    spec.given(H[status]).when(cmd.note()).thenState(fold(decider, H[status]));
  });

  it('RequestExtension: in_progress → extension_requested, handle clock keeps running', () => {
    spec
      .given(H.in_progress)
      .when(cmd.requestExt())
      .then([
        { type: 'ExtensionRequested', data: { ...base(unitA, T.extRequest, '车主外出，需协调'), unitId: unitA.unitId, duration: 2, unit: 'working_days' } },
      ]);
    const s = stateOf(H.extension_requested);
    expect(s).toMatchObject({ status: 'extension_requested', request: { duration: 2, unit: 'working_days', requestedAt: T.extRequest } });
    expect(s.order.timer?.timerId).toBe('handle-3');
  });

  it('RuleOnExtension granted: the handling deadline runs on from the old due time (make-up Saturday counted)', () => {
    // old handle deadline: last day Fri 11 Oct 2024; +2 working days = Sat 12 Oct (调休) and Mon 14 Oct
    const events = spec.given(H.extension_requested).when(cmd.grantExt()).events();
    expect(events).toEqual([
      {
        type: 'ExtensionGranted',
        data: {
          ...base(operator, T.extRuling, '同意延期'),
          duration: 2,
          unit: 'working_days',
          timer: {
            timerId: 'handle-4',
            step: 'handle',
            deadline: {
              ruleId: 'grid.extension',
              legalBasis: LOCAL,
              duration: 2,
              unit: 'working_days',
              startAt: '2024-10-11T15:59:59.999Z',
              dueAt: '2024-10-14T16:00:00.000Z',
              warnAt: '2024-10-12T16:00:00.000Z',
              calendarId: 'CN',
              calendarVersion: '2026-1',
              lastDay: '2024-10-14',
            },
          },
        },
        legalBasis: LOCAL,
      },
    ]);
    expect(fold(decider, [...H.extension_requested, ...events])).toMatchObject({ status: 'in_progress', order: { extensionCount: 1, timerSeq: 4 } });
  });

  it('RuleOnExtension granted with another length than requested', () => {
    const [e] = spec
      .given(H.extension_requested)
      .when(cmd.grantExt({ duration: 4, unit: 'working_hours' }))
      .events();
    // working hours from the old due time (24:00 Fri 11 Oct): Sat 12 Oct (调休) 09:00–12:00, 13:00–14:00; template's warnBefore is in days, so none
    expect(e).toMatchObject({
      type: 'ExtensionGranted',
      data: { duration: 4, unit: 'working_hours', timer: { deadline: { dueAt: '2024-10-12T06:00:00.000Z' } } },
    });
    expect((e.data as { timer: StepTimer }).timer.deadline.warnAt).toBeUndefined();
  });

  it('RuleOnExtension denied: back to in_progress with the same deadline', () => {
    spec
      .given(H.extension_requested)
      .when(cmd.denyExt())
      .then([{ type: 'ExtensionDenied', data: base(operator, T.extRuling, '不同意延期，按期办结') }]);
    spec
      .given(H.extension_requested)
      .when(cmd.denyExt())
      .thenState({ status: 'in_progress', order: stateOf(H.extension_requested).order });
  });

  it.each(['in_progress', 'extension_requested'] as const)('SuspendCase (挂账) from %s: the clock stops', (status) => {
    spec
      .given(H[status])
      .when(cmd.suspend())
      .then([{ type: 'CaseSuspended', data: { ...base(operator, T.suspend, '需待规划调整后解决，挂账'), pausedTimerId: 'handle-3' } }]);
    expect(stateOf(H.suspended)).toMatchObject({ status: 'suspended', suspendedAt: T.suspend, order: { timer: null, timerSeq: 3 } });
  });

  it('ResumeCase: suspended → in_progress with a fresh handling deadline', () => {
    spec
      .given(H.suspended)
      .when(cmd.resume())
      .then([{ type: 'CaseResumed', data: { ...base(operator, T.resume), timer: timerOf('handle-4', 'handle', R.handle, T.resume) }, legalBasis: LOCAL }]);
  });

  it('SubmitFeedback: in_progress → feedback_submitted (verify timer)', () => {
    spec
      .given(H.in_progress)
      .when(cmd.feedback())
      .then([
        {
          type: 'FeedbackSubmitted',
          data: {
            ...base(unitA, T.feedback),
            unitId: unitA.unitId,
            result: '车辆已挪走，通道畅通',
            attachments: [{ ref: 'obj://f/1.jpg' }],
            timer: timerOf('verify-4', 'verify', R.verify, T.feedback),
          },
        },
      ]);
  });

  it('VerifyCase passed: feedback_submitted → verified; no close rule, so no timer', () => {
    spec
      .given(H.feedback_submitted)
      .when(cmd.pass())
      .then([{ type: 'CaseVerified', data: { ...base(operator, T.verify), findings: '现场核查，通道畅通', timer: null } }]);
    expect(stateOf(H.verified)).toMatchObject({ status: 'verified', verifiedAt: T.verify, order: { timer: null, timerSeq: 4 } });
  });

  it('VerifyCase failed: 返工 back to in_progress with a new handling deadline', () => {
    spec
      .given(H.feedback_submitted)
      .when(cmd.fail())
      .then([
        {
          type: 'ReworkOrdered',
          data: {
            ...base(operator, T.verify),
            findings: '现场仍有车辆占用',
            reworkCount: 1,
            unitId: unitA.unitId,
            timer: timerOf('handle-5', 'handle', R.handle, T.verify),
          },
          legalBasis: LOCAL,
        },
      ]);
    const again = [...H.feedback_submitted, ...run2(H.feedback_submitted, cmd.fail())];
    expect(stateOf(again)).toMatchObject({ status: 'in_progress', order: { reworkCount: 1 } });
  });

  it('CloseCase (结案): verified → closed (callback timer)', () => {
    spec
      .given(H.verified)
      .when(cmd.close())
      .then([
        { type: 'CaseClosed', data: { ...base(operator, T.close), summary: '问题已解决', timer: timerOf('callback-5', 'callback', R.callback, T.close) } },
      ]);
  });

  it('RecordCallback (回访): closed → callback_done with rating and satisfaction', () => {
    spec
      .given(H.closed)
      .when(cmd.callback())
      .then([{ type: 'CallbackRecorded', data: { ...base(operator, T.callback), rating: 5, satisfied: true, comment: '处理及时' } }]);
    expect(stateOf(H.callback_done)).toMatchObject({
      status: 'callback_done',
      callback: { rating: 5, satisfied: true, at: T.callback },
      order: { timer: null },
    });
    const [e] = spec
      .given(H.closed)
      .when(cmd.callback({ rating: 1, satisfied: false, comment: undefined }))
      .events();
    expect(e.data).toEqual({ ...base(operator, T.callback), rating: 1, satisfied: false });
  });

  it.each(['callback_done', 'merged_duplicate', 'referred'] as const)('ArchiveCase: %s → archived', (status) => {
    spec
      .given(H[status])
      .when(cmd.archive())
      .then([{ type: 'CaseArchived', data: base(operator, T.archive) }]);
  });

  it.each(['closed', 'callback_done'] as const)('ReopenCase: %s → reopened, unit cleared, dispatch timer', (status) => {
    const seq = stateOf(H[status]).order.timerSeq + 1;
    spec
      .given(H[status])
      .when(cmd.reopen())
      .then([
        {
          type: 'CaseReopened',
          data: { ...base(operator, T.reopen, '群众反映问题复发'), reopenCount: 1, timer: timerOf(`dispatch-${seq}`, 'dispatch', R.dispatch, T.reopen) },
        },
      ]);
    expect(stateOf(H.reopened).order).toMatchObject({ unitId: null, reopenCount: 1 });
  });

  it.each(['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended'] as const)(
    'MergeAsDuplicate and ReferCase from %s',
    (status) => {
      spec
        .given(H[status])
        .when(cmd.merge())
        .then([{ type: 'CaseMerged', data: { ...base(operator, T.dispatch), duplicateOf: 'case-0' } }]);
      spec
        .given(H[status])
        .when(cmd.refer('petitions', operator, '涉及信访事项'))
        .then([{ type: 'CaseReferred', data: { ...base(operator, T.dispatch, '涉及信访事项'), target: 'petitions' } }]);
      expect(fold(decider, [...H[status], ...run2(H[status], cmd.merge())])).toMatchObject({
        status: 'merged_duplicate',
        duplicateOf: 'case-0',
        order: { timer: null },
      });
      expect(fold(decider, [...H[status], ...run2(H[status], cmd.refer())])).toMatchObject({ status: 'referred', target: 'mediation', order: { timer: null } });
    },
  );

  it('SuperviseCase (督办) and AnswerSupervision are attributes: status does not change', () => {
    spec
      .given(H.in_progress)
      .when(cmd.supervise())
      .then([{ type: 'SupervisionIssued', data: { ...base(operator, T.progress, '请加快办理'), supervisionId: 'sv-1', level: 'town' } }]);
    const supervised = [...H.in_progress, ...run2(H.in_progress, cmd.supervise())];
    expect(stateOf(supervised)).toMatchObject({
      status: 'in_progress',
      order: { supervisions: [{ supervisionId: 'sv-1', level: 'town', opinion: '请加快办理', issuedAt: T.progress, issuedBy: operator }] },
    });
    expect(isUnderSupervision(fold(decider, supervised))).toBe(true);
    spec
      .given(supervised)
      .when(cmd.answer())
      .then([{ type: 'SupervisionAnswered', data: { ...base(unitA, T.progress), supervisionId: 'sv-1', answer: '已加派人员' } }]);
    const answered = [...supervised, ...run2(supervised, cmd.answer())];
    expect(stateOf(answered)).toMatchObject({ status: 'in_progress', order: { supervisions: [{ answer: '已加派人员', answeredAt: T.progress }] } });
    expect(isUnderSupervision(fold(decider, answered))).toBe(false);
    expect(isUnderSupervision(fold(decider, []))).toBe(false);
  });

  it('EscalateCase: level village → town → district, status unchanged', () => {
    spec
      .given(H.in_progress)
      .when(cmd.escalate())
      .then([{ type: 'Escalated', data: { ...base(operator, T.progress, '涉及多个部门，需街镇协调'), from: 'village', to: 'town', cause: 'manual' } }]);
    const once = [...H.in_progress, ...run2(H.in_progress, cmd.escalate())];
    const [e] = spec.given(once).when(cmd.escalate()).events();
    expect(e.data).toMatchObject({ from: 'town', to: 'district' });
    expect(stateOf([...once, e])).toMatchObject({ status: 'in_progress', order: { level: 'district' } });
  });

  it('names the stream after the case', () => {
    expect(toGridCaseStreamId('abc')).toBe('grid-case-abc');
  });
});

// ------------------------------------------------------------------ deadlines

describe('gridCaseDecider — deadlines', () => {
  const handle = timerOf('handle-3', 'handle', R.handle, T.accept);

  it('the handle deadline crosses National Day 2024 and counts make-up workdays', () => {
    // accepted Sun 29 Sep (调休, start day not counted): Mon 30 Sep (1), Tue 8 – Fri 11 Oct (2–5)
    expect(handle.deadline).toEqual({
      ruleId: 'grid.handle',
      legalBasis: LOCAL,
      duration: 5,
      unit: 'working_days',
      startAt: '2024-09-29T01:00:00.000Z',
      dueAt: '2024-10-11T16:00:00.000Z',
      warnAt: '2024-10-10T16:00:00.000Z',
      calendarId: 'CN',
      calendarVersion: '2026-1',
      lastDay: '2024-10-11',
    });
    expect(stateOf(H.in_progress).order.timer).toEqual({ ...handle, warned: false, breached: false });
  });

  it('picks the rule by category × urgency, then urgency, then default', () => {
    const critical = run(cmd.open({ urgency: 'very_urgent' }), cmd.dispatch(), c('AcceptDispatch', {}, unitA, '2024-09-30T16:00:00+08:00'));
    // 4 working hours: Mon 30 Sep 16:00–18:00, then Tue 8 Oct 09:00–11:00
    expect(stateOf(critical).order.timer?.deadline).toMatchObject({
      ruleId: 'grid.handle.fire-lane.very-urgent',
      dueAt: '2024-10-08T03:00:00.000Z',
      warnAt: '2024-10-08T02:00:00.000Z',
    });
    const urgent = run(cmd.open({ urgency: 'urgent' }), cmd.dispatch(), cmd.accept());
    expect(stateOf(urgent).order.timer?.deadline).toMatchObject({ ruleId: 'grid.handle.urgent', lastDay: '2024-10-08' });
    const otherCategory = run(cmd.open({ category: '占道经营', urgency: 'very_urgent' }), cmd.dispatch(), cmd.accept());
    expect(stateOf(otherCategory).order.timer?.deadline.ruleId).toBe('grid.handle');
  });

  it('WarnDeadline before warnAt is refused; at warnAt it warns; then it is a no-op', () => {
    spec.given(H.in_progress).when(cmd.warn('handle-3', '2024-10-10T23:59:59+08:00')).thenThrows('GRID_CASE.DEADLINE_NOT_DUE', 'illegal_state');
    spec
      .given(H.in_progress)
      .when(cmd.warn('handle-3', '2024-10-11T00:00:00+08:00'))
      .then([
        {
          type: 'DeadlineWarned',
          data: {
            ...base(system, '2024-10-11T00:00:00+08:00'),
            timerId: 'handle-3',
            step: 'handle',
            warnAt: handle.deadline.warnAt!,
            dueAt: handle.deadline.dueAt,
          },
          legalBasis: LOCAL,
        },
      ]);
    const warned = [...H.in_progress, ...run2(H.in_progress, cmd.warn('handle-3', '2024-10-11T00:00:00+08:00'))];
    expect(stateOf(warned).order.timer).toMatchObject({ warned: true, breached: false });
    spec.given(warned).when(cmd.warn('handle-3', '2024-10-11T08:00:00+08:00')).thenNothing();
  });

  it('WarnDeadline for a timer without warning is refused', () => {
    spec.given(H.feedback_submitted).when(cmd.warn('verify-4', '2024-10-30T00:00:00+08:00')).thenThrows('GRID_CASE.NO_WARNING', 'illegal_state');
  });

  it('BreachDeadline before dueAt is refused; at dueAt it breaches and escalates village → town', () => {
    spec.given(H.in_progress).when(cmd.breach('handle-3', '2024-10-11T23:59:59+08:00')).thenThrows('GRID_CASE.DEADLINE_NOT_DUE', 'illegal_state');
    const now = '2024-10-12T00:00:00+08:00';
    spec
      .given(H.in_progress)
      .when(cmd.breach('handle-3', now))
      .then([
        { type: 'DeadlineBreached', data: { ...base(system, now), timerId: 'handle-3', step: 'handle', dueAt: handle.deadline.dueAt }, legalBasis: LOCAL },
        { type: 'Escalated', data: { ...base(system, now), from: 'village', to: 'town', cause: 'deadline_breached', timerId: 'handle-3' } },
      ]);
    const breached = [...H.in_progress, ...run2(H.in_progress, cmd.breach('handle-3', now))];
    expect(stateOf(breached)).toMatchObject({ status: 'in_progress', order: { level: 'town', breachCount: 1, timer: { breached: true } } });
    spec.given(breached).when(cmd.breach('handle-3', '2024-10-13T00:00:00+08:00')).thenNothing();
    spec.given(breached).when(cmd.warn('handle-3', '2024-10-13T00:00:00+08:00')).thenNothing();
  });

  it('a breach at district level records the breach without escalating further', () => {
    const atDistrict = run(cmd.open({ level: 'district' }), cmd.dispatch(), cmd.accept());
    const now = '2024-10-12T00:00:00+08:00';
    const events = spec.given(atDistrict).when(cmd.breach('handle-3', now)).events();
    expect(events.map((e) => e.type)).toEqual(['DeadlineBreached']);
  });

  it('breaches of successive steps escalate step by step up to district', () => {
    // the accept timer (4 working hours from Fri 27 Sep 10:30) is due Fri 27 Sep 15:30
    const accept = stateOf(H.dispatched).order.timer!;
    expect(accept.deadline.dueAt).toBe('2024-09-27T07:30:00.000Z');
    const one = [...H.dispatched, ...run2(H.dispatched, cmd.breach('accept-2', '2024-09-27T15:30:00+08:00'))];
    const two = [...one, ...run2(one, cmd.accept())];
    const three = [...two, ...run2(two, cmd.breach('handle-3', '2024-10-12T00:00:00+08:00'))];
    expect(stateOf(three).order).toMatchObject({ level: 'district', breachCount: 2 });
  });

  it('a scheduler command for a timer that is no longer running is a no-op', () => {
    // the accept timer ended when the unit accepted; the handle timer ended with feedback
    spec.given(H.in_progress).when(cmd.breach('accept-2', '2024-10-30T00:00:00+08:00')).thenNothing();
    spec.given(H.feedback_submitted).when(cmd.breach('handle-3', '2024-10-30T00:00:00+08:00')).thenNothing();
    spec.given(H.suspended).when(cmd.warn('handle-3', '2024-10-30T00:00:00+08:00')).thenNothing();
    spec.given(H.archived).when(cmd.breach('callback-5', '2024-10-30T00:00:00+08:00')).thenNothing();
  });

  it('a deadline running into a year without a notice is computed on the provisional calendar and marked so', () => {
    const late = run(
      c(
        'OpenWorkOrder',
        { category: '消防通道占用', urgency: 'normal', gridId: 'grid-3', level: 'village', filedAt: '2026-12-30T09:00:00+08:00' },
        system,
        '2026-12-30T09:00:00+08:00',
      ),
    );
    const e = spec
      .given(late)
      .when(c('DispatchCase', { unitId: unitA.unitId }, operator, '2026-12-30T10:00:00+08:00'))
      .events();
    expect(e[0].type).toBe('CaseDispatched'); // 4 working hours still inside 2026
    expect(e[0]).not.toHaveProperty('data.deadline.provisional');
    const accepted = spec
      .given([...late, ...e])
      .when(c('AcceptDispatch', {}, unitA, '2026-12-31T10:00:00+08:00'))
      .events();
    // 5 working days from Thu 2026-12-31: 2027-01-01 is 元旦 (statutory), then Mon 01-04 … Fri 01-08
    expect(accepted[0]).toMatchObject({
      type: 'DispatchAccepted',
      data: {
        timer: {
          step: 'handle',
          deadline: {
            lastDay: '2027-01-08',
            dueAt: '2027-01-08T16:00:00.000Z',
            calendarVersion: '2026-1+CN-2027-provisional',
            provisional: true,
            provisionalYears: [2027],
          },
        },
      },
    });
  });
});

// ------------------------------------------------------------------ refusals

describe('gridCaseDecider — refusals by state', () => {
  const allowed: Record<Exclude<GridCaseCommand['type'], 'WarnDeadline' | 'BreachDeadline' | 'ReviseDeadline'>, readonly GridCaseStatus[]> = {
    OpenWorkOrder: ['none'],
    DispatchCase: ['filed', 'reopened'],
    AcceptDispatch: ['dispatched'],
    ObjectToDispatch: ['dispatched'],
    RuleOnObjection: ['objection'],
    NoteProgress: ['in_progress', 'extension_requested'],
    RequestExtension: ['in_progress'],
    RuleOnExtension: ['extension_requested'],
    SuspendCase: ['in_progress', 'extension_requested'],
    ResumeCase: ['suspended'],
    SubmitFeedback: ['in_progress'],
    VerifyCase: ['feedback_submitted'],
    CloseCase: ['verified'],
    RecordCallback: ['closed'],
    ArchiveCase: ['callback_done', 'merged_duplicate', 'referred'],
    ReopenCase: ['closed', 'callback_done'],
    MergeAsDuplicate: ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended'],
    ReferCase: ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended'],
    SuperviseCase: ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended', 'feedback_submitted', 'verified'],
    AnswerSupervision: [
      'filed',
      'reopened',
      'dispatched',
      'objection',
      'in_progress',
      'extension_requested',
      'suspended',
      'feedback_submitted',
      'verified',
      'closed',
      'callback_done',
    ],
    EscalateCase: ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended', 'feedback_submitted', 'verified'],
  };
  const build: Record<keyof typeof allowed, () => GridCaseCommand> = {
    OpenWorkOrder: () => cmd.open(),
    DispatchCase: () => cmd.dispatch(),
    AcceptDispatch: () => cmd.accept(),
    ObjectToDispatch: () => cmd.object(),
    RuleOnObjection: () => cmd.uphold(),
    NoteProgress: () => cmd.note(),
    RequestExtension: () => cmd.requestExt(),
    RuleOnExtension: () => cmd.grantExt(),
    SuspendCase: () => cmd.suspend(),
    ResumeCase: () => cmd.resume(),
    SubmitFeedback: () => cmd.feedback(),
    VerifyCase: () => cmd.pass(),
    CloseCase: () => cmd.close(),
    RecordCallback: () => cmd.callback(),
    ArchiveCase: () => cmd.archive(),
    ReopenCase: () => cmd.reopen(),
    MergeAsDuplicate: () => cmd.merge(),
    ReferCase: () => cmd.refer(),
    SuperviseCase: () => cmd.supervise(),
    AnswerSupervision: () => cmd.answer(),
    EscalateCase: () => cmd.escalate(),
  };
  const code = (type: string) => `GRID_CASE.CANNOT_${type.replace(/[A-Z]/g, (x, i: number) => (i ? '_' : '') + x).toUpperCase()}`;
  const cases = (Object.keys(allowed) as (keyof typeof allowed)[]).flatMap((type) =>
    STATUSES.filter((s) => !allowed[type].includes(s)).map((s) => [type, s] as const),
  );

  it.each(cases)('%s in state %s is refused', (type, status) => {
    if (status === 'none') {
      spec.given([]).when(build[type]()).thenThrows('GRID_CASE.NOT_FOUND', 'not_found');
    } else if (type === 'OpenWorkOrder') {
      spec.given(H[status]).when(build[type]()).thenThrows('GRID_CASE.ALREADY_OPEN', 'illegal_state');
    } else {
      const e = spec.given(H[status]).when(build[type]()).thenThrows(code(type), 'illegal_state');
      expect(e.message).toMatch(/^工单当前状态为“.+”，不能.+/);
      expect(e.details).toMatchObject({ command: type, status });
    }
  });

  it.each(['WarnDeadline', 'BreachDeadline'] as const)('%s on a missing work order is NOT_FOUND', (type) => {
    spec
      .given([])
      .when(c(type, { timerId: 'x-1' }, system, T.progress))
      .thenThrows('GRID_CASE.NOT_FOUND', 'not_found');
  });

  it('every command on another case than the stream is refused', () => {
    spec
      .given(H.filed)
      .when({ type: 'DispatchCase', data: { caseId: 'case-2', unitId: unitA.unitId }, meta: meta(operator, T.dispatch) })
      .thenThrows('GRID_CASE.CASE_ID_MISMATCH', 'validation');
  });
});

describe('gridCaseDecider — refusals by actor', () => {
  it.each([
    ['OpenWorkOrder', 'none', () => cmd.open({}, unitA)],
    ['DispatchCase', 'filed', () => cmd.dispatch(unitA.unitId, unitA)],
    ['RuleOnObjection', 'objection', () => cmd.uphold(unitB.unitId, unitA)],
    ['RuleOnExtension', 'extension_requested', () => cmd.grantExt({}, unitA)],
    ['SuspendCase', 'in_progress', () => cmd.suspend(unitA)],
    ['ResumeCase', 'suspended', () => cmd.resume(unitA)],
    ['VerifyCase', 'feedback_submitted', () => cmd.pass(unitA)],
    ['CloseCase', 'verified', () => cmd.close('x', unitA)],
    ['RecordCallback', 'closed', () => cmd.callback({}, unitA)],
    ['ArchiveCase', 'callback_done', () => cmd.archive(unitA)],
    ['ReopenCase', 'closed', () => cmd.reopen(unitA)],
    ['MergeAsDuplicate', 'filed', () => cmd.merge('case-0', unitA)],
    ['ReferCase', 'filed', () => cmd.refer('mediation', unitA)],
    ['SuperviseCase', 'in_progress', () => cmd.supervise('sv-1', unitA)],
    ['EscalateCase', 'in_progress', () => cmd.escalate(unitA)],
    ['WarnDeadline', 'in_progress', () => cmd.warn('handle-3', '2024-10-11T00:00:00+08:00', operator)],
    ['BreachDeadline', 'in_progress', () => cmd.breach('handle-3', '2024-10-12T00:00:00+08:00', operator)],
  ] as const)('%s by the wrong role is refused (GRID_CASE.FORBIDDEN_ROLE)', (_type, status, build) => {
    spec.given(H[status]).when(build()).thenThrows('GRID_CASE.FORBIDDEN_ROLE', 'forbidden');
  });

  it.each([
    ['AcceptDispatch', 'dispatched', () => cmd.accept(unitB)],
    ['ObjectToDispatch', 'dispatched', () => cmd.object(unitB)],
    ['NoteProgress', 'in_progress', () => cmd.note('x', unitB)],
    ['RequestExtension', 'in_progress', () => cmd.requestExt({}, unitB)],
    ['SubmitFeedback', 'in_progress', () => cmd.feedback('x', operator)],
    ['AnswerSupervision', 'in_progress', () => cmd.answer('sv-1', 'x', unitB)],
  ] as const)('%s by another unit than the assigned one is refused (GRID_CASE.NOT_ASSIGNED_UNIT)', (_type, status, build) => {
    spec.given(H[status]).when(build()).thenThrows('GRID_CASE.NOT_ASSIGNED_UNIT', 'forbidden');
  });

  it('after an upheld objection the new unit accepts and the old one may not', () => {
    const redispatched = [...H.objection, ...run2(H.objection, cmd.uphold())];
    spec.given(redispatched).when(cmd.accept(unitA)).thenThrows('GRID_CASE.NOT_ASSIGNED_UNIT', 'forbidden');
    expect(spec.given(redispatched).when(cmd.accept(unitB)).events()[0]).toMatchObject({ type: 'DispatchAccepted', data: { unitId: unitB.unitId } });
  });

  it('AnswerSupervision on a case with no assigned unit is refused', () => {
    const supervised = [...H.filed, ...run2(H.filed, cmd.supervise())];
    spec.given(supervised).when(cmd.answer()).thenThrows('GRID_CASE.NOT_ASSIGNED_UNIT', 'forbidden');
  });
});

describe('gridCaseDecider — refusals by input', () => {
  it.each([
    ['ObjectToDispatch', 'dispatched', () => cmd.object(unitA, null)],
    ['RuleOnObjection', 'objection', () => cmd.uphold(unitB.unitId, operator, null)],
    ['RequestExtension', 'in_progress', () => cmd.requestExt({}, unitA, T.extRequest, null)],
    ['RuleOnExtension', 'extension_requested', () => cmd.denyExt(operator, null)],
    ['SuspendCase', 'in_progress', () => cmd.suspend(operator, null)],
    ['ReopenCase', 'closed', () => cmd.reopen(operator, null)],
    ['ReferCase', 'filed', () => cmd.refer('mediation', operator, null)],
    ['SuperviseCase', 'in_progress', () => cmd.supervise('sv-1', operator, null)],
    ['EscalateCase', 'in_progress', () => cmd.escalate(operator, null)],
  ] as const)('%s without a reason is refused (GRID_CASE.REASON_REQUIRED)', (_type, status, build) => {
    spec.given(H[status]).when(build()).thenThrows('GRID_CASE.REASON_REQUIRED', 'validation');
  });

  it.each<[string, Partial<Cmd<'OpenWorkOrder'>['data']>, string]>([
    ['CASE_ID_REQUIRED', { caseId: '' } as never, 'GRID_CASE.CASE_ID_REQUIRED'],
    ['CATEGORY_REQUIRED', { category: ' ' }, 'GRID_CASE.CATEGORY_REQUIRED'],
    ['INVALID_URGENCY', { urgency: 'soon' as never }, 'GRID_CASE.INVALID_URGENCY'],
    ['INVALID_LEVEL', { level: 'city' as never }, 'GRID_CASE.INVALID_LEVEL'],
    ['INVALID_GRID', { gridId: '' }, 'GRID_CASE.INVALID_GRID'],
    ['filedAt without zone', { filedAt: '2024-09-27T10:00:00' }, 'CALENDAR.INVALID_INSTANT'],
  ])('OpenWorkOrder refuses %s', (_what, over, expected) => {
    const command = cmd.open(over);
    spec
      .given([])
      .when({ ...command, data: { ...command.data, ...over } } as GridCaseCommand)
      .thenThrows(expected, 'validation');
  });

  it('DispatchCase requires a unit', () => {
    spec.given(H.filed).when(cmd.dispatch(' ')).thenThrows('GRID_CASE.UNIT_REQUIRED', 'validation');
  });

  it('RuleOnObjection: upheld needs another unit; rejected keeps the same unit; decision must be known', () => {
    spec.given(H.objection).when(cmd.uphold(null)).thenThrows('GRID_CASE.UNIT_REQUIRED', 'validation');
    spec.given(H.objection).when(cmd.uphold(unitA.unitId)).thenThrows('GRID_CASE.SAME_UNIT', 'validation');
    spec.given(H.objection).when(cmd.reject(unitB.unitId)).thenThrows('GRID_CASE.NEW_UNIT_NOT_ALLOWED', 'validation');
    spec
      .given(H.objection)
      .when(c('RuleOnObjection', { decision: 'maybe' as never }, operator, T.ruling, '?'))
      .thenThrows('GRID_CASE.INVALID_DECISION', 'validation');
  });

  it('NoteProgress and SubmitFeedback need text and valid attachments', () => {
    spec.given(H.in_progress).when(cmd.note(' ')).thenThrows('GRID_CASE.NOTE_REQUIRED', 'validation');
    spec.given(H.in_progress).when(cmd.feedback('')).thenThrows('GRID_CASE.RESULT_REQUIRED', 'validation');
    spec
      .given(H.in_progress)
      .when(c('NoteProgress', { note: 'x', attachments: [{ ref: '' }] }, unitA, T.progress))
      .thenThrows('GRID_CASE.INVALID_ATTACHMENT', 'validation');
    spec
      .given(H.in_progress)
      .when(c('SubmitFeedback', { result: 'x', attachments: [{ ref: ' ' }] }, unitA, T.feedback))
      .thenThrows('GRID_CASE.INVALID_ATTACHMENT', 'validation');
  });

  it.each<[string, Partial<Cmd<'RequestExtension'>['data']>]>([
    ['a zero duration', { duration: 0 }],
    ['fractional days', { duration: 1.5 }],
    ['hours not in whole minutes', { duration: 0.001, unit: 'working_hours' }],
    ['an unknown unit', { unit: 'weeks' as never }],
  ])('RequestExtension refuses %s (GRID_CASE.INVALID_EXTENSION)', (_what, over) => {
    spec.given(H.in_progress).when(cmd.requestExt(over)).thenThrows('GRID_CASE.INVALID_EXTENSION', 'validation');
  });

  it('RequestExtension after the handling deadline is refused (GRID_CASE.EXTENSION_TOO_LATE)', () => {
    expect(
      spec
        .given(H.in_progress)
        .when(cmd.requestExt({}, unitA, '2024-10-11T23:59:59+08:00'))
        .events()[0].type,
    ).toBe('ExtensionRequested');
    spec
      .given(H.in_progress)
      .when(cmd.requestExt({}, unitA, '2024-10-12T00:00:00+08:00'))
      .thenThrows('GRID_CASE.EXTENSION_TOO_LATE', 'illegal_state');
  });

  it('RuleOnExtension refuses an invalid granted length or decision', () => {
    spec
      .given(H.extension_requested)
      .when(cmd.grantExt({ duration: -1 }))
      .thenThrows('GRID_CASE.INVALID_EXTENSION', 'validation');
    spec
      .given(H.extension_requested)
      .when(c('RuleOnExtension', { decision: 'later' as never }, operator, T.extRuling, '?'))
      .thenThrows('GRID_CASE.INVALID_DECISION', 'validation');
  });

  it('VerifyCase needs findings and a yes/no result; CloseCase needs a summary', () => {
    spec.given(H.feedback_submitted).when(cmd.pass(operator, '')).thenThrows('GRID_CASE.FINDINGS_REQUIRED', 'validation');
    spec
      .given(H.feedback_submitted)
      .when(c('VerifyCase', { passed: 'yes' as never, findings: 'x' }, operator, T.verify))
      .thenThrows('GRID_CASE.INVALID_DECISION', 'validation');
    spec.given(H.verified).when(cmd.close(' ')).thenThrows('GRID_CASE.SUMMARY_REQUIRED', 'validation');
  });

  it.each([0, 6, 3.5, Number.NaN])('RecordCallback refuses rating %p', (rating) => {
    spec.given(H.closed).when(cmd.callback({ rating })).thenThrows('GRID_CASE.INVALID_RATING', 'validation');
  });

  it('RecordCallback needs the satisfaction answer', () => {
    spec
      .given(H.closed)
      .when(cmd.callback({ satisfied: undefined as never }))
      .thenThrows('GRID_CASE.SATISFACTION_REQUIRED', 'validation');
  });

  it('MergeAsDuplicate needs another case; ReferCase a known target', () => {
    spec.given(H.filed).when(cmd.merge(caseId)).thenThrows('GRID_CASE.INVALID_DUPLICATE_OF', 'validation');
    spec.given(H.filed).when(cmd.merge('')).thenThrows('GRID_CASE.INVALID_DUPLICATE_OF', 'validation');
    spec
      .given(H.filed)
      .when(cmd.refer('court' as never))
      .thenThrows('GRID_CASE.INVALID_REFERRAL_TARGET', 'validation');
  });

  it('SuperviseCase needs an id, a known level and a new id', () => {
    spec.given(H.in_progress).when(cmd.supervise('')).thenThrows('GRID_CASE.SUPERVISION_ID_REQUIRED', 'validation');
    spec
      .given(H.in_progress)
      .when(c('SuperviseCase', { supervisionId: 'sv-9', level: 'province' as never }, operator, T.progress, '快办'))
      .thenThrows('GRID_CASE.INVALID_LEVEL', 'validation');
    const supervised = [...H.in_progress, ...run2(H.in_progress, cmd.supervise())];
    spec.given(supervised).when(cmd.supervise()).thenThrows('GRID_CASE.DUPLICATE_SUPERVISION', 'illegal_state');
  });

  it('AnswerSupervision needs a known, unanswered supervision and an answer', () => {
    spec.given(H.in_progress).when(cmd.answer('sv-x')).thenThrows('GRID_CASE.UNKNOWN_SUPERVISION', 'not_found');
    const supervised = [...H.in_progress, ...run2(H.in_progress, cmd.supervise())];
    spec.given(supervised).when(cmd.answer('sv-1', ' ')).thenThrows('GRID_CASE.ANSWER_REQUIRED', 'validation');
    const answered = [...supervised, ...run2(supervised, cmd.answer())];
    spec.given(answered).when(cmd.answer()).thenThrows('GRID_CASE.SUPERVISION_ALREADY_ANSWERED', 'illegal_state');
  });

  it('EscalateCase at district is refused', () => {
    const atDistrict = run(cmd.open({ level: 'district' }));
    spec.given(atDistrict).when(cmd.escalate()).thenThrows('GRID_CASE.ALREADY_AT_TOP_LEVEL', 'illegal_state');
  });
});

describe('createGridCaseDecider — configuration', () => {
  const errorOf = (fn: () => unknown): DomainError => {
    try {
      fn();
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
    throw new Error('nothing thrown');
  };

  it('refuses duplicate rules, unknown steps and unknown urgencies', () => {
    expect(errorOf(() => createGridCaseDecider({ calendar: CN, deadlineRules: [rules[0], rules[0]] })).code).toBe('GRID_CASE.DUPLICATE_DEADLINE_RULE');
    expect(errorOf(() => createGridCaseDecider({ calendar: CN, deadlineRules: [{ step: 'lunch' as never, rule: R.handle }] })).code).toBe(
      'GRID_CASE.INVALID_DEADLINE_RULE',
    );
    expect(errorOf(() => createGridCaseDecider({ calendar: CN, deadlineRules: [{ step: 'handle', urgency: 'x' as never, rule: R.handle }] })).code).toBe(
      'GRID_CASE.INVALID_DEADLINE_RULE',
    );
  });

  it('without rules no step is timed, and an extension then runs from the ruling', () => {
    const bare = createGridCaseDecider({ calendar: CN, deadlineRules: [] });
    const events = [cmd.open(), cmd.dispatch(), cmd.accept(), cmd.requestExt()].reduce<GridCaseEvent[]>(
      (acc, command) => [...acc, ...bare.decide(command, fold(bare, acc))],
      [],
    );
    expect(fold(bare, events)).toMatchObject({ status: 'extension_requested', order: { timer: null, timerSeq: 0 } });
    const [granted] = bare.decide(cmd.grantExt(), fold(bare, events));
    // 2 working days from Wed 9 Oct 15:00 (start day not counted): Thu 10, Fri 11
    expect(granted).toMatchObject({
      type: 'ExtensionGranted',
      data: { timer: { timerId: 'handle-1', deadline: { ruleId: 'grid-case.extension', lastDay: '2024-10-11' } } },
    });
    expect(granted.legalBasis).toBeUndefined();
  });
});

describe('evolveGridCase', () => {
  it('never throws, whatever the order of events', () => {
    const all = STATUSES.flatMap((s) => H[s]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...all), { maxLength: 25 }), (events) => {
        expect(STATUSES).toContain(fold(decider, events).status);
      }),
    );
  });

  it('ignores events before the work order is opened and a second opening', () => {
    expect(fold(decider, H.dispatched.slice(1))).toEqual({ status: 'none' });
    expect(fold(decider, [...H.dispatched, H.filed[0]]).status).toBe('dispatched');
  });
});

describe('grid case events in the event store (append and verify agree)', () => {
  it('for every event type the decider emits, with a human actor carrying every envelope field', async () => {
    const on = (history: GridCaseEvent[], ...commands: GridCaseCommand[]) =>
      commands.reduce<GridCaseEvent[]>((events, command) => [...events, ...decider.decide(command, fold(decider, [...history, ...events]))], []);
    const supervised = [...H.in_progress, ...on(H.in_progress, cmd.supervise())];
    const emitted: GridCaseEvent[] = [
      ...Object.values(H).flat(),
      ...on(H.objection, cmd.uphold()),
      ...on(H.objection, cmd.reject()),
      ...on(H.in_progress, cmd.note(), cmd.escalate(), cmd.warn('handle-3', '2024-10-11T00:00:00+08:00'), cmd.breach('handle-3', '2024-10-12T00:00:00+08:00')),
      ...on(H.extension_requested, cmd.grantExt()),
      ...on(H.extension_requested, cmd.denyExt()),
      ...on(H.suspended, cmd.resume()),
      ...on(H.feedback_submitted, cmd.fail()),
      ...supervised,
      ...on(supervised, cmd.answer()),
    ];
    // a deadline revised on a newer calendar: accepted on the provisional 2027, revised once the notice is loaded
    const [withNotice2027] = calendarsFromNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), { tableVersion: 2 });
    const at2027 = (t: string) => `2027-02-01T${t}:00+08:00`;
    const accepted2027 = run(
      cmd.open({ filedAt: at2027('09:00') }),
      c('DispatchCase', { unitId: unitA.unitId }, operator, at2027('09:30')),
      c('AcceptDispatch', {}, unitA, at2027('10:00')),
    );
    const revised = createGridCaseDecider({ deadlineRules: rules, calendar: withNotice2027 }).decide(
      c('ReviseDeadline', { notice: '测试〔2026〕1号' }, system, at2027('12:00')),
      fold(decider, accepted2027),
    );
    emitted.push(...revised);

    const every: Record<GridCaseEvent['type'], true> = {
      WorkOrderOpened: true,
      CaseDispatched: true,
      DispatchAccepted: true,
      DispatchObjected: true,
      ObjectionUpheld: true,
      ObjectionRejected: true,
      ProgressNoted: true,
      ExtensionRequested: true,
      ExtensionGranted: true,
      ExtensionDenied: true,
      CaseSuspended: true,
      CaseResumed: true,
      FeedbackSubmitted: true,
      CaseVerified: true,
      ReworkOrdered: true,
      CaseClosed: true,
      CallbackRecorded: true,
      CaseArchived: true,
      CaseReopened: true,
      CaseMerged: true,
      CaseReferred: true,
      SupervisionIssued: true,
      SupervisionAnswered: true,
      Escalated: true,
      DeadlineWarned: true,
      DeadlineBreached: true,
      DeadlineRevised: true,
    };
    const result = await appendAndVerifyEveryEvent(emitted, 'grid-case-');
    expect(result.failures).toEqual([]);
    expect(result.types).toEqual(Object.keys(every).sort());
  });
});
