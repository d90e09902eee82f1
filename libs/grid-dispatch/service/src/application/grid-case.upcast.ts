import { StoredEvent } from '@fengqiao/event-store';
import { GridCaseEvent } from '@fengqiao/grid-dispatch-domain';

/**
 * A stored work-order event as the decider reads it, whatever version of this service wrote it.
 *
 * Events written before the clean-up of issue #8 (schema version 1) carry `data.after`, a snapshot
 * of the state after the event that the relay used to publish from. It was a view, not a fact: it
 * is dropped here, and nothing reads it any more (the publish mapper folds the stream). The events
 * stay as stored: they are hash-chained, so no migration rewrites them.
 *
 * `WorkOrderOpened` before that version has no `data.location`: the case's location was then only
 * on the envelope's `jurisdiction`, which at opening is exactly the location (no unit yet), so it
 * is read from there.
 */
export function upcastGridCaseEvent(stored: StoredEvent): GridCaseEvent {
  const { after: _after, ...data } = stored.data as Record<string, unknown>;
  if (stored.type === 'WorkOrderOpened' && data['location'] === undefined) data['location'] = [...stored.jurisdiction];
  return { type: stored.type, data, ...(stored.legalBasis !== undefined ? { legalBasis: stored.legalBasis } : {}) } as unknown as GridCaseEvent;
}
