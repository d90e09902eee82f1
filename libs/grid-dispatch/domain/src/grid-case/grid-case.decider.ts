import {
  assertNever,
  computeDeadline,
  Deadline,
  DeadlineRule,
  DeadlineUnit,
  Decider,
  extendDeadline,
  ForbiddenError,
  IllegalStateError,
  isBreached,
  isWarningDue,
  NotFoundError,
  parseInstant,
  ValidationError,
  WorkingCalendar,
} from '@fengqiao/kernel';
import { DeadlineRuleTable, resolveDeadlineRule, validateDeadlineRules } from './deadline-rules';
import {
  AttachmentRef,
  ESCALATION_LEVELS,
  EscalationLevel,
  GridCaseCommand,
  GridCaseEvent,
  GridCaseEventBase,
  GridCaseState,
  GridCaseStatus,
  GridCaseStep,
  REFERRAL_TARGETS,
  StepTimer,
  URGENCIES,
  WorkOrder,
} from './grid-case.types';

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

export const STATUS_LABEL: Record<GridCaseStatus, string> = {
  none: '不存在',
  filed: '已立案',
  reopened: '已重新打开',
  dispatched: '待签收',
  objection: '退单待裁定',
  in_progress: '处置中',
  extension_requested: '延期待审批',
  suspended: '挂账',
  feedback_submitted: '待核查',
  verified: '已核查',
  closed: '已结案',
  callback_done: '已回访',
  archived: '已归档',
  merged_duplicate: '已作为重复事件合并',
  referred: '已移交',
};

const COMMAND_LABEL: Record<GridCaseCommand['type'], string> = {
  OpenWorkOrder: '建立工单',
  DispatchCase: '派单',
  AcceptDispatch: '签收',
  ObjectToDispatch: '退单',
  RuleOnObjection: '裁定退单',
  NoteProgress: '记录办理进展',
  RequestExtension: '申请延期',
  RuleOnExtension: '审批延期',
  SuspendCase: '挂账',
  ResumeCase: '恢复办理',
  SubmitFeedback: '反馈办理结果',
  VerifyCase: '核查',
  CloseCase: '结案',
  RecordCallback: '记录回访',
  ArchiveCase: '归档',
  ReopenCase: '重新打开',
  MergeAsDuplicate: '合并为重复事件',
  ReferCase: '移交',
  SuperviseCase: '督办',
  AnswerSupervision: '答复督办',
  EscalateCase: '提级',
  WarnDeadline: '期限预警',
  BreachDeadline: '期限超时',
};

const DEADLINE_UNITS: readonly DeadlineUnit[] = ['calendar_days', 'working_days', 'working_hours'];
const BEFORE_FEEDBACK = ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended'] as const;
const OPEN = [...BEFORE_FEEDBACK, 'feedback_submitted', 'verified'] as const;

type Open = Exclude<GridCaseState, { status: 'none' }>;
type In<K extends GridCaseStatus> = Extract<GridCaseState, { status: K }>;

function inStatus<K extends GridCaseStatus>(state: GridCaseState, statuses: readonly K[]): state is In<K> {
  return (statuses as readonly GridCaseStatus[]).includes(state.status);
}

const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '';

function codeOf(type: string): string {
  return type.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c).toUpperCase();
}

function invalid(code: string, message: string, details?: Record<string, unknown>): never {
  throw new ValidationError(`GRID_CASE.${code}`, message, details);
}

export function nextLevel(level: EscalationLevel): EscalationLevel | undefined {
  return ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(level) + 1];
}

function validateAttachments(attachments: AttachmentRef[] | undefined): AttachmentRef[] {
  const list = attachments ?? [];
  if (list.some((a) => !nonEmpty(a.ref))) invalid('INVALID_ATTACHMENT', '附件引用不能为空');
  return list;
}

