import { gridDispatchContracts, IntegrationEvent, WORK_ORDER_EVENTS, WorkOrderEventData, WorkOrderEventName } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import { caseIdOfStream } from '../read-models/grid-case-view.projection';
import { WorkOrderSnapshot } from '../work-orders/work-order.handler';

export const GRID_DISPATCH_SOURCE = '/fengqiao/grid-dispatch';
const MAX_TEXT = 4000;

function isWorkOrderEvent(type: string): type is WorkOrderEventName {
  return Object.prototype.hasOwnProperty.call(WORK_ORDER_EVENTS, type);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * The step's free text (never parties' personal data: the work order holds none): the note,
 * result, findings, summary, answer or callback comment; for decisions without their own text,
 * the reason or opinion the actor gave.
 */
function textOf(type: WorkOrderEventName, data: Record<string, unknown>): string | undefined {
  const own =
    type === 'ProgressNoted' ? data['note']
    : type === 'FeedbackSubmitted' ? data['result']
    : type === 'CaseVerified' || type === 'ReworkOrdered' ? data['findings']
    : type === 'CaseClosed' ? data['summary']
    : type === 'SupervisionAnswered' ? data['answer']
    : type === 'CallbackRecorded' ? data['comment']
    : undefined;
  const text = str(own) ?? str(data['reason']);
  return text === undefined ? undefined : text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/**
 * Maps a stored event of this context to the integration event it publishes on
 * `grid-dispatch.case.events.v1` (one CloudEvent type per work-order event, snapshot schema
 * `WorkOrderEventData`); null for what stays private (the rule tables' streams). The snapshot
 * comes from `data.after`, written with the event (see `withSnapshots`).
 */
export function publishGridDispatchEvent(stored: StoredEvent): IntegrationEvent<WorkOrderEventData> | null {
  const caseId = caseIdOfStream(stored.streamId);
  if (caseId === null || !isWorkOrderEvent(stored.type)) return null;
  const data = stored.data as Record<string, unknown>;
  const after = data['after'] as WorkOrderSnapshot | null | undefined;
  if (!after) throw new Error(`grid-dispatch event ${stored.id} (${stored.type}) has no snapshot (data.after)`);
  const text = textOf(stored.type, data);
  const out: WorkOrderEventData = {
    caseId,
    event: stored.type,
    jurisdiction: [...stored.jurisdiction],
    at: stored.occurredAt,
    actor: { userId: stored.actor.userId, role: stored.actor.role, unitId: stored.actor.unitId },
    status: after.status,
    category: after.category,
    urgency: after.urgency as WorkOrderEventData['urgency'],
    gridId: after.gridId,
    level: after.level as WorkOrderEventData['level'],
    unitId: after.unitId,
    step: after.step,
    dueAt: after.dueAt,
    ...(after.supervised > 0 ? { supervised: after.supervised } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(stored.type === 'CallbackRecorded' && typeof data['rating'] === 'number' ? { rating: data['rating'] } : {}),
    ...(stored.type === 'CaseReferred' ? { referredTo: data['target'] as 'mediation' | 'petitions' } : {}),
    ...(stored.type === 'CaseMerged' ? { duplicateOf: String(data['duplicateOf']) } : {}),
  };
  return {
    id: stored.id,
    type: gridDispatchContracts[stored.type].type,
    source: GRID_DISPATCH_SOURCE,
    subject: caseId,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
    data: out,
  };
}
