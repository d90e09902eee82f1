/**
 * How the audit replays a mediation case (`mediation-<caseId>`): the domain's `evolve` over the
 * stored events, compared with the `mediation_cases` view (its status).
 */
import { mediationDecider, type MediationEvent, type MediationCaseState } from '@fengqiao/mediation-domain';
import { auditedKind, type ContextAuditOptions } from '@fengqiao/platform';
import { MEDIATION_CASE_VIEW } from '../case-view/mediation-case.view';

// the prefix of toMediationStreamId (which refuses an empty id)
const PREFIX = 'mediation-';

export const mediationAudit: ContextAuditOptions = {
  streams: [
    auditedKind<MediationCaseState>({
      prefix: PREFIX,
      kind: 'mediation_case',
      label: '人民调解案件',
      evolver: { evolve: (s, e) => mediationDecider.evolve(s, e as MediationEvent), initialState: mediationDecider.initialState },
      statusOf: (s) => s.status,
      readModel: {
        collection: MEDIATION_CASE_VIEW,
        idOf: (streamId) => streamId.slice(PREFIX.length),
        compare: (replayed, doc) => (replayed.status === doc.status ? [] : [`status: replayed ${replayed.status}, read model ${String(doc.status)}`]),
      },
    }),
  ],
};
