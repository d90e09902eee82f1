import {
  CommandMeta,
  computeDeadline,
  Deadline,
  DeadlineRule,
  DeadlineUnit,
  expectStatus,
  extendDeadline,
  ForbiddenError,
  ValidationError,
  WorkingCalendar,
} from '@fengqiao/kernel';
import { DeadlineRuleTable, resolveDeadlineRule } from './deadline-rules';
import { COMMAND_LABEL, STATUS_LABEL } from './grid-case.labels';
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
  StepTimer,
  WorkOrder,
} from './grid-case.types';

/** A work order that exists (every state but `none`). */
export type Open = Exclude<GridCaseState, { status: 'none' }>;
type In<K extends GridCaseStatus> = Extract<GridCaseState, { status: K }>;

const DEADLINE_UNITS: readonly DeadlineUnit[] = ['calendar_days', 'working_days', 'working_hours'];

export const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '';

function codeOf(type: string): string {
  return type.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c).toUpperCase();
}

export function invalid(code: string, message: string, details?: Record<string, unknown>): never {
  throw new ValidationError(`GRID_CASE.${code}`, message, details);
}

export function nextLevel(level: EscalationLevel): EscalationLevel | undefined {
  return ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(level) + 1];
}

export function validateAttachments(attachments: AttachmentRef[] | undefined): AttachmentRef[] {
  const list = attachments ?? [];
  if (list.some((a) => !nonEmpty(a.ref))) invalid('INVALID_ATTACHMENT', '附件引用不能为空');
  return list;
}

export function validateLength(duration: unknown, unit: unknown): { duration: number; unit: DeadlineUnit } {
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
export function withBasis<T extends GridCaseEvent>(event: T, deadline: Deadline | undefined | null): T {
  return deadline?.legalBasis ? { ...event, legalBasis: deadline.legalBasis } : event;
}

/** What every phase's `decide` uses for one command on an open work order. */
export interface DecideContext {
  meta: CommandMeta;
  order: WorkOrder;
  /** the data every event begins with: case, actor, time, reason */
  b: GridCaseEventBase;
  /** the state narrowed to `allowed`, else 409 `GRID_CASE.CANNOT_<COMMAND>` */
  expect<K extends GridCaseStatus>(state: GridCaseState, allowed: readonly K[]): In<K>;
  requireRole(...roles: string[]): void;
  /** centre decisions: role operator */
  requireCentre(): void;
  requireReason(): void;
  /** the actor's unit is the assigned unit (403 otherwise); returns it */
  requireAssignedUnit(order: WorkOrder): string;
  /** the timer of `step` from the rule for the order's category × urgency, or null when none is configured */
  startTimer(order: Pick<WorkOrder, 'category' | 'urgency' | 'timerSeq'>, step: GridCaseStep, startAt: string): StepTimer | null;
  /** the handling timer after a granted extension (running on from the old due time) */
  extensionTimer(order: WorkOrder, duration: number, unit: DeadlineUnit, now: string): StepTimer;
}

/** The base of every event of a command (before the order exists, `caseId` comes from the command). */
export function eventBase(caseId: string, meta: CommandMeta): GridCaseEventBase {
  const reason = nonEmpty(meta.reason) ? meta.reason : undefined;
  return { caseId, actor: meta.actor, at: meta.now, ...(reason !== undefined ? { reason } : {}) };
}

export function decideContext(
  command: GridCaseCommand,
  order: WorkOrder,
  deps: { deadlineRules: DeadlineRuleTable; calendar: WorkingCalendar },
): DecideContext {
  const { meta } = command;
  const { calendar, deadlineRules } = deps;
  const label = COMMAND_LABEL[command.type];
  const requireRole = (...roles: string[]): void => {
    if (!roles.includes(meta.actor.role)) {
      throw new ForbiddenError('GRID_CASE.FORBIDDEN_ROLE', `当前角色不能${label}`, { command: command.type, role: meta.actor.role });
    }
  };
  return {
    meta,
    order,
    b: eventBase(order.caseId, meta),
    expect: (state, allowed) =>
      expectStatus(state, allowed, {
        code: `GRID_CASE.CANNOT_${codeOf(command.type)}`,
        noun: '工单',
        statusLabels: STATUS_LABEL,
        command: command.type,
        commandLabel: label,
      }),
    requireRole,
    requireCentre: () => requireRole('operator'),
    requireReason: () => {
      if (!nonEmpty(meta.reason)) invalid('REASON_REQUIRED', `${label}须填写理由或意见`, { command: command.type });
    },
    requireAssignedUnit: (o) => {
      if (o.unitId === null || meta.actor.unitId !== o.unitId) {
        throw new ForbiddenError('GRID_CASE.NOT_ASSIGNED_UNIT', `只有承办单位可以${label}`, {
          command: command.type,
          assignedUnitId: o.unitId,
          actorUnitId: meta.actor.unitId,
        });
      }
      return o.unitId;
    },
    startTimer: (o, step, startAt) => startTimer(deps, o, step, startAt),
    extensionTimer: (o, duration, unit, now) => {
      const template = resolveDeadlineRule(deadlineRules, 'extension', o.category, o.urgency);
      const warnBefore = template?.warnBefore !== undefined && template.unit === unit && template.warnBefore < duration ? template.warnBefore : undefined;
      const rule: DeadlineRule = {
        ruleId: template?.ruleId ?? 'grid-case.extension',
        ...(template?.legalBasis !== undefined ? { legalBasis: template.legalBasis } : {}),
        duration,
        unit,
        ...(warnBefore !== undefined ? { warnBefore } : {}),
      };
      const running = o.timer?.step === 'handle' ? o.timer.deadline : undefined;
      const deadline = running ? extendDeadline(running, rule, calendar) : computeDeadline(rule, now, calendar);
      return { timerId: `handle-${o.timerSeq + 1}`, step: 'handle', deadline };
    },
  };
}

/** The timer of `step` from the configured rule, or null. */
export function startTimer(
  deps: { deadlineRules: DeadlineRuleTable; calendar: WorkingCalendar },
  order: Pick<WorkOrder, 'category' | 'urgency' | 'timerSeq'>,
  step: GridCaseStep,
  startAt: string,
): StepTimer | null {
  const rule = resolveDeadlineRule(deps.deadlineRules, step, order.category, order.urgency);
  if (!rule) return null;
  return { timerId: `${step}-${order.timerSeq + 1}`, step, deadline: computeDeadline(rule, startAt, deps.calendar) };
}
