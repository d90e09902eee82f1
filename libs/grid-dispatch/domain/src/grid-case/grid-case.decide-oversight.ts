import { IllegalStateError, NotFoundError, assertNever, isBreached, isWarningDue, required } from '@fengqiao/kernel';
import { DecideContext, Open, invalid, nextLevel, nonEmpty, withBasis } from './grid-case.decide-context';
import { ESCALATION_LEVELS, GridCaseCommand, GridCaseEvent, REFERRAL_TARGETS } from './grid-case.types';

const BEFORE_FEEDBACK = ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended'] as const;
const OPEN = [...BEFORE_FEEDBACK, 'feedback_submitted', 'verified'] as const;

/** Across phases: merge, referral, supervision (督办), escalation and the deadline timers. */
export function decideOversight(
  command: Extract<
    GridCaseCommand,
    { type: 'MergeAsDuplicate' | 'ReferCase' | 'SuperviseCase' | 'AnswerSupervision' | 'EscalateCase' | 'WarnDeadline' | 'BreachDeadline' }
  >,
  state: Open,
  x: DecideContext,
): GridCaseEvent[] {
  const { meta, order, b } = x;
  switch (command.type) {
    case 'MergeAsDuplicate': {
      x.expect(state, BEFORE_FEEDBACK);
      x.requireCentre();
      const { duplicateOf } = command.data;
      if (!nonEmpty(duplicateOf) || duplicateOf === order.caseId) invalid('INVALID_DUPLICATE_OF', '重复事件须指向另一个事件');
      return [{ type: 'CaseMerged', data: { ...b, duplicateOf } }];
    }

    case 'ReferCase': {
      x.expect(state, BEFORE_FEEDBACK);
      x.requireCentre();
      x.requireReason();
      if (!REFERRAL_TARGETS.includes(command.data.target)) invalid('INVALID_REFERRAL_TARGET', `移交去向无效：${command.data.target}`);
      return [{ type: 'CaseReferred', data: { ...b, target: command.data.target } }];
    }

    case 'SuperviseCase': {
      x.expect(state, OPEN);
      x.requireCentre();
      x.requireReason();
      const { supervisionId, level } = command.data;
      if (!nonEmpty(supervisionId)) invalid('SUPERVISION_ID_REQUIRED', '缺少督办编号');
      if (!ESCALATION_LEVELS.includes(level)) invalid('INVALID_LEVEL', `层级无效：${level}`);
      if (order.supervisions.some((s) => s.supervisionId === supervisionId)) {
        throw new IllegalStateError('GRID_CASE.DUPLICATE_SUPERVISION', `督办 ${supervisionId} 已存在`, { supervisionId });
      }
      return [{ type: 'SupervisionIssued', data: { ...b, supervisionId, level } }];
    }

    case 'AnswerSupervision': {
      x.expect(state, [...OPEN, 'closed', 'callback_done']);
      x.requireAssignedUnit(order);
      const { supervisionId, answer } = command.data;
      const supervision = order.supervisions.find((s) => s.supervisionId === supervisionId);
      if (!supervision) {
        throw new NotFoundError('GRID_CASE.UNKNOWN_SUPERVISION', `督办 ${supervisionId} 不存在`, { supervisionId });
      }
      if (supervision.answeredAt !== undefined) {
        throw new IllegalStateError('GRID_CASE.SUPERVISION_ALREADY_ANSWERED', `督办 ${supervisionId} 已答复`, { supervisionId });
      }
      required(answer, 'answer', '督办答复', 'GRID_CASE.ANSWER_REQUIRED');
      return [{ type: 'SupervisionAnswered', data: { ...b, supervisionId, answer } }];
    }

    case 'EscalateCase': {
      x.expect(state, OPEN);
      x.requireCentre();
      x.requireReason();
      const to = nextLevel(order.level);
      if (!to) throw new IllegalStateError('GRID_CASE.ALREADY_AT_TOP_LEVEL', '工单已在区级，不能再提级', { level: order.level });
      return [{ type: 'Escalated', data: { ...b, from: order.level, to, cause: 'manual' } }];
    }

    case 'WarnDeadline': {
      x.requireRole('system');
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
        withBasis({ type: 'DeadlineWarned', data: { ...b, timerId: t.timerId, step: t.step, warnAt: t.deadline.warnAt, dueAt: t.deadline.dueAt } }, t.deadline),
      ];
    }

    case 'BreachDeadline': {
      x.requireRole('system');
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
      return to ? [breached, { type: 'Escalated', data: { ...b, from: order.level, to, cause: 'deadline_breached', timerId: t.timerId } }] : [breached];
    }

    default:
      return assertNever(command, 'command');
  }
}
