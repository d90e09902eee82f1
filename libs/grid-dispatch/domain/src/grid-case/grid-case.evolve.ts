import { assertNever } from '@fengqiao/kernel';
import { orderWithRevised } from './grid-case.revision';
import { GridCaseEvent, GridCaseState, StepTimer, WorkOrder } from './grid-case.types';

type Open = Exclude<GridCaseState, { status: 'none' }>;

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
        supervisions: o.supervisions.map((s) => (s.supervisionId === event.data.supervisionId ? { ...s, answer: event.data.answer, answeredAt: at } : s)),
      });
    case 'Escalated':
      return keep({ level: event.data.to });
    case 'DeadlineWarned':
      return o.timer?.timerId === event.data.timerId ? keep({ timer: { ...o.timer, warned: true } }) : state;
    case 'DeadlineBreached':
      return o.timer?.timerId === event.data.timerId ? keep({ timer: { ...o.timer, breached: true }, breachCount: o.breachCount + 1 }) : state;
    case 'DeadlineRevised':
      return { ...state, order: orderWithRevised(o, event) };
    default:
      return assertNever(event, 'event');
  }
}

/** Whether the work order has a supervision (督办) not yet answered. */
export function isUnderSupervision(state: GridCaseState): boolean {
  return state.status !== 'none' && state.order.supervisions.some((s) => s.answeredAt === undefined);
}
