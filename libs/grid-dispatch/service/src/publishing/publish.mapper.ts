import { gridDispatchContracts, IntegrationEvent, WORK_ORDER_EVENTS, WorkOrderEventData, WorkOrderEventName } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import { evolveGridCase, GridCaseState, initialGridCaseState } from '@fengqiao/grid-dispatch-domain';
import { PublishContext } from '@fengqiao/platform';
import { upcastGridCaseEvent } from '../application/grid-case.upcast';
import { caseIdOfStream } from '../read-models/grid-case-view.projection';

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
    type === 'ProgressNoted'
      ? data['note']
      : type === 'FeedbackSubmitted'
        ? data['result']
        : type === 'CaseVerified' || type === 'ReworkOrdered'
          ? data['findings']
          : type === 'CaseClosed'
            ? data['summary']
            : type === 'SupervisionAnswered'
              ? data['answer']
              : type === 'CallbackRecorded'
                ? data['comment']
                : undefined;
  const text = str(own) ?? str(data['reason']);
  return text === undefined ? undefined : text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** What the published snapshot says of the work order after the event (computed, never stored). */
interface Snapshot {
  status: string;
  category: string;
  urgency: string;
  gridId: string | null;
  level: string;
  unitId: string | null;
  step: string | null;
  dueAt: string | null;
  supervised: number;
}

function snapshotOf(state: GridCaseState): Snapshot | null {
  if (state.status === 'none') return null;
  const o = state.order;
  return {
    status: state.status,
    category: o.category,
    urgency: o.urgency,
    gridId: o.gridId,
    level: o.level,
    unitId: o.unitId,
    step: o.timer?.step ?? null,
    dueAt: o.timer?.deadline.dueAt ?? null,
    supervised: o.supervisions.filter((s) => s.answeredAt === undefined).length,
  };
}

/** Streams whose folded state the publisher keeps between events (the relay reads in store order). */
const CACHED_STREAMS = 1000;

/**
 * Maps a stored event of this context to the integration event it publishes on
 * `grid-dispatch.case.events.v1` (one CloudEvent type per work-order event, snapshot schema
 * `WorkOrderEventData`); null for what stays private (the rule tables' streams).
 *
 * The snapshot (status, unit, level, step and due time after the event) is a view: it is computed
 * here by folding the case's stream up to the event with the decider's `evolve`, not stored on the
 * event. The relay reads in store order, so the state of the stream's previous event is usually
 * cached and one `evolve` suffices (and a stream's first event needs none: it starts from the
 * initial state); otherwise (a restart, a re-publication) the stream is read up to the event. Events stored with the old `data.after` snapshot are published the same way (the
 * snapshot on them is ignored; see `upcastGridCaseEvent`).
 */
export class WorkOrderPublisher {
  private readonly states = new Map<string, { revision: number; state: GridCaseState }>();

  async publish(stored: StoredEvent, context: PublishContext): Promise<IntegrationEvent<WorkOrderEventData> | null> {
    const caseId = caseIdOfStream(stored.streamId);
    if (caseId === null || !isWorkOrderEvent(stored.type)) return null;
    return toIntegrationEvent(stored, caseId, await this.stateAfter(stored, context));
  }

  private async stateAfter(stored: StoredEvent, context: PublishContext): Promise<GridCaseState> {
    const cached = this.states.get(stored.streamId);
    // the state before the event: the initial one before a stream's first event (nothing to read)
    const before = stored.revision === 0 ? initialGridCaseState() : cached?.revision === stored.revision - 1 ? cached.state : undefined;
    let state: GridCaseState;
    if (before !== undefined) {
      state = evolveGridCase(before, upcastGridCaseEvent(stored));
    } else {
      const history = await context.events.readStream(stored.streamId, { maxCount: stored.revision + 1 });
      state = history.filter((e) => e.revision <= stored.revision).reduce((s, e) => evolveGridCase(s, upcastGridCaseEvent(e)), initialGridCaseState());
    }
    this.states.delete(stored.streamId);
    this.states.set(stored.streamId, { revision: stored.revision, state });
    if (this.states.size > CACHED_STREAMS) this.states.delete(this.states.keys().next().value as string);
    return state;
  }
}

/** The integration event of a stored work-order event, given the state after it. */
export function toIntegrationEvent(stored: StoredEvent, caseId: string, state: GridCaseState): IntegrationEvent<WorkOrderEventData> {
  const after = snapshotOf(state);
  if (!after)
    throw new Error(`grid-dispatch event ${stored.id} (${stored.type}): no work order after folding ${stored.streamId} to revision ${stored.revision}`);
  const type = stored.type as WorkOrderEventName;
  const data = stored.data as Record<string, unknown>;
  const text = textOf(type, data);
  const out: WorkOrderEventData = {
    caseId,
    event: type,
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
    ...(type === 'CallbackRecorded' && typeof data['rating'] === 'number' ? { rating: data['rating'] } : {}),
    ...(type === 'CaseReferred' ? { referredTo: data['target'] as 'mediation' | 'petitions' } : {}),
    ...(type === 'CaseMerged' ? { duplicateOf: String(data['duplicateOf']) } : {}),
  };
  return {
    id: stored.id,
    type: gridDispatchContracts[type].type,
    source: GRID_DISPATCH_SOURCE,
    subject: caseId,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
    data: out,
  };
}
