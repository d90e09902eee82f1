import { IllegalStateError, assertNever, isBreached, required } from '@fengqiao/kernel';
import { DecideContext, Open, invalid, nonEmpty, validateAttachments, validateLength, withBasis } from './grid-case.decide-context';
import { GridCaseCommand, GridCaseEvent } from './grid-case.types';

/** Handling phase: progress, extensions, suspension, feedback, verification, closing, callback, archive, reopening. */
export function decideHandling(
  command: Extract<
    GridCaseCommand,
    {
      type:
        | 'NoteProgress'
        | 'RequestExtension'
        | 'RuleOnExtension'
        | 'SuspendCase'
        | 'ResumeCase'
        | 'SubmitFeedback'
        | 'VerifyCase'
        | 'CloseCase'
        | 'RecordCallback'
        | 'ArchiveCase'
        | 'ReopenCase';
    }
  >,
  state: Open,
  x: DecideContext,
): GridCaseEvent[] {
  const { meta, order, b } = x;
  switch (command.type) {
    case 'NoteProgress': {
      x.expect(state, ['in_progress', 'extension_requested']);
      const unitId = x.requireAssignedUnit(order);
      required(command.data.note, 'note', '办理进展', 'GRID_CASE.NOTE_REQUIRED');
      const attachments = validateAttachments(command.data.attachments);
      return [{ type: 'ProgressNoted', data: { ...b, unitId, note: command.data.note, attachments } }];
    }

    case 'RequestExtension': {
      x.expect(state, ['in_progress']);
      const unitId = x.requireAssignedUnit(order);
      x.requireReason();
      const { duration, unit } = validateLength(command.data.duration, command.data.unit);
      if (order.timer?.step === 'handle' && isBreached(order.timer.deadline, meta.now)) {
        throw new IllegalStateError('GRID_CASE.EXTENSION_TOO_LATE', '办理期限已届满，不能再申请延期', {
          dueAt: order.timer.deadline.dueAt,
        });
      }
      return [{ type: 'ExtensionRequested', data: { ...b, unitId, duration, unit } }];
    }

    case 'RuleOnExtension': {
      const current = x.expect(state, ['extension_requested']);
      x.requireCentre();
      x.requireReason();
      if (command.data.decision === 'denied') return [{ type: 'ExtensionDenied', data: b }];
      if (command.data.decision !== 'granted') return invalid('INVALID_DECISION', `审批结果无效：${String(command.data.decision)}`);
      const { duration, unit } = validateLength(command.data.duration ?? current.request.duration, command.data.unit ?? current.request.unit);
      const timer = x.extensionTimer(order, duration, unit, meta.now);
      return [withBasis({ type: 'ExtensionGranted', data: { ...b, duration, unit, timer } }, timer.deadline)];
    }

    case 'SuspendCase': {
      x.expect(state, ['in_progress', 'extension_requested']);
      x.requireCentre();
      x.requireReason();
      return [{ type: 'CaseSuspended', data: { ...b, pausedTimerId: order.timer?.timerId ?? null } }];
    }

    case 'ResumeCase': {
      x.expect(state, ['suspended']);
      x.requireCentre();
      const timer = x.startTimer(order, 'handle', meta.now);
      return [withBasis({ type: 'CaseResumed', data: { ...b, timer } }, timer?.deadline)];
    }

    case 'SubmitFeedback': {
      x.expect(state, ['in_progress']);
      const unitId = x.requireAssignedUnit(order);
      required(command.data.result, 'result', '办理结果', 'GRID_CASE.RESULT_REQUIRED');
      const attachments = validateAttachments(command.data.attachments);
      const timer = x.startTimer(order, 'verify', meta.now);
      return [withBasis({ type: 'FeedbackSubmitted', data: { ...b, unitId, result: command.data.result, attachments, timer } }, timer?.deadline)];
    }

    case 'VerifyCase': {
      x.expect(state, ['feedback_submitted']);
      x.requireCentre();
      const { passed, findings } = command.data;
      required(findings, 'findings', '核查情况', 'GRID_CASE.FINDINGS_REQUIRED');
      if (passed === true) {
        const timer = x.startTimer(order, 'close', meta.now);
        return [withBasis({ type: 'CaseVerified', data: { ...b, findings, timer } }, timer?.deadline)];
      }
      if (passed !== false) return invalid('INVALID_DECISION', '核查结果须为通过或不通过');
      const timer = x.startTimer(order, 'handle', meta.now);
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
      x.expect(state, ['verified']);
      x.requireCentre();
      required(command.data.summary, 'summary', '结案意见', 'GRID_CASE.SUMMARY_REQUIRED');
      const timer = x.startTimer(order, 'callback', meta.now);
      return [withBasis({ type: 'CaseClosed', data: { ...b, summary: command.data.summary, timer } }, timer?.deadline)];
    }

    case 'RecordCallback': {
      x.expect(state, ['closed']);
      x.requireCentre();
      const { rating, satisfied, comment } = command.data;
      if (!(Number.isInteger(rating) && rating >= 1 && rating <= 5)) invalid('INVALID_RATING', '评价须为 1 至 5 的整数', { rating });
      if (typeof satisfied !== 'boolean') invalid('SATISFACTION_REQUIRED', '请记录是否满意');
      return [{ type: 'CallbackRecorded', data: { ...b, rating, satisfied, ...(nonEmpty(comment) ? { comment } : {}) } }];
    }

    case 'ArchiveCase': {
      x.expect(state, ['callback_done', 'merged_duplicate', 'referred']);
      x.requireCentre();
      return [{ type: 'CaseArchived', data: b }];
    }

    case 'ReopenCase': {
      x.expect(state, ['closed', 'callback_done']);
      x.requireCentre();
      x.requireReason();
      const timer = x.startTimer(order, 'dispatch', meta.now);
      return [withBasis({ type: 'CaseReopened', data: { ...b, reopenCount: order.reopenCount + 1, timer } }, timer?.deadline)];
    }

    default:
      return assertNever(command, 'command');
  }
}
