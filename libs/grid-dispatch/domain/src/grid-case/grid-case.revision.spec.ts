import { Actor, calendarsFromNotices, CN_NATIONAL_CALENDAR as CN, DeadlineRule, fold, SHIPPED_CALENDAR_NOTICES, withNotice } from '@fengqiao/kernel';
import { deciderSpec, TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { DeadlineRuleTable } from './deadline-rules';
import { createGridCaseDecider } from './grid-case.decider';
import { GridCaseCommand, GridCaseEvent } from './grid-case.types';

/**
 * Work-order deadlines revised when the calendar changes. A case dispatched and accepted in
 * January 2027 before the 2027 notice: the 5-working-day handling deadline is provisional. The
 * (made-up) test notice makes 春节 02-05..02-11 with make-up workdays Sun 01-31 and Sat 02-20.
 */
const handle: DeadlineRule = { ruleId: 'grid.handle', legalBasis: '本地规则（示例）', duration: 5, unit: 'working_days', warnBefore: 1 };
const rules: DeadlineRuleTable = [
  { step: 'dispatch', rule: { ruleId: 'grid.dispatch', duration: 2, unit: 'working_hours' } },
  { step: 'accept', rule: { ruleId: 'grid.accept', duration: 4, unit: 'working_hours' } },
  { step: 'handle', rule: handle },
];
const [withNotice2027] = calendarsFromNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), { tableVersion: 2 });
const before = createGridCaseDecider({ deadlineRules: rules, calendar: CN });
const after = deciderSpec(createGridCaseDecider({ deadlineRules: rules, calendar: withNotice2027 }));

const caseId = 'case-2027';
const operator: Actor = { userId: 'op-1', role: 'operator', unitId: 'centre-1' };
const system: Actor = { userId: 'calendar-revision', role: 'system', unitId: 'system' };
const unit: Actor = { userId: 'u-a', role: 'department', unitId: 'dept-a' };
const c = (type: GridCaseCommand['type'], data: object, actor: Actor, now: string): GridCaseCommand =>
  ({ type, data: { caseId, ...data }, meta: { actor, now } }) as GridCaseCommand;

function run(...commands: GridCaseCommand[]): GridCaseEvent[] {
  const events: GridCaseEvent[] = [];
  for (const cmd of commands) events.push(...before.decide(cmd, fold(before, events)));
  return events;
}

// accepted Mon 2027-02-01: provisionally Tue 02-02 … Thu 02-04, (02-05..02-08 off), Tue 02-09, Wed 02-10 = day 5;
// with the notice: 02-02, 02-03, 02-04, then off until 02-11, Fri 02-12 = day 4, Mon 02-15 = day 5
const accepted = run(
  c(
    'OpenWorkOrder',
    { category: '占道经营', urgency: 'normal', gridId: 'g-1', level: 'village', filedAt: '2027-02-01T09:00:00+08:00' },
    system,
    '2027-02-01T09:00:00+08:00',
  ),
  c('DispatchCase', { unitId: unit.unitId }, operator, '2027-02-01T09:30:00+08:00'),
  c('AcceptDispatch', {}, unit, '2027-02-01T10:00:00+08:00'),
);
const revise = (now: string) => c('ReviseDeadline', { notice: '测试〔2026〕1号' }, system, now);

describe('gridCaseDecider — ReviseDeadline (calendar notice loaded)', () => {
  it('the provisional handling deadline is revised once, with old and new due and both calendar versions', () => {
    const timer = (accepted[2] as Extract<GridCaseEvent, { type: 'DispatchAccepted' }>).data.timer;
    expect(timer?.deadline).toMatchObject({ lastDay: '2027-02-10', provisional: true, calendarVersion: '2026-1+CN-2027-provisional' });
    const at = '2027-02-01T12:00:00+08:00';
    const events = after.given(accepted).when(revise(at)).events();
    expect(events).toMatchObject([
      {
        type: 'DeadlineRevised',
        data: {
          caseId,
          at,
          timerId: timer?.timerId,
          step: 'handle',
          previous: { lastDay: '2027-02-10', dueAt: '2027-02-10T16:00:00.000Z', calendarVersion: '2026-1+CN-2027-provisional', provisional: true },
          deadline: { lastDay: '2027-02-15', dueAt: '2027-02-15T16:00:00.000Z', warnAt: '2027-02-12T16:00:00.000Z', calendarVersion: '2027-2' },
        },
        legalBasis: handle.legalBasis,
      },
    ]);
    expect(events[0]).not.toHaveProperty('data.deadline.provisional');
    const revised = [...accepted, ...events];
    after.given(revised).when(revise('2027-02-01T13:00:00+08:00')).then([]);
    const breach = (now: string) => c('BreachDeadline', { timerId: timer?.timerId }, system, now);
    after.given(revised).when(breach('2027-02-11T00:00:00+08:00')).thenThrows('GRID_CASE.DEADLINE_NOT_DUE', 'illegal_state');
    expect(
      after
        .given(revised)
        .when(breach('2027-02-16T00:00:00+08:00'))
        .events()
        .map((e) => e.type),
    ).toEqual(['DeadlineBreached', 'Escalated']);
  });

  it('only the system revises; a case with nothing to change appends nothing', () => {
    after
      .given(accepted)
      .when(c('ReviseDeadline', {}, operator, '2027-02-01T12:00:00+08:00'))
      .thenThrows('GRID_CASE.FORBIDDEN_ROLE', 'forbidden');
    const early = run(
      c(
        'OpenWorkOrder',
        { category: '占道经营', urgency: 'normal', gridId: 'g-1', level: 'village', filedAt: '2026-06-01T09:00:00+08:00' },
        system,
        '2026-06-01T09:00:00+08:00',
      ),
    );
    after.given(early).when(revise('2026-06-01T09:10:00+08:00')).then([]);
  });
});
