import { assertNever, Decider, ForbiddenError, IllegalStateError, NotFoundError, parseInstant, required, WorkingCalendar } from '@fengqiao/kernel';
import { DeadlineRuleTable, validateDeadlineRules } from './deadline-rules';
import { decideContext, eventBase, invalid, nonEmpty, startTimer, withBasis } from './grid-case.decide-context';
import { decideDispatch } from './grid-case.decide-dispatch';
import { decideHandling } from './grid-case.decide-handling';
import { decideOversight } from './grid-case.decide-oversight';
import { evolveGridCase, initialGridCaseState } from './grid-case.evolve';
import { reviseWorkOrderDeadline } from './grid-case.revision';
import { ESCALATION_LEVELS, GridCaseCommand, GridCaseEvent, GridCaseState, URGENCIES } from './grid-case.types';

/**
 * The grid-dispatch work order of a grid case (DESIGN §5.1, notes/domain.md §7.1), from filing to
 * archive:
 *
 *   filed → dispatched (待签收) → in_progress (处置中) → feedback_submitted (待核查) → verified
 *         → closed (结案) → callback_done (回访) → archived
 *
 * Side paths: dispatched → objection (退单) → ObjectionUpheld (redispatched to another unit) |
 * ObjectionRejected (back to the same unit), both → dispatched; in_progress → extension_requested
 * → ExtensionGranted | ExtensionDenied → in_progress; in_progress | extension_requested →
 * suspended (挂账) → resumed → in_progress; feedback_submitted → ReworkOrdered (返工, verification
 * failed) → in_progress; before feedback → merged_duplicate or referred (→ mediation | petitions);
 * closed | callback_done → reopened → dispatched again. Archive from callback_done,
 * merged_duplicate or referred.
 *
 * Supervision (督办) and the escalation level (village → town → district) are attributes of the
 * work order, not states: they can change in any open state.
 *
 * Deadlines: each event that starts a step carries a `timer` (step, timerId, Deadline with rule and
 * calendar version) computed from the configured rule for the case's category × urgency × step,
 * or null if none is configured. The scheduler issues `WarnDeadline` / `BreachDeadline` with the
 * timerId and `meta.now`:
 *  - a command for a timer that is no longer running (step finished, timer replaced) or already
 *    warned / breached is a no-op: it returns no events (the scheduler may race with people);
 *  - a command before the timer is due is refused (`GRID_CASE.DEADLINE_NOT_DUE`): the scheduler is wrong;
 *  - a breach also raises the escalation level one step (Escalated), except at district level.
 * Suspension stops the clock; resuming starts a fresh handling deadline. A granted extension
 * replaces the handling deadline with one running on from the old due time.
 *
 * Who may act: centre decisions need role `operator`; the assigned unit's actions (accept, object,
 * progress, extension request, feedback, answering supervision) need the actor's unit to be the
 * assigned unit; timers need role `system`; opening needs `operator` or `system`.
 */

export interface GridCaseDeciderDeps {
  deadlineRules: DeadlineRuleTable;
  calendar: WorkingCalendar;
}

/** Stream of the work order of a grid case. */
export function toGridCaseStreamId(caseId: string): string {
  return `grid-case-${caseId}`;
}

export { STATUS_LABEL } from './grid-case.labels';
export { evolveGridCase, initialGridCaseState, isUnderSupervision } from './grid-case.evolve';
export { nextLevel } from './grid-case.decide-context';

/**
 * Creates the work-order decider with its pure dependencies: the deadline rule table and the
 * calendar. `decide` opens the work order here and hands every other command to its phase
 * (grid-case.decide-dispatch / -handling / -oversight); `evolve` is grid-case.evolve.
 */
export function createGridCaseDecider(deps: GridCaseDeciderDeps): Decider<GridCaseState, GridCaseCommand, GridCaseEvent> {
  validateDeadlineRules(deps.deadlineRules);

  function decide(command: GridCaseCommand, state: GridCaseState): GridCaseEvent[] {
    if (state.status === 'none') {
      if (command.type !== 'OpenWorkOrder') {
        throw new NotFoundError('GRID_CASE.NOT_FOUND', `工单 ${command.data.caseId} 不存在`, { caseId: command.data.caseId });
      }
      return open(command);
    }
    const { order } = state;
    if (command.data.caseId !== order.caseId) {
      invalid('CASE_ID_MISMATCH', '命令中的事件编号与工单不符', { command: command.data.caseId, stream: order.caseId });
    }
    const x = decideContext(command, order, deps);
    switch (command.type) {
      case 'OpenWorkOrder':
        throw new IllegalStateError('GRID_CASE.ALREADY_OPEN', `工单 ${order.caseId} 已建立`, { caseId: order.caseId });
      case 'DispatchCase':
      case 'AcceptDispatch':
      case 'ObjectToDispatch':
      case 'RuleOnObjection':
        return decideDispatch(command, state, x);
      case 'NoteProgress':
      case 'RequestExtension':
      case 'RuleOnExtension':
      case 'SuspendCase':
      case 'ResumeCase':
      case 'SubmitFeedback':
      case 'VerifyCase':
      case 'CloseCase':
      case 'RecordCallback':
      case 'ArchiveCase':
      case 'ReopenCase':
        return decideHandling(command, state, x);
      case 'MergeAsDuplicate':
      case 'ReferCase':
      case 'SuperviseCase':
      case 'AnswerSupervision':
      case 'EscalateCase':
      case 'WarnDeadline':
      case 'BreachDeadline':
        return decideOversight(command, state, x);
      case 'ReviseDeadline':
        // a holiday notice was loaded: the running timer on the calendar the decider now holds
        x.requireRole('system');
        return reviseWorkOrderDeadline(state, deps.calendar, x.b);
      default:
        return assertNever(command, 'command');
    }
  }

  /** 建立工单 from intake's filing (operator or system). */
  function open(command: Extract<GridCaseCommand, { type: 'OpenWorkOrder' }>): GridCaseEvent[] {
    const { meta } = command;
    if (!['operator', 'system'].includes(meta.actor.role)) {
      throw new ForbiddenError('GRID_CASE.FORBIDDEN_ROLE', '当前角色不能建立工单', { command: command.type, role: meta.actor.role });
    }
    const { caseId, category, urgency, gridId, level, filedAt, location } = command.data;
    required(caseId, 'caseId', '事件编号', 'GRID_CASE.CASE_ID_REQUIRED');
    required(category, 'category', '事件类别', 'GRID_CASE.CATEGORY_REQUIRED');
    if (!URGENCIES.includes(urgency)) invalid('INVALID_URGENCY', `紧急程度无效：${urgency}`);
    if (!ESCALATION_LEVELS.includes(level)) invalid('INVALID_LEVEL', `层级无效：${level}`);
    if (gridId !== null && !nonEmpty(gridId)) invalid('INVALID_GRID', '网格编号无效');
    if (location !== undefined && !(Array.isArray(location) && location.every(nonEmpty))) invalid('INVALID_LOCATION', '事件所在位置（单位路径）无效');
    parseInstant(filedAt);
    const timer = startTimer(deps, { category, urgency, timerSeq: 0 }, 'dispatch', filedAt);
    return [
      withBasis(
        {
          type: 'WorkOrderOpened',
          data: { ...eventBase(caseId, meta), category, urgency, gridId, level, filedAt, ...(location ? { location: [...location] } : {}), timer },
        },
        timer?.deadline,
      ),
    ];
  }

  return { decide, evolve: evolveGridCase, initialState: initialGridCaseState };
}