function validateLength(duration: unknown, unit: unknown): { duration: number; unit: DeadlineUnit } {
  if (!DEADLINE_UNITS.includes(unit as DeadlineUnit)) invalid('INVALID_EXTENSION', `延期单位无效：${String(unit)}`);
  const ok =
    typeof duration === 'number' &&
    Number.isFinite(duration) &&
    duration > 0 &&
    (unit === 'working_hours' ? Math.abs(duration * 60 - Math.round(duration * 60)) < 1e-9 : Number.isInteger(duration));
  if (!ok) invalid('INVALID_EXTENSION', `延期时长无效：${String(duration)}`);
  return { duration: duration as number, unit: unit as DeadlineUnit };
}

/** Adds the timer's legal basis to the event envelope, when the rule has one. */
function withBasis<T extends GridCaseEvent>(event: T, deadline: Deadline | undefined | null): T {
  return deadline?.legalBasis ? { ...event, legalBasis: deadline.legalBasis } : event;
}

/** Creates the work-order decider with its pure dependencies: the deadline rule table and the calendar. */
export function createGridCaseDecider(deps: GridCaseDeciderDeps): Decider<GridCaseState, GridCaseCommand, GridCaseEvent> {
  validateDeadlineRules(deps.deadlineRules);
  const { calendar, deadlineRules } = deps;

  const startTimer = (order: Pick<WorkOrder, 'category' | 'urgency' | 'timerSeq'>, step: GridCaseStep, startAt: string): StepTimer | null => {
    const rule = resolveDeadlineRule(deadlineRules, step, order.category, order.urgency);
    if (!rule) return null;
    return { timerId: `${step}-${order.timerSeq + 1}`, step, deadline: computeDeadline(rule, startAt, calendar) };
  };

  const extensionTimer = (order: WorkOrder, duration: number, unit: DeadlineUnit, now: string): StepTimer => {
    const template = resolveDeadlineRule(deadlineRules, 'extension', order.category, order.urgency);
    const warnBefore =
      template?.warnBefore !== undefined && template.unit === unit && template.warnBefore < duration ? template.warnBefore : undefined;
    const rule: DeadlineRule = {
      ruleId: template?.ruleId ?? 'grid-case.extension',
      ...(template?.legalBasis !== undefined ? { legalBasis: template.legalBasis } : {}),
      duration,
      unit,
      ...(warnBefore !== undefined ? { warnBefore } : {}),
    };
    const running = order.timer?.step === 'handle' ? order.timer.deadline : undefined;
    const deadline = running ? extendDeadline(running, rule, calendar) : computeDeadline(rule, now, calendar);
    return { timerId: `handle-${order.timerSeq + 1}`, step: 'handle', deadline };
  };

  function decide(command: GridCaseCommand, state: GridCaseState): GridCaseEvent[] {
    const { meta } = command;
    const reasonGiven = nonEmpty(meta.reason) ? meta.reason : undefined;
    const base = (caseId: string): GridCaseEventBase => ({
      caseId,
      actor: meta.actor,
      at: meta.now,
      ...(reasonGiven !== undefined ? { reason: reasonGiven } : {}),
    });
    const illegal = (s: GridCaseState): never => {
      throw new IllegalStateError(
        `GRID_CASE.CANNOT_${codeOf(command.type)}`,
        `工单当前状态为“${STATUS_LABEL[s.status]}”，不能${COMMAND_LABEL[command.type]}`,
        { command: command.type, status: s.status },
      );
    };
    const requireRole = (...roles: string[]): void => {
      if (!roles.includes(meta.actor.role)) {
        throw new ForbiddenError('GRID_CASE.FORBIDDEN_ROLE', `当前角色不能${COMMAND_LABEL[command.type]}`, {
          command: command.type,
          role: meta.actor.role,
        });
      }
    };
    const requireCentre = () => requireRole('operator');
    const requireReason = (): void => {
      if (reasonGiven === undefined) {
        invalid('REASON_REQUIRED', `${COMMAND_LABEL[command.type]}须填写理由或意见`, { command: command.type });
      }
    };
    const requireAssignedUnit = (order: WorkOrder): string => {
      if (order.unitId === null || meta.actor.unitId !== order.unitId) {
        throw new ForbiddenError('GRID_CASE.NOT_ASSIGNED_UNIT', `只有承办单位可以${COMMAND_LABEL[command.type]}`, {
          command: command.type,
          assignedUnitId: order.unitId,
          actorUnitId: meta.actor.unitId,
        });
      }
      return order.unitId;
    };

    if (state.status === 'none') {
      if (command.type !== 'OpenWorkOrder') {
        throw new NotFoundError('GRID_CASE.NOT_FOUND', `工单 ${command.data.caseId} 不存在`, { caseId: command.data.caseId });
      }
      requireRole('operator', 'system');
      const { caseId, category, urgency, gridId, level, filedAt, location } = command.data;
      if (!nonEmpty(caseId)) invalid('CASE_ID_REQUIRED', '缺少事件编号');
      if (!nonEmpty(category)) invalid('CATEGORY_REQUIRED', '缺少事件类别');
      if (!URGENCIES.includes(urgency)) invalid('INVALID_URGENCY', `紧急程度无效：${urgency}`);
      if (!ESCALATION_LEVELS.includes(level)) invalid('INVALID_LEVEL', `层级无效：${level}`);
      if (gridId !== null && !nonEmpty(gridId)) invalid('INVALID_GRID', '网格编号无效');
      if (location !== undefined && !(Array.isArray(location) && location.every(nonEmpty))) invalid('INVALID_LOCATION', '事件所在位置（单位路径）无效');
      parseInstant(filedAt);
      const timer = startTimer({ category, urgency, timerSeq: 0 }, 'dispatch', filedAt);
      return [
        withBasis(
          { type: 'WorkOrderOpened', data: { ...base(caseId), category, urgency, gridId, level, filedAt, ...(location ? { location: [...location] } : {}), timer } },
          timer?.deadline,
        ),
      ];
    }

    const { order } = state;
    const caseId = order.caseId;
    if (command.data.caseId !== caseId) {
      invalid('CASE_ID_MISMATCH', '命令中的事件编号与工单不符', { command: command.data.caseId, stream: caseId });
    }
    const b = base(caseId);

    switch (command.type) {
      case 'OpenWorkOrder':
        throw new IllegalStateError('GRID_CASE.ALREADY_OPEN', `工单 ${caseId} 已建立`, { caseId });

      case 'DispatchCase': {
        if (!inStatus(state, ['filed', 'reopened'])) return illegal(state);
        requireCentre();
        if (!nonEmpty(command.data.unitId)) invalid('UNIT_REQUIRED', '请选择承办单位');
        const timer = startTimer(order, 'accept', meta.now);
        return [withBasis({ type: 'CaseDispatched', data: { ...b, unitId: command.data.unitId, timer } }, timer?.deadline)];
      }

      case 'AcceptDispatch': {
        if (state.status !== 'dispatched') return illegal(state);
        const unitId = requireAssignedUnit(order);
        const timer = startTimer(order, 'handle', meta.now);
        return [withBasis({ type: 'DispatchAccepted', data: { ...b, unitId, timer } }, timer?.deadline)];
      }

      case 'ObjectToDispatch': {
        if (state.status !== 'dispatched') return illegal(state);
        const unitId = requireAssignedUnit(order);
        requireReason();
        const timer = startTimer(order, 'rule_objection', meta.now);
        return [withBasis({ type: 'DispatchObjected', data: { ...b, unitId, timer } }, timer?.deadline)];
      }

      case 'RuleOnObjection': {
        if (state.status !== 'objection') return illegal(state);
        requireCentre();
        requireReason();
        const current = order.unitId ?? '';
        const { decision, newUnitId } = command.data;
        const timer = startTimer(order, 'accept', meta.now);
        if (decision === 'upheld') {
          if (!nonEmpty(newUnitId)) invalid('UNIT_REQUIRED', '退单成立时须指定新的承办单位');
          if (newUnitId === current) invalid('SAME_UNIT', '新的承办单位不能是退单单位');
          return [
            withBasis({ type: 'ObjectionUpheld', data: { ...b, previousUnitId: current, unitId: newUnitId, timer } }, timer?.deadline),
          ];
        }
        if (decision === 'rejected') {
          if (newUnitId !== undefined && newUnitId !== current) invalid('NEW_UNIT_NOT_ALLOWED', '退单不成立时仍由原单位承办');
          return [withBasis({ type: 'ObjectionRejected', data: { ...b, unitId: current, timer } }, timer?.deadline)];
        }
        return invalid('INVALID_DECISION', `裁定结果无效：${String(decision)}`);
      }

      case 'NoteProgress': {
        if (!inStatus(state, ['in_progress', 'extension_requested'])) return illegal(state);
        const unitId = requireAssignedUnit(order);
        if (!nonEmpty(command.data.note)) invalid('NOTE_REQUIRED', '请填写办理进展');
        const attachments = validateAttachments(command.data.attachments);
        return [{ type: 'ProgressNoted', data: { ...b, unitId, note: command.data.note, attachments } }];
      }

      case 'RequestExtension': {
        if (state.status !== 'in_progress') return illegal(state);
        const unitId = requireAssignedUnit(order);
        requireReason();
        const { duration, unit } = validateLength(command.data.duration, command.data.unit);
        if (order.timer?.step === 'handle' && isBreached(order.timer.deadline, meta.now)) {
          throw new IllegalStateError('GRID_CASE.EXTENSION_TOO_LATE', '办理期限已届满，不能再申请延期', {
            dueAt: order.timer.deadline.dueAt,
          });
        }
        return [{ type: 'ExtensionRequested', data: { ...b, unitId, duration, unit } }];
      }

      case 'RuleOnExtension': {
        if (state.status !== 'extension_requested') return illegal(state);
        requireCentre();
        requireReason();
        if (command.data.decision === 'denied') return [{ type: 'ExtensionDenied', data: b }];
        if (command.data.decision !== 'granted') return invalid('INVALID_DECISION', `审批结果无效：${String(command.data.decision)}`);
        const { duration, unit } = validateLength(
          command.data.duration ?? state.request.duration,
          command.data.unit ?? state.request.unit,
        );
        const timer = extensionTimer(order, duration, unit, meta.now);
        return [withBasis({ type: 'ExtensionGranted', data: { ...b, duration, unit, timer } }, timer.deadline)];
      }

      case 'SuspendCase': {
        if (!inStatus(state, ['in_progress', 'extension_requested'])) return illegal(state);
        requireCentre();
        requireReason();
        return [{ type: 'CaseSuspended', data: { ...b, pausedTimerId: order.timer?.timerId ?? null } }];
      }

      case 'ResumeCase': {
        if (state.status !== 'suspended') return illegal(state);
        requireCentre();
        const timer = startTimer(order, 'handle', meta.now);
        return [withBasis({ type: 'CaseResumed', data: { ...b, timer } }, timer?.deadline)];
      }

      case 'SubmitFeedback': {
        if (state.status !== 'in_progress') return illegal(state);
        const unitId = requireAssignedUnit(order);
        if (!nonEmpty(command.data.result)) invalid('RESULT_REQUIRED', '请填写办理结果');
        const attachments = validateAttachments(command.data.attachments);
        const timer = startTimer(order, 'verify', meta.now);
        return [
          withBasis({ type: 'FeedbackSubmitted', data: { ...b, unitId, result: command.data.result, attachments, timer } }, timer?.deadline),
        ];
      }

      case 'VerifyCase': {
        if (state.status !== 'feedback_submitted') return illegal(state);
        requireCentre();
        const { passed, findings } = command.data;
        if (!nonEmpty(findings)) invalid('FINDINGS_REQUIRED', '请填写核查情况');
        if (passed === true) {
          const timer = startTimer(order, 'close', meta.now);
          return [withBasis({ type: 'CaseVerified', data: { ...b, findings, timer } }, timer?.deadline)];
        }
        if (passed !== false) return invalid('INVALID_DECISION', '核查结果须为通过或不通过');
        const timer = startTimer(order, 'handle', meta.now);
        return [
          withBasis(
            {
              type: 'ReworkOrdered',
              data: { ...b, findings, reworkCount: order.reworkCount + 1, unitId: order.unitId ?? '', timer },
            },
            timer?.deadline,
          ),
        ];
      }

      case 'CloseCase': {
        if (state.status !== 'verified') return illegal(state);
        requireCentre();
        if (!nonEmpty(command.data.summary)) invalid('SUMMARY_REQUIRED', '请填写结案意见');
        const timer = startTimer(order, 'callback', meta.now);
        return [withBasis({ type: 'CaseClosed', data: { ...b, summary: command.data.summary, timer } }, timer?.deadline)];
      }

      case 'RecordCallback': {
        if (state.status !== 'closed') return illegal(state);
        requireCentre();
        const { rating, satisfied, comment } = command.data;
        if (!(Number.isInteger(rating) && rating >= 1 && rating <= 5)) invalid('INVALID_RATING', '评价须为 1 至 5 的整数', { rating });
        if (typeof satisfied !== 'boolean') invalid('SATISFACTION_REQUIRED', '请记录是否满意');
        return [
          { type: 'CallbackRecorded', data: { ...b, rating, satisfied, ...(nonEmpty(comment) ? { comment } : {}) } },
        ];
      }

      case 'ArchiveCase': {
        if (!inStatus(state, ['callback_done', 'merged_duplicate', 'referred'])) return illegal(state);
        requireCentre();
        return [{ type: 'CaseArchived', data: b }];
      }

      case 'ReopenCase': {
        if (!inStatus(state, ['closed', 'callback_done'])) return illegal(state);
        requireCentre();
        requireReason();
        const timer = startTimer(order, 'dispatch', meta.now);
        return [
          withBasis({ type: 'CaseReopened', data: { ...b, reopenCount: order.reopenCount + 1, timer } }, timer?.deadline),
        ];
      }

      case 'MergeAsDuplicate': {
        if (!inStatus(state, BEFORE_FEEDBACK)) return illegal(state);
        requireCentre();
        const { duplicateOf } = command.data;
        if (!nonEmpty(duplicateOf) || duplicateOf === caseId) invalid('INVALID_DUPLICATE_OF', '重复事件须指向另一个事件');
        return [{ type: 'CaseMerged', data: { ...b, duplicateOf } }];
      }

      case 'ReferCase': {
        if (!inStatus(state, BEFORE_FEEDBACK)) return illegal(state);
        requireCentre();
        requireReason();
        if (!REFERRAL_TARGETS.includes(command.data.target)) invalid('INVALID_REFERRAL_TARGET', `移交去向无效：${command.data.target}`);
        return [{ type: 'CaseReferred', data: { ...b, target: command.data.target } }];
      }

      case 'SuperviseCase': {
        if (!inStatus(state, OPEN)) return illegal(state);
        requireCentre();
        requireReason();
        const { supervisionId, level } = command.data;
        if (!nonEmpty(supervisionId)) invalid('SUPERVISION_ID_REQUIRED', '缺少督办编号');
        if (!ESCALATION_LEVELS.includes(level)) invalid('INVALID_LEVEL', `层级无效：${level}`);
        if (order.supervisions.some((s) => s.supervisionId === supervisionId)) {
          throw new IllegalStateError('GRID_CASE.DUPLICATE_SUPERVISION', `督办 ${supervisionId} 已存在`, { supervisionId });
        }
        return [{ type: 'SupervisionIssued', data: { ...b, supervisionId, level } }];
      }

      case 'AnswerSupervision': {
        if (!inStatus(state, [...OPEN, 'closed', 'callback_done'])) return illegal(state);
        requireAssignedUnit(order);
        const { supervisionId, answer } = command.data;
        const supervision = order.supervisions.find((s) => s.supervisionId === supervisionId);
        if (!supervision) {
          throw new NotFoundError('GRID_CASE.UNKNOWN_SUPERVISION', `督办 ${supervisionId} 不存在`, { supervisionId });
        }
        if (supervision.answeredAt !== undefined) {
          throw new IllegalStateError('GRID_CASE.SUPERVISION_ALREADY_ANSWERED', `督办 ${supervisionId} 已答复`, { supervisionId });
        }
        if (!nonEmpty(answer)) invalid('ANSWER_REQUIRED', '请填写督办答复');
        return [{ type: 'SupervisionAnswered', data: { ...b, supervisionId, answer } }];
      }

      case 'EscalateCase': {
        if (!inStatus(state, OPEN)) return illegal(state);
        requireCentre();
        requireReason();
        const to = nextLevel(order.level);
        if (!to) throw new IllegalStateError('GRID_CASE.ALREADY_AT_TOP_LEVEL', '工单已在区级，不能再提级', { level: order.level });
        return [{ type: 'Escalated', data: { ...b, from: order.level, to, cause: 'manual' } }];
      }

      case 'WarnDeadline': {
        requireRole('system');
        const t = order.timer;
        if (!t || t.timerId !== command.data.timerId || t.warned || t.breached) return [];
        if (t.deadline.warnAt === undefined) {
          throw new IllegalStateError('GRID_CASE.NO_WARNING', `期限 ${t.timerId} 未设置预警`, { timerId: t.timerId });
        }
        if (!isWarningDue(t.deadline, meta.now)) {
          throw new IllegalStateError('GRID_CASE.DEADLINE_NOT_DUE', `期限 ${t.timerId} 尚未到预警时间`, {
            timerId: t.timerId,
            warnAt: t.deadline.warnAt,
            now: meta.now,
          });
        }
        return [
          withBasis(
            { type: 'DeadlineWarned', data: { ...b, timerId: t.timerId, step: t.step, warnAt: t.deadline.warnAt, dueAt: t.deadline.dueAt } },
            t.deadline,
          ),
        ];
      }

      case 'BreachDeadline': {
        requireRole('system');
        const t = order.timer;
        if (!t || t.timerId !== command.data.timerId || t.breached) return [];
        if (!isBreached(t.deadline, meta.now)) {
          throw new IllegalStateError('GRID_CASE.DEADLINE_NOT_DUE', `期限 ${t.timerId} 尚未届满`, {
            timerId: t.timerId,
            dueAt: t.deadline.dueAt,
            now: meta.now,
          });
        }
        const breached: GridCaseEvent = withBasis(
          { type: 'DeadlineBreached', data: { ...b, timerId: t.timerId, step: t.step, dueAt: t.deadline.dueAt } },
          t.deadline,
        );
        const to = nextLevel(order.level);
        return to
          ? [breached, { type: 'Escalated', data: { ...b, from: order.level, to, cause: 'deadline_breached', timerId: t.timerId } }]
          : [breached];
      }

      default:
        return assertNever(command, 'command');
    }
  }

  return { decide, evolve: evolveGridCase, initialState: initialGridCaseState };
}

