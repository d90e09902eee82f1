/**
 * How the audit replays a report (`grid-case-report-<caseId>`): intake's `evolve` over the stored
 * events, compared with the `intake_cases` view (its status and the revision it applied).
 */
import { gridCaseReportDecider, toGridCaseReportStreamId, type GridCaseReportEvent, type GridCaseReportState } from '@fengqiao/intake-domain';
import { auditedKind, type ContextAuditOptions } from '@fengqiao/platform';
import { CASE_VIEW } from '../case-view/case-view';

const PREFIX = toGridCaseReportStreamId('');

export const intakeAudit: ContextAuditOptions = {
  streams: [
    auditedKind<GridCaseReportState>({
      prefix: PREFIX,
      kind: 'grid_case_report',
      label: '事件受理',
      evolver: { evolve: (s, e) => gridCaseReportDecider.evolve(s, e as GridCaseReportEvent), initialState: gridCaseReportDecider.initialState },
      statusOf: (s) => s.status,
      readModel: {
        collection: CASE_VIEW,
        idOf: (streamId) => streamId.slice(PREFIX.length),
        compare: (replayed, doc) => (replayed.status === doc.status ? [] : [`status: replayed ${replayed.status}, read model ${String(doc.status)}`]),
      },
    }),
  ],
};
