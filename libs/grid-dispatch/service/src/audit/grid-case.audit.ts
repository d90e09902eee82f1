/**
 * How the audit replays a work order (`grid-case-<caseId>`): the domain's `evolve` over the stored
 * events read through the service's own upcaster (every schema version, `data.after` of old events
 * dropped), compared with the `gd_case_view` document, which keeps the state it folded.
 */
import canonicalize from 'canonicalize';
import { evolveGridCase, initialGridCaseState, type GridCaseEvent, type GridCaseState } from '@fengqiao/grid-dispatch-domain';
import { auditedKind, type ContextAuditOptions } from '@fengqiao/platform';
import { upcastGridCaseEvent } from '../application/grid-case.upcast';
import { GRID_CASE_STREAM_PREFIX, GRID_CASE_VIEW } from '../read-models/grid-case-view.projection';

export const gridDispatchAudit: ContextAuditOptions = {
  streams: [
    auditedKind<GridCaseState>({
      prefix: GRID_CASE_STREAM_PREFIX,
      kind: 'grid_case',
      label: '网格事件工单',
      evolver: { evolve: (s, e) => evolveGridCase(s, e as GridCaseEvent), initialState: initialGridCaseState },
      // the service's own upcaster: events of every schema version read as the decider expects
      toEvent: upcastGridCaseEvent,
      statusOf: (s) => s.status,
      readModel: {
        collection: GRID_CASE_VIEW,
        idOf: (streamId) => streamId.slice(GRID_CASE_STREAM_PREFIX.length),
        compare: (replayed, doc) =>
          canonicalize(replayed) === canonicalize(doc.state)
            ? []
            : [`state: replayed status ${replayed.status}, read model ${String((doc.state as { status?: unknown } | undefined)?.status)}`],
      },
    }),
  ],
};
