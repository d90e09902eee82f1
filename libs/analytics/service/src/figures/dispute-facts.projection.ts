/**
 * Analytics' own read models of people's mediation cases (`analytics_mediation_cases`) and
 * petitions (`analytics_petitions`), one document per case, fed only by the published integration
 * events (mediation.case.events.v1, petitions.petition.events.v1), so they rebuild from the
 * topics like `analytics_cases`. Neither topic carries personal data, and neither do these
 * documents. `evolve…` are pure; counters live in the documents (STYLE).
 */
import {
  IntegrationEvent,
  MediationCaseEventData,
  mediationEventNameOf,
  PETITION_EVENTS,
  PetitionEventData,
  PetitionSourceRecordedV1,
  PetitionSourceRecordedV1Data,
} from '@fengqiao/contracts';
import { monthOf } from './case-facts.projection';

export const MEDIATION_FACTS = 'analytics_mediation_cases';
export const PETITION_FACTS = 'analytics_petitions';

export interface MediationFacts {
  caseId: string;
  /** yyyy-mm of the registration (Asia/Shanghai) */
  month: string | null;
  registeredAt: string | null;
  source: string | null;
  category: string | null;
  committeeId: string | null;
  committeeLevel: string | null;
  /** unit path of the committee holding the case (district → … → committee) */
  jurisdiction: string[];
  gridCaseId: string | null;
  /** 受理 */
  accepted: boolean;
  /** 不予调解 or a party refused */
  declined: boolean;
  /** 调解成功: an agreement was reached (and not undone by a later resumption) */
  settled: boolean;
  agreementForm: 'written' | 'oral' | null;
  /** 调解不成 (terminated without agreement) */
  terminated: boolean;
  transfers: number;
  breached: boolean;
  /** 司法确认: true confirmed, false refused, null none */
  judiciallyConfirmed: boolean | null;
  /** 履行: true in full, false failed, null not recorded */
  performed: boolean | null;
  lastEvent: string | null;
  applied: string[];
}

export interface PetitionFacts {
  petitionId: string;
  month: string | null;
  registeredAt: string | null;
  channel: string | null;
  /** office, online_form, grid_case, reception */
  source: string | null;
  jurisdiction: string[];
  status: string | null;
  /** 受理 (acceptance notified or handling started) */
  accepted: boolean;
  notAccepted: boolean;
  /** the handling deadline (60 days, 信访工作条例§32), when known */
  handlingDueAt: string | null;
  /** 答复: the handling opinion delivered */
  answeredAt: string | null;
  handlingBreached: boolean;
  /** any legal clock of the petition breached */
  breached: boolean;
  reviewRequested: boolean;
  reReviewRequested: boolean;
  /** 集体访: number of visitors of a group visit, 0 otherwise */
  groupVisitors: number;
  /** a repeat petition: the petition it repeats */
  relatedPetitionId: string | null;
  supervised: number;
  applied: string[];
}

export function emptyMediationFacts(caseId: string): MediationFacts {
  return {
    caseId,
    month: null,
    registeredAt: null,
    source: null,
    category: null,
    committeeId: null,
    committeeLevel: null,
    jurisdiction: [],
    gridCaseId: null,
    accepted: false,
    declined: false,
    settled: false,
    agreementForm: null,
    terminated: false,
    transfers: 0,
    breached: false,
    judiciallyConfirmed: null,
    performed: null,
    lastEvent: null,
    applied: [],
  };
}

export function emptyPetitionFacts(petitionId: string): PetitionFacts {
  return {
    petitionId,
    month: null,
    registeredAt: null,
    channel: null,
    source: null,
    jurisdiction: [],
    status: null,
    accepted: false,
    notAccepted: false,
    handlingDueAt: null,
    answeredAt: null,
    handlingBreached: false,
    breached: false,
    reviewRequested: false,
    reReviewRequested: false,
    groupVisitors: 0,
    relatedPetitionId: null,
    supervised: 0,
    applied: [],
  };
}

