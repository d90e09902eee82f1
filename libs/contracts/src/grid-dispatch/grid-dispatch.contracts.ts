import { ContractDefinition, defineContract } from '../integration-event';
import { arr, Infer, isoTime, nullable, num, obj, oneOf, optional, str } from '../schema/schema';
import { topics } from '../topics';
import { CENTRE_LEVELS, URGENCIES } from '../intake/intake.contracts';

/**
 * Integration events of grid-dispatch (topic grid-dispatch.case.events.v1): one CloudEvent type
 * per work-order event, all sharing one snapshot-style schema, so a consumer (board, work queue,
 * Open311 status, analytics) needs no knowledge of the decider to follow a case.
 */
export const WORK_ORDER_EVENTS = {
  WorkOrderOpened: ['opened', '工单建立'],
  CaseDispatched: ['dispatched', '派单'],
  DispatchAccepted: ['dispatch-accepted', '签收'],
  DispatchObjected: ['dispatch-objected', '退单'],
  ObjectionUpheld: ['objection-upheld', '退单成立，改派'],
  ObjectionRejected: ['objection-rejected', '退单不成立'],
  ProgressNoted: ['progress-noted', '处置进展'],
  ExtensionRequested: ['extension-requested', '申请延期'],
  ExtensionGranted: ['extension-granted', '同意延期'],
  ExtensionDenied: ['extension-denied', '不同意延期'],
  CaseSuspended: ['suspended', '挂账'],
  CaseResumed: ['resumed', '恢复办理'],
  FeedbackSubmitted: ['feedback-submitted', '处置反馈'],
  CaseVerified: ['verified', '核查通过'],
  ReworkOrdered: ['rework-ordered', '核查不通过，返工'],
  CaseClosed: ['closed', '结案'],
  CallbackRecorded: ['callback-recorded', '回访评价'],
  CaseArchived: ['archived', '归档'],
  CaseReopened: ['reopened', '重新办理'],
  CaseMerged: ['merged', '合并重复事件'],
  CaseReferred: ['referred', '转调解或信访'],
  SupervisionIssued: ['supervision-issued', '督办'],
  SupervisionAnswered: ['supervision-answered', '督办回复'],
  Escalated: ['escalated', '升级'],
  DeadlineWarned: ['deadline-warned', '临期预警'],
  DeadlineBreached: ['deadline-breached', '超期'],
  DeadlineRevised: ['deadline-revised', '按新放假安排修订期限'],
} as const;
export type WorkOrderEventName = keyof typeof WORK_ORDER_EVENTS;

const actor = obj({ userId: str({ min: 1 }), role: str({ min: 1 }), unitId: str({ min: 1 }) });

const workOrderEvent = obj({
  caseId: str({ min: 1 }),
  event: oneOf(Object.keys(WORK_ORDER_EVENTS) as WorkOrderEventName[]),
  jurisdiction: arr(str({ min: 1 }), { max: 10 }),
  at: isoTime(),
  actor,
  /** status after the event */
  status: str({ min: 1 }),
  category: str({ min: 1 }),
  urgency: oneOf(URGENCIES),
  gridId: nullable(str()),
  level: oneOf(CENTRE_LEVELS),
  /** the unit the case is assigned to after the event */
  unitId: nullable(str()),
  /** the step being timed after the event, and when it falls due */
  step: nullable(str()),
  dueAt: nullable(isoTime()),
  supervised: optional(num({ int: true, min: 0 })),
  /** free text of the step (note, result, findings, summary, answer), never personal data of parties */
  text: optional(str({ max: 4000 })),
  rating: optional(num({ int: true, min: 1, max: 5 })),
  referredTo: optional(oneOf(['mediation', 'petitions'] as const)),
  duplicateOf: optional(str()),
});
export type WorkOrderEventData = Infer<typeof workOrderEvent>;

export const gridDispatchContracts: Record<WorkOrderEventName, ContractDefinition<WorkOrderEventData>> = Object.fromEntries(
  Object.entries(WORK_ORDER_EVENTS).map(([name, [slug, label]]) => [
    name,
    defineContract({ type: `cn.fengqiao.grid-dispatch.case.${slug}.v1`, topic: topics.gridDispatchCase, schema: workOrderEvent, label }),
  ]),
) as Record<WorkOrderEventName, ContractDefinition<WorkOrderEventData>>;
