import {
  IntegrationEvent,
  PETITION_EVENTS,
  PetitionEventData,
  PetitionEventName,
  petitionsContracts,
  PetitionSourceRecordedV1,
  PetitionSourceRecordedV1Data,
} from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import { Deadline } from '@fengqiao/kernel';
import { REGISTRATION_RECORDED, RegistrationRecord } from '../read-models/petitions.projector';

export const PETITIONS_SOURCE = '/fengqiao/petitions';

function isPetitionEvent(type: string): type is PetitionEventName {
  return Object.prototype.hasOwnProperty.call(PETITION_EVENTS, type);
}

/** The status an event leads to; null for events that leave the status as it was. */
const STATUS_AFTER: Partial<Record<PetitionEventName, string>> = {
  PetitionRegistered: 'registered',
  PetitionNotAccepted: 'not_accepted',
  PetitionTransferred: 'routed',
  PetitionAssigned: 'routed',
  RoutingObjectionAgreed: 'registered',
  AcceptanceNotified: 'acceptance_notified',
  HandlingStarted: 'handling',
  OpinionIssued: 'opinion_issued',
  OpinionDelivered: 'delivered',
  PetitionClosed: 'closed',
  ReviewRequested: 'review_requested',
  ReviewStarted: 'reviewing',
  ReviewDecided: 'review_decided',
  ReReviewRequested: 're_review_requested',
  ReReviewStarted: 're_reviewing',
  ReReviewDecided: 'terminated',
};

const DEADLINE_FIELDS: [string, string][] = [
  ['routingDeadline', 'routing'],
  ['acceptanceNoticeDeadline', 'acceptance_notice'],
  ['reportDeadline', 'assignment_report'],
  ['handlingDeadline', 'handling'],
  ['reviewDeadline', 'review'],
  ['reReviewDeadline', 're_review'],
  ['reviewRequestWindow', 'review_request_window'],
  ['reReviewRequestWindow', 're_review_request_window'],
];

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function deadlineOf(type: PetitionEventName, d: Record<string, unknown>): PetitionEventData['deadline'] {
  const pick = (kind: string, dl: Deadline) => ({ kind, ruleId: dl.ruleId, dueAt: dl.dueAt, legalBasis: dl.legalBasis ?? null });
  if (type === 'DeadlineWarned' || type === 'DeadlineBreached') return pick(String(d['kind']), d['deadline'] as Deadline);
  for (const [field, kind] of DEADLINE_FIELDS) if (d[field]) return pick(kind, d[field] as Deadline);
  return undefined;
}

/**
 * Maps a stored event of the petitions context to what it publishes on
 * `petitions.petition.events.v1`: each petition event (no personal data, no petition text), and
 * where a petition came from; null for the private streams (petitioners, portal, reception).
 */
export function publishPetitionEvent(stored: StoredEvent): IntegrationEvent | null {
  const base = { id: stored.id, source: PETITIONS_SOURCE, time: stored.occurredAt, correlationId: stored.correlationId, causationId: stored.causationId };
  if (stored.streamId.startsWith('petition-record-') && stored.type === REGISTRATION_RECORDED) {
    const r = stored.data as unknown as RegistrationRecord;
    const data: PetitionSourceRecordedV1Data = {
      petitionId: r.petitionId,
      at: stored.occurredAt,
      jurisdiction: [...stored.jurisdiction],
      source: r.source.kind,
      ...(r.source.kind === 'grid_case' ? { gridCaseId: r.source.caseId } : {}),
      ...(r.source.kind === 'reception' ? { receptionPointId: r.source.pointId, ...(r.source.dayId ? { receptionDayId: r.source.dayId } : {}) } : {}),
    };
    return { ...base, type: PetitionSourceRecordedV1.type, subject: r.petitionId, data };
  }
  if (!/^petition-(?!portal-|record-|reception-)/.test(stored.streamId) || !isPetitionEvent(stored.type)) return null;
  const d = stored.data as Record<string, unknown>;
  const petitionId = String(d['petitionId']);
  const group = d['groupVisit'] as { visitorCount: number; representativeIds: string[] } | undefined;
  const unitId =
    s(d['toUnitId']) ??
    s(d['handlingUnitId']) ??
    s(d['reviewingUnitId']) ??
    s(d['reReviewingUnitId']) ??
    s(d['supervisingUnitId']) ??
    s(d['receivingUnitId']) ??
    s(d['unitId']) ??
    null;
  const outcome = s(d['outcome']) ?? s(d['grounds']);
  const data: PetitionEventData = {
    petitionId,
    event: stored.type,
    jurisdiction: [...stored.jurisdiction],
    at: stored.occurredAt,
    actor: { userId: stored.actor.userId, role: stored.actor.role, unitId: stored.actor.unitId },
    status: STATUS_AFTER[stored.type] ?? null,
    legalBasis: stored.legalBasis ?? null,
    unitId,
    ...(stored.type === 'PetitionRegistered' ? { channel: d['channel'] as PetitionEventData['channel'] } : {}),
    ...(deadlineOf(stored.type, d) ? { deadline: deadlineOf(stored.type, d) } : {}),
    ...(outcome ? { outcome } : {}),
    ...(s(d['relatedPetitionId']) ? { relatedPetitionId: s(d['relatedPetitionId']) } : {}),
    ...(group ? { groupVisit: { visitors: group.visitorCount, representatives: group.representativeIds.length } } : {}),
  };
  return { ...base, type: petitionsContracts[stored.type].type, subject: petitionId, data };
}
