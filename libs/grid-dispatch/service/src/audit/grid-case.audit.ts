/**
 * How the audit replays a work order (`grid-case-<caseId>`): the domain's versioned `evolve`
 * over the stored events (the `after` snapshot the relay publishes is not part of the domain
 * event), compared with the `gd_case_view` document, which keeps the state it folded.
 */
import canonicalize from 'canonicalize';
import type { StoredEvent } from '@fengqiao/event-store';
import { evolveGridCase, initialGridCaseState, type GridCaseEvent, type GridCaseState } from '@fengqiao/grid-dispatch-domain';
import { auditedKind, type ContextAuditOptions } from '@fengqiao/platform';
import { GRID_CASE_STREAM_PREFIX, GRID_CASE_VIEW } from '../read-models/grid-case-view.projection';

function toDomainEvent(stored: StoredEvent): GridCaseEvent {
  const { after: _after, ...data } = stored.data as Record<string, unknown>;
  return { type: stored.type, data, ...(stored.legalBasis !== undefined ? { legalBasis: stored.legalBasis } : {}) } as unknown as GridCaseEvent;
}

export const gridDispatchAudit: ContextAuditOptions = {
  streams: [
    auditedKind<GridCaseState>({
      prefix: GRID_CASE_STREAM_PREFIX,
      kind: 'grid_case',
      label: '网格事件工单',
      evolver: { evolve: (s, e) => evolveGridCase(s, e as GridCaseEvent), initialState: initialGridCaseState },
      toEvent: toDomainEvent,
      statusOf: (s) => s.status,
      readModel: {
        collection: GRID_CASE_VIEW,
        idOf: (streamId) => streamId.slice(GRID_CASE_STREAM_PREFIX.length),
        compare: (replayed, doc) => (canonicalize(replayed) === canonicalize(doc.state) ? [] : [`state: replayed status ${replayed.status}, read model ${String((doc.state as { status?: unknown } | undefined)?.status)}`]),
      },
    }),
  ],
};