export const initialGridCaseState = (): GridCaseState => ({ status: 'none' });

/** Folds a work-order event into state. Pure and total: it never throws. */
export function evolveGridCase(state: GridCaseState, event: GridCaseEvent): GridCaseState {
  if (event.type === 'WorkOrderOpened') {
    if (state.status !== 'none') return state;
    const d = event.data;
    return {
      status: 'filed',
      order: {
        caseId: d.caseId,
        category: d.category,
        urgency: d.urgency,
        gridId: d.gridId,
        filedAt: d.filedAt,
        ...(d.location ? { location: [...d.location] } : {}),
        level: d.level,
        unitId: null,
        timer: d.timer ? { ...d.timer, warned: false, breached: false } : null,
        timerSeq: d.timer ? 1 : 0,
        supervisions: [],
        reworkCount: 0,
        reopenCount: 0,
        extensionCount: 0,
        breachCount: 0,
      },
    };
  }
  if (state.status === 'none') return state;
  const o = state.order;
  const at = event.data.at;
  /** the order after an event that ends the running step and possibly starts another */
  const next = (timer: StepTimer | null, patch: Partial<WorkOrder> = {}): WorkOrder => ({
    ...o,
    ...patch,
    timer: timer ? { ...timer, warned: false, breached: false } : null,
    timerSeq: timer ? o.timerSeq + 1 : o.timerSeq,
  });
  const keep = (patch: Partial<WorkOrder>): Open => ({ ...state, order: { ...o, ...patch } });

  switch (event.type) {
    case 'CaseDispatched':
      return { status: 'dispatched', order: next(event.data.timer, { unitId: event.data.unitId }) };
    case 'DispatchAccepted':
      return { status: 'in_progress', order: next(event.data.timer) };
    case 'DispatchObjected':
      return { status: 'objection', order: next(event.data.timer), objectedAt: at, objectedBy: event.data.actor };
    case 'ObjectionUpheld':
      return { status: 'dispatched', order: next(event.data.timer, { unitId: event.data.unitId }) };
    case 'ObjectionRejected':
      return { status: 'dispatched', order: next(event.data.timer, { unitId: event.data.unitId }) };
    case 'ProgressNoted':
      return state;
    case 'ExtensionRequested':
      return {
        status: 'extension_requested',
        order: o,
        request: { duration: event.data.duration, unit: event.data.unit, requestedAt: at },
      };
    case 'ExtensionGranted':
      return { status: 'in_progress', order: next(event.data.timer, { extensionCount: o.extensionCount + 1 }) };
    case 'ExtensionDenied':
      return { status: 'in_progress', order: o };
    case 'CaseSuspended':
      return { status: 'suspended', order: next(null), suspendedAt: at };
    case 'CaseResumed':
      return { status: 'in_progress', order: next(event.data.timer) };
    case 'FeedbackSubmitted':
      return {
        status: 'feedback_submitted',
        order: next(event.data.timer),
        feedback: { result: event.data.result, attachments: event.data.attachments, submittedAt: at },
      };
    case 'CaseVerified':
      return { status: 'verified', order: next(event.data.timer), verifiedAt: at };
    case 'ReworkOrdered':
      return { status: 'in_progress', order: next(event.data.timer, { reworkCount: event.data.reworkCount }) };
    case 'CaseClosed':
      return { status: 'closed', order: next(event.data.timer), closedAt: at, summary: event.data.summary };
    case 'CallbackRecorded':
      return {
        status: 'callback_done',
        order: next(null),
        callback: {
          rating: event.data.rating,
          satisfied: event.data.satisfied,
          ...(event.data.comment !== undefined ? { comment: event.data.comment } : {}),
          at,
        },
      };
    case 'CaseArchived':
      return { status: 'archived', order: next(null), archivedAt: at };
    case 'CaseReopened':
      return { status: 'reopened', order: next(event.data.timer, { unitId: null, reopenCount: event.data.reopenCount }) };
    case 'CaseMerged':
      return { status: 'merged_duplicate', order: next(null), duplicateOf: event.data.duplicateOf };
    case 'CaseReferred':
      return { status: 'referred', order: next(null), target: event.data.target, referredAt: at };
    case 'SupervisionIssued':
      return keep({
        supervisions: [
          ...o.supervisions,
          {
            supervisionId: event.data.supervisionId,
            level: event.data.level,
            ...(event.data.reason !== undefined ? { opinion: event.data.reason } : {}),
            issuedAt: at,
            issuedBy: event.data.actor,
          },
        ],
      });
    case 'SupervisionAnswered':
      return keep({
        supervisions: o.supervisions.map((s) =>
          s.supervisionId === event.data.supervisionId ? { ...s, answer: event.data.answer, answeredAt: at } : s,
        ),
      });
    case 'Escalated':
      return keep({ level: event.data.to });
    case 'DeadlineWarned':
      return o.timer?.timerId === event.data.timerId ? keep({ timer: { ...o.timer, warned: true } }) : state;
    case 'DeadlineBreached':
      return o.timer?.timerId === event.data.timerId
        ? keep({ timer: { ...o.timer, breached: true }, breachCount: o.breachCount + 1 })
        : state;
    default:
      return assertNever(event, 'event');
  }
}

/** Whether the work order has a supervision (督办) not yet answered. */
export function isUnderSupervision(state: GridCaseState): boolean {
  return state.status !== 'none' && state.order.supervisions.some((s) => s.answeredAt === undefined);
}
