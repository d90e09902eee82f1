import { Deadline } from '@fengqiao/kernel';
import { evolveRevised } from './mediation-case.revision';
import { MediationEvent } from './mediation-case.events';
import { DossierItemKind } from './mediation-case.rules';
import { DossierEntry, MediationCaseState, TrackedDeadline } from './mediation-case.state';
import { CLOSED, isEffective } from './mediation-case.guards';

/** evolve of the MediationCase: folds each event into the state; never throws. */

const track = (deadline: Deadline): TrackedDeadline => ({ deadline, warned: false, breached: false });

function withDossier(dossier: DossierEntry[], item: DossierItemKind, documentRef: string | undefined, at: string): DossierEntry[] {
  return documentRef === undefined ? dossier : [...dossier, { item, documentRef, addedAt: at }];
}

export function evolveMediationCase(state: MediationCaseState, event: MediationEvent): MediationCaseState {
  if (state.status === 'none') {
    if (event.type !== 'DisputeRegistered') return state;
    const d = event.data;
    return {
      status: 'registered',
      caseId: d.caseId,
      committeeId: d.committeeId,
      committeeLevel: d.committeeLevel,
      source: d.source,
      parties: d.parties,
      summary: d.summary,
      ...(d.category !== undefined ? { category: d.category } : {}),
      registeredAt: d.occurredAt,
      consents: [],
      rightsNotifiedPartyIds: [],
      mediatorIds: [],
      sessionIds: [],
      dossier: withDossier([], 'application_or_registration', d.registrationDocumentRef, d.occurredAt),
      riskReports: 0,
      followUpVisits: 0,
      transfers: 0,
      extendedBy: 0,
      performance: { records: 0, complete: false },
    };
  }
  const s = state;
  switch (event.type) {
    case 'DisputeRegistered':
      return s;
    case 'ConsentRequested':
      return s.status === 'registered' ? { ...s, status: 'consent_pending' } : s;
    case 'ConsentGiven':
    case 'ConsentRefused':
      return {
        ...s,
        consents: [...s.consents, { partyId: event.data.partyId, consented: event.type === 'ConsentGiven', at: event.data.occurredAt }],
      };
    case 'MediationAccepted':
      return s.status === 'consent_pending'
        ? {
            ...s,
            status: 'accepted',
            acceptedAt: event.data.occurredAt,
            mediationDeadline: track(event.data.mediationDeadline),
          }
        : s;
    case 'MediationDeclined':
      return s.status === 'registered' || s.status === 'consent_pending'
        ? { ...s, status: 'declined', declined: { grounds: event.data.grounds, at: event.data.occurredAt } }
        : s;
    case 'RightsNotified':
      return {
        ...s,
        rightsNotifiedPartyIds: [...new Set([...s.rightsNotifiedPartyIds, ...event.data.partyIds])],
        dossier: withDossier(s.dossier, 'rights_notice', event.data.documentRef, event.data.occurredAt),
      };
    case 'DossierItemAdded':
      return { ...s, dossier: withDossier(s.dossier, event.data.item, event.data.documentRef, event.data.occurredAt) };
    case 'MediatorAssigned': {
      const mediatorIds = [...s.mediatorIds, ...event.data.mediatorIds];
      return s.status === 'accepted' ? { ...s, status: 'mediator_assigned', mediatorIds } : { ...s, mediatorIds };
    }
    case 'MediatorRecused': {
      const mediatorIds = s.mediatorIds.filter((id) => id !== event.data.mediatorId);
      if ((s.status === 'mediator_assigned' || s.status === 'mediating') && mediatorIds.length === 0) {
        return { ...s, status: 'accepted', mediatorIds };
      }
      return { ...s, mediatorIds };
    }
    case 'SessionRecorded': {
      const next = {
        sessionIds: [...s.sessionIds, event.data.sessionId],
        dossier: withDossier(s.dossier, 'mediation_record', event.data.recordRef, event.data.occurredAt),
      };
      return s.status === 'mediator_assigned' ? { ...s, ...next, status: 'mediating' } : { ...s, ...next };
    }
    case 'RiskReportedToPolice':
      return { ...s, riskReports: s.riskReports + 1 };
    case 'MediationExtended':
      return {
        ...s,
        extendedBy: s.extendedBy + event.data.extendBy,
        mediationDeadline: track(event.data.mediationDeadline),
      };
    case 'AgreementReached': {
      if (s.status !== 'mediating') return s;
      const d = event.data;
      return {
        ...s,
        status: 'agreement_reached',
        agreement: {
          agreementId: d.agreementId,
          form: d.form,
          terms: d.terms,
          reachedAt: d.occurredAt,
          ...(d.documentRef !== undefined ? { documentRef: d.documentRef } : {}),
        },
        dossier: withDossier(s.dossier, 'agreement', d.documentRef, d.occurredAt),
      };
    }
    case 'AgreementTookEffect':
      return s.status === 'agreement_reached'
        ? {
            ...s,
            agreement: {
              ...s.agreement,
              effectiveAt: event.data.effectiveAt,
              judicialConfirmationWindow: event.data.judicialConfirmationWindow,
            },
          }
        : s;
    case 'MediationTerminated':
      return s.status === 'accepted' || s.status === 'mediator_assigned' || s.status === 'mediating' || s.status === 'agreement_reached'
        ? {
            ...s,
            status: 'terminated',
            termination: { grounds: event.data.grounds, routesTold: event.data.routesTold, at: event.data.occurredAt },
          }
        : s;
    case 'PerformanceRecorded': {
      const performance = {
        records: s.performance.records + 1,
        complete: s.performance.complete || event.data.complete,
      };
      const dossier = withDossier(s.dossier, 'performance_evidence', event.data.evidenceRef, event.data.occurredAt);
      if (s.status === 'judicial_confirmation_filed') return { ...s, performance, dossier };
      if (
        (s.status === 'agreement_reached' || s.status === 'performing' || s.status === 'confirmed' || s.status === 'not_confirmed') &&
        isEffective(s.agreement)
      ) {
        const agreement = s.agreement;
        return event.data.complete
          ? { ...s, performance, dossier, agreement, status: 'performed' }
          : { ...s, performance, dossier, agreement, status: 'performing' };
      }
      return s;
    }
    case 'PerformanceFailed':
      return (s.status === 'agreement_reached' || s.status === 'performing' || s.status === 'confirmed' || s.status === 'not_confirmed') &&
        isEffective(s.agreement)
        ? { ...s, agreement: s.agreement, status: 'performance_failed' }
        : s;
    case 'JudicialConfirmationFiled':
      return (s.status === 'agreement_reached' || s.status === 'performing') && isEffective(s.agreement)
        ? {
            ...s,
            agreement: s.agreement,
            status: 'judicial_confirmation_filed',
            judicialConfirmation: { courtId: event.data.courtId, filedAt: event.data.filedAt },
            dossier: withDossier(s.dossier, 'judicial_confirmation_papers', event.data.documentRef, event.data.occurredAt),
          }
        : s;
    case 'JudicialConfirmationDecided': {
      if (s.status !== 'judicial_confirmation_filed') return s;
      const d = event.data;
      const judicialConfirmation = {
        ...s.judicialConfirmation,
        decision: { confirmed: d.confirmed, decidedAt: d.decidedAt, rulingRef: d.rulingRef },
      };
      const dossier = withDossier(s.dossier, 'judicial_confirmation_papers', d.rulingRef, d.occurredAt);
      return d.confirmed ? { ...s, judicialConfirmation, dossier, status: 'confirmed' } : { ...s, judicialConfirmation, dossier, status: 'not_confirmed' };
    }
    case 'MediationResumed': {
      if (s.status !== 'not_confirmed' || s.mediationDeadline === undefined) return s;
      const mediationDeadline = s.mediationDeadline;
      return s.mediatorIds.length > 0 ? { ...s, mediationDeadline, status: 'mediating' } : { ...s, mediationDeadline, status: 'accepted' };
    }
    case 'FollowUpVisited':
      return {
        ...s,
        followUpVisits: s.followUpVisits + 1,
        dossier: withDossier(s.dossier, 'follow_up_record', event.data.recordRef, event.data.occurredAt),
      };
    case 'CaseTransferred': {
      const moved = {
        committeeId: event.data.toCommitteeId,
        committeeLevel: event.data.toLevel,
        mediatorIds: [],
        transfers: s.transfers + 1,
      };
      return s.status === 'mediator_assigned' || s.status === 'mediating' ? { ...s, ...moved, status: 'accepted' } : { ...s, ...moved };
    }
    case 'CaseArchived':
      return (CLOSED as readonly string[]).includes(s.status)
        ? { ...s, status: 'archived', archivedAt: event.data.occurredAt, closedAs: event.data.closedAs }
        : s;
    case 'DeadlineWarned':
    case 'DeadlineBreached': {
      const tracked = s.mediationDeadline;
      if (tracked === undefined || tracked.deadline.dueAt !== event.data.deadline.dueAt) return s;
      const mediationDeadline = event.type === 'DeadlineWarned' ? { ...tracked, warned: true } : { ...tracked, breached: true };
      return { ...s, mediationDeadline };
    }
    case 'DeadlineRevised':
      return evolveRevised(s, event);
    default: {
      // Compile-time exhaustiveness (a new event type must be handled above). At run time an
      // unknown event leaves the state unchanged, because evolve never throws.
      const unknown: never = event;
      void unknown;
      return s;
    }
  }
}
