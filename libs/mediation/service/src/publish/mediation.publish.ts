import { IntegrationEvent, MEDIATION_CASE_EVENTS, MediationCaseEventData, MediationCaseEventName, mediationContracts } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import { isMediationCaseStream } from '../case-view/mediation-case.view';

const MAX_TEXT = 4000;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function isPublished(type: string): type is MediationCaseEventName {
  return Object.prototype.hasOwnProperty.call(MEDIATION_CASE_EVENTS, type);
}

/** Facts of the event others may need; never party names, ID numbers, phones or addresses, never session summaries or terms. */
function factsOf(type: MediationCaseEventName, d: Record<string, unknown>): Partial<MediationCaseEventData> {
  switch (type) {
    case 'DisputeRegistered': {
      const source = d['source'] as { kind: MediationCaseEventData['source']; gridCaseId?: string };
      return {
        source: source.kind,
        ...(source.gridCaseId !== undefined ? { gridCaseId: source.gridCaseId } : {}),
        committeeLevel: d['committeeLevel'] as MediationCaseEventData['committeeLevel'],
        ...(str(d['category']) ? { category: d['category'] as string } : {}),
        partyCount: (d['parties'] as unknown[]).length,
      };
    }
    case 'MediationAccepted':
    case 'MediationExtended': {
      const deadline = d['mediationDeadline'] as { ruleId: string; dueAt: string };
      return { deadlineRuleId: deadline.ruleId, dueAt: deadline.dueAt };
    }
    case 'DeadlineWarned':
    case 'DeadlineBreached': {
      const deadline = d['deadline'] as { ruleId: string; dueAt: string };
      return { deadlineRuleId: deadline.ruleId, dueAt: deadline.dueAt };
    }
    case 'AgreementTookEffect': {
      const w = d['judicialConfirmationWindow'] as { ruleId: string; dueAt: string };
      return { deadlineRuleId: w.ruleId, dueAt: w.dueAt };
    }
    case 'MediationDeclined':
    case 'MediatorRecused':
      return { grounds: String(d['grounds']) };
    case 'MediationTerminated':
      return { grounds: String(d['grounds']), routesTold: d['routesTold'] as string[] };
    case 'PerformanceFailed':
      return { routesTold: d['routesTold'] as string[] };
    case 'AgreementReached':
      return { agreementForm: d['form'] as 'written' | 'oral' };
    case 'PerformanceRecorded':
      return { complete: d['complete'] === true };
    case 'JudicialConfirmationDecided':
      return { confirmed: d['confirmed'] === true };
    case 'RiskReportedToPolice':
      return {
        riskKind: d['riskKind'] as 'public_order' | 'criminal',
        policeUnitId: String(d['policeUnitId']),
        ...(str(d['measures']) ? { text: String(d['measures']).slice(0, MAX_TEXT) } : {}),
      };
    case 'CaseTransferred':
      return { fromCommitteeId: String(d['fromCommitteeId']), committeeLevel: d['toLevel'] as MediationCaseEventData['committeeLevel'] };
    default:
      return {};
  }
}

/**
 * Maps a stored event of the mediation store to the integration event it publishes on
 * `mediation.case.events.v1` (null: private, e.g. dossier items and the parties' records).
 */
export function publishMediationEvent(stored: StoredEvent): IntegrationEvent<MediationCaseEventData> | null {
  if (!isMediationCaseStream(stored.streamId) || !isPublished(stored.type)) return null;
  const d = stored.data as Record<string, unknown>;
  const jurisdiction = [...stored.jurisdiction];
  const facts = factsOf(stored.type, d);
  const reason = str(d['reason']);
  const data: MediationCaseEventData = {
    caseId: String(d['caseId']),
    event: stored.type,
    jurisdiction,
    at: stored.occurredAt,
    actor: { userId: stored.actor.userId, role: stored.actor.role, unitId: stored.actor.unitId },
    committeeId: jurisdiction[jurisdiction.length - 1] ?? String(d['committeeId']),
    ...(reason !== undefined && facts.text === undefined ? { text: reason.slice(0, MAX_TEXT) } : {}),
    ...facts,
  };
  return {
    id: stored.id,
    type: mediationContracts[stored.type].type,
    source: '/fengqiao/mediation',
    subject: data.caseId,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
    data,
  };
}