/** Pure: the facts of a mediation case after one of its integration events. */
export function evolveMediationFacts(doc: MediationFacts | null, event: IntegrationEvent): MediationFacts {
  const facts = doc ? structuredClone(doc) : emptyMediationFacts(event.subject);
  if (facts.applied.includes(event.id)) return facts;
  const name = mediationEventNameOf(event.type);
  if (!name) return facts;
  facts.applied.push(event.id);
  const d = event.data as MediationCaseEventData;
  facts.jurisdiction = [...d.jurisdiction];
  facts.committeeId = d.committeeId;
  facts.lastEvent = name;
  switch (name) {
    case 'DisputeRegistered':
      facts.registeredAt = d.at;
      facts.month = monthOf(d.at);
      facts.source = d.source ?? null;
      facts.category = d.category ?? null;
      facts.committeeLevel = d.committeeLevel ?? null;
      facts.gridCaseId = d.gridCaseId ?? null;
      break;
    case 'MediationAccepted':
      facts.accepted = true;
      break;
    case 'MediationDeclined':
    case 'ConsentRefused':
      facts.declined = true;
      break;
    case 'AgreementReached':
      facts.settled = true;
      facts.terminated = false;
      facts.agreementForm = d.agreementForm ?? null;
      break;
    case 'MediationTerminated':
      facts.terminated = true;
      break;
    case 'MediationResumed':
      facts.terminated = false;
      facts.settled = false;
      facts.performed = null;
      break;
    case 'CaseTransferred':
      facts.transfers += 1;
      if (d.committeeLevel) facts.committeeLevel = d.committeeLevel;
      break;
    case 'DeadlineBreached':
      facts.breached = true;
      break;
    case 'JudicialConfirmationDecided':
      facts.judiciallyConfirmed = d.confirmed ?? null;
      break;
    case 'PerformanceRecorded':
      if (d.complete) facts.performed = true;
      break;
    case 'PerformanceFailed':
      facts.performed = false;
      break;
    default:
      break;
  }
  return facts;
}

const isPetitionEventName = (name: string): name is keyof typeof PETITION_EVENTS => Object.prototype.hasOwnProperty.call(PETITION_EVENTS, name);

/** Pure: the facts of a petition after one of its integration events. */
export function evolvePetitionFacts(doc: PetitionFacts | null, event: IntegrationEvent): PetitionFacts {
  const facts = doc ? structuredClone(doc) : emptyPetitionFacts(event.subject);
  if (facts.applied.includes(event.id)) return facts;
  if (event.type === PetitionSourceRecordedV1.type) {
    facts.applied.push(event.id);
    const d = event.data as PetitionSourceRecordedV1Data;
    facts.source = d.source;
    if (facts.jurisdiction.length === 0) facts.jurisdiction = [...d.jurisdiction];
    return facts;
  }
  const d = event.data as PetitionEventData;
  if (!d || typeof d.event !== 'string' || !isPetitionEventName(d.event)) return facts;
  facts.applied.push(event.id);
  facts.jurisdiction = [...d.jurisdiction];
  if (d.status) facts.status = d.status;
  if (d.deadline?.kind === 'handling' && d.event !== 'DeadlineWarned' && d.event !== 'DeadlineBreached') facts.handlingDueAt = d.deadline.dueAt;
  if (d.groupVisit) facts.groupVisitors = Math.max(facts.groupVisitors, d.groupVisit.visitors);
  if (d.relatedPetitionId) facts.relatedPetitionId = d.relatedPetitionId;
  switch (d.event) {
    case 'PetitionRegistered':
      facts.registeredAt = d.at;
      facts.month = monthOf(d.at);
      facts.channel = d.channel ?? null;
      break;
    case 'PetitionNotAccepted':
      facts.notAccepted = true;
      break;
    case 'AcceptanceNotified':
    case 'HandlingStarted':
      facts.accepted = true;
      break;
    case 'OpinionDelivered':
      facts.answeredAt ??= d.at;
      break;
    case 'DeadlineBreached':
      facts.breached = true;
      if (d.deadline?.kind === 'handling') facts.handlingBreached = true;
      break;
    case 'ReviewRequested':
      facts.reviewRequested = true;
      break;
    case 'ReReviewRequested':
      facts.reReviewRequested = true;
      break;
    case 'PetitionSupervised':
      facts.supervised += 1;
      break;
    default:
      break;
  }
  return facts;
}

/** Answered within the handling deadline: delivered by its due time and its clock never breached. */
export function answeredOnTime(f: PetitionFacts): boolean {
  if (!f.answeredAt || f.handlingBreached) return false;
  return f.handlingDueAt === null || Date.parse(f.answeredAt) <= Date.parse(f.handlingDueAt);
}
