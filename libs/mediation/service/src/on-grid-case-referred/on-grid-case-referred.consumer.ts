import { gridDispatchContracts, IntegrationEvent, topics, WorkOrderEventData } from '@fengqiao/contracts';
import { NonRetriableError } from '@fengqiao/bus';
import { Actor, deterministicEventId, DomainError } from '@fengqiao/kernel';
import { RegisterDispute } from '@fengqiao/mediation-domain';
import { ContextConsumer } from '@fengqiao/platform';
import type { MediationCases } from '../application/mediation-cases';
import { documentUrl } from '../documents/document-links';

export const REFERRALS_PURPOSE = 'grid-referrals';

/** The actor of the cases opened from grid-case referrals. */
export const REFERRAL_ACTOR: Actor = { userId: 'mediation.grid-referrals', role: 'system', unitId: 'system' };

export type ReferralOutcome = { kind: 'ignored' } | { kind: 'opened'; caseId: string; committeeId: string } | { kind: 'already_open'; caseId: string };

/** The mediation case opened from a referral: the same id for every delivery of it. */
export function mediationCaseIdForReferral(event: IntegrationEvent): string {
  return deterministicEventId(`mediation/grid-referral/${event.id}`, Date.parse(event.time));
}

/**
 * Consumer `mediation.grid-referrals` on `grid-dispatch.case.events.v1`: a grid case referred to
 * mediation (`referred`, `referredTo: mediation`) opens a mediation case at the committee of the
 * place where the dispute arose (the village's committee, else the town's or the district's),
 * linked to the grid case (`source.gridCaseId`). The grid case holds no parties' data, so the case
 * opens with two unnamed sides (applicant, respondent) that the committee identifies
 * (PUT /mediation/cases/:id/parties/:partyId).
 *
 * Exactly once: the case id and the event ids derive from the referral's event id, so a
 * redelivery (after the inbox write, or after a crash before it) appends nothing new, and a
 * second delivery racing the first meets MEDIATION.ALREADY_REGISTERED.
 */
export async function onGridCaseReferred(event: IntegrationEvent, cases: MediationCases): Promise<ReferralOutcome> {
  if (event.type !== gridDispatchContracts.CaseReferred.type) return { kind: 'ignored' };
  const d = event.data as WorkOrderEventData;
  if (d.referredTo !== 'mediation') return { kind: 'ignored' };
  const committee = cases.options.committees.committeeFor(d.jurisdiction);
  if (!committee) throw new NonRetriableError(`no mediation committee for grid case ${d.caseId} at ${d.jurisdiction.join('/')}`);
  const caseId = mediationCaseIdForReferral(event);
  const command: RegisterDispute = {
    type: 'RegisterDispute',
    data: {
      caseId,
      committeeId: committee.id,
      committeeLevel: committee.level,
      source: { kind: 'referred_from_grid_case', gridCaseId: d.caseId },
      parties: [
        { partyId: `${caseId}-a`, role: 'applicant' },
        { partyId: `${caseId}-b`, role: 'respondent' },
      ],
      summary: d.text ?? '网格事件移交人民调解',
      category: d.category,
      registrationDocumentRef: documentUrl(caseId, 'application'),
    },
    meta: { actor: REFERRAL_ACTOR, now: cases.now(), correlationId: event.correlationId, causationId: event.id, reason: `网格事件 ${d.caseId} 移交人民调解` },
  };
  try {
    await cases.runner.execute(caseId, command, { eventId: (i) => deterministicEventId(`${event.id}/${REFERRALS_PURPOSE}/${i}`, Date.parse(event.time)) });
  } catch (e) {
    if (e instanceof DomainError && e.code === 'MEDIATION.ALREADY_REGISTERED') return { kind: 'already_open', caseId };
    if (e instanceof DomainError && e.kind !== 'revision_conflict') throw new NonRetriableError(`${e.code}: ${e.message}`, { cause: e });
    throw e;
  }
  return { kind: 'opened', caseId, committeeId: committee.id };
}

/** The consumer as the runtime runs it; `cases` is resolved once the module is up. */
export function gridReferralConsumer(cases: () => MediationCases): ContextConsumer {
  return {
    purpose: REFERRALS_PURPOSE,
    topics: [topics.gridDispatchCase],
    // the case's other events are passed over without an inbox claim (four writes per grid case saved)
    handles: (type) => type === gridDispatchContracts.CaseReferred.type,
    handle: async (event) => void (await onGridCaseReferred(event, cases())),
  };
}
