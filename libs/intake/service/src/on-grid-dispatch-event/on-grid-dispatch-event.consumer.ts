import { IntegrationEvent, topics } from '@fengqiao/contracts';
import { ContextConsumer, ContextRuntime } from '@fengqiao/platform';
import { evolveDispatch, isWorkOrderEvent } from '../case-view/case-view';
import { inTurn, mutateCaseView } from '../case-view/case-view.store';

/**
 * Keeps the intake view (and so the Open311 status) up to date with what grid-dispatch reports
 * after filing: status, responsible unit and due time (consumer group `intake.case-status`).
 * Intake does not own grid-dispatch's stream; it only records what grid-dispatch published.
 *
 * Twice the same event changes nothing: the view's own guard (`evolveDispatch`: ids of the last
 * events applied, business time) makes a redelivery, a replay or an older event a no-op, and two
 * deliveries at once take turns on the document or lose its write counter's guard and retry. So the
 * consumer is `idempotent` and takes no inbox claim (four statements per message on FerretDB).
 */
export const caseStatusConsumer: ContextConsumer = {
  purpose: 'case-status',
  topics: [topics.gridDispatchCase],
  idempotent: true,
  async handle(event: IntegrationEvent, runtime: ContextRuntime): Promise<void> {
    await applyGridDispatchEvent(runtime, event);
  },
  // a case's events that came together (one commit of grid-dispatch's): one write of its view
  async handleRun(events: readonly IntegrationEvent[], runtime: ContextRuntime): Promise<void> {
    await applyGridDispatchEvents(runtime, events);
  },
};

/**
 * Applies grid-dispatch integration events (in order) to the case view: one write per case when
 * they are all of one case, else one per event; whether anything was written.
 */
export async function applyGridDispatchEvents(runtime: Pick<ContextRuntime, 'infra'>, events: readonly IntegrationEvent[]): Promise<boolean> {
  const orders = events.filter(isWorkOrderEvent);
  if (orders.length === 0) return false;
  const caseId = orders[0].data.caseId;
  if (orders.some((e) => e.data.caseId !== caseId)) {
    let wrote = false;
    for (const e of orders) wrote = (await applyGridDispatchEvent(runtime, e)) || wrote;
    return wrote;
  }
  return mutateCaseView(runtime.infra.readStore, caseId, inTurn(orders, evolveDispatch));
}

/** Applies one grid-dispatch integration event to the case view; whether it wrote. */
export async function applyGridDispatchEvent(runtime: Pick<ContextRuntime, 'infra'>, event: IntegrationEvent): Promise<boolean> {
  if (!isWorkOrderEvent(event)) return false;
  return mutateCaseView(runtime.infra.readStore, event.data.caseId, (doc) => evolveDispatch(doc, event));
}
