/**
 * How the audit replays a petition (`petition-<petitionId>`): the domain's `evolve` over the stored
 * events, compared with the `petition_view` read model (its status).
 */
import { petitionDecider, type PetitionEvent, type PetitionState } from '@fengqiao/petitions-domain';
import { auditedKind, type ContextAuditOptions } from '@fengqiao/platform';
import { PETITION_VIEW } from '../read-models/petition-view';

// the prefix of toPetitionStreamId (which refuses an empty id)
const PREFIX = 'petition-';

export const petitionsAudit: ContextAuditOptions = {
  streams: [
    auditedKind<PetitionState>({
      prefix: PREFIX,
      // the petitions context's other streams (portal submissions, registration records, reception days) are verified, not replayed
      exclude: ['petition-portal-', 'petition-record-', 'petition-reception-'],
      kind: 'petition',
      label: '信访事项',
      evolver: { evolve: (s, e) => petitionDecider.evolve(s, e as PetitionEvent), initialState: petitionDecider.initialState },
      statusOf: (s) => s.status,
      readModel: {
        collection: PETITION_VIEW,
        idOf: (streamId) => streamId.slice(PREFIX.length),
        compare: (replayed, doc) => (replayed.status === doc.status ? [] : [`status: replayed ${replayed.status}, read model ${String(doc.status)}`]),
      },
    }),
  ],
};
