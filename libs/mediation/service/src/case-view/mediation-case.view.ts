import { StoredEvent } from '@fengqiao/event-store';
import { parseInstant } from '@fengqiao/kernel';
import { timerBucketOf } from '@fengqiao/platform';
import {
  evolveMediationCase,
  initialMediationCaseState,
  MEDIATION_STATUS_LABELS,
  MediationCaseState,
  MediationEvent,
  MediationStatus,
} from '@fengqiao/mediation-domain';
import { ReadDoc } from '@fengqiao/read-store';

export const MEDIATION_CASE_VIEW = 'mediation_cases';

/** What a session record shows on the desk and in the dossier (no personal data: party ids only). */
export interface SessionEntry {
  sessionId: string;
  heldAt: string;
  mediatorIds: string[];
  attendingPartyIds: string[];
  invitedParticipants: { participantId: string; relation: string }[];
  summary: string;
  recordRef?: string;
  place?: string;
  /** §23: held in public or not, at the parties' wish */
  openToPublic?: boolean;
}

export interface TimelineEntry {
  revision: number;
  type: string;
  at: string;
  actor: { userId: string; role: string; unitId: string };
  legalBasis?: string;
  reason?: string;
}

/**
 * The committee's desk view of one mediation case: the decider's own state (folded with the
 * domain's `evolve`, so the view and the command path never disagree) plus the fields its
 * queries filter and sort on, the sessions' details and the case timeline. One document per case,
 * guarded by the stream revision (`_revision` is the case's ETag).
 */
export interface MediationCaseView {
  _id: string;
  caseId: string;
  status: MediationStatus;
  statusLabel: string;
  committeeId: string;
  committeeLevel: string;
  /** unit path of the committee holding the case (jurisdiction scoping) */
  jurisdiction: string[];
  sourceKind: string;
  gridCaseId: string | null;
  category: string | null;
  summary: string;
  mediatorIds: string[];
  registeredAt: string;
  registeredAtMs: number;
  updatedAt: string;
  /** set once the committee accepted the case (受理): "cases taken" */
  acceptedAtMs: number | null;
  /** the agreement took effect (调解成功): "cases settled" */
  settled: boolean;
  settledAtMs: number | null;
  /** sessions held, and when the last one was */
  sessionCount: number;
  lastSessionAtMs: number | null;
  /** an effective agreement with no performance recorded yet */
  awaitingPerformance: boolean;
  /** the judicial-confirmation window while it is still open (no application filed) */
  confirmationDueAtMs: number | null;
  /** the mediation-duration timer's next action (warn, then breach) for the shared scheduler */
  nextTimerAtMs: number | null;
  /** the minute of `nextTimerAtMs` (`timerBucketOf`): what the scheduler's ticks ask for by equality */
  nextTimerBucket: number | null;
  sessions: SessionEntry[];
  agreementSignatures: { signedByPartyIds: string[]; effectiveAt: string } | null;
  riskReports: { riskKind: string; policeUnitId: string; measures: string; at: string }[];
  transfers: { fromCommitteeId: string; toCommitteeId: string; toLevel: string; at: string }[];
  state: MediationCaseState;
  timeline: TimelineEntry[];
}

export function isMediationCaseStream(streamId: string): boolean {
  return streamId.startsWith('mediation-');
}

export function caseIdOfStream(streamId: string): string {
  return streamId.slice('mediation-'.length);
}

export function toDomainEvent(stored: StoredEvent): MediationEvent {
  return { type: stored.type, data: stored.data, ...(stored.legalBasis !== undefined ? { legalBasis: stored.legalBasis } : {}) } as unknown as MediationEvent;
}

const ms = (iso: string | undefined): number | null => (iso === undefined ? null : parseInstant(iso));

const IN_MEDIATION: readonly MediationStatus[] = ['accepted', 'mediator_assigned', 'mediating'];
const AFTER_AGREEMENT: readonly MediationStatus[] = ['agreement_reached', 'performing', 'performed'];

/** Pure: the view after one stored event of the case's stream (null doc: the first event). */
export function evolveMediationCaseView(doc: ReadDoc<MediationCaseView> | MediationCaseView | null, stored: StoredEvent): MediationCaseView | null {
  const before = doc?.state ?? initialMediationCaseState();
  const state = evolveMediationCase(before, toDomainEvent(stored));
  if (state.status === 'none') return null;
  const data = stored.data as Record<string, unknown>;
  const sessions = [...(doc?.sessions ?? [])];
  if (stored.type === 'SessionRecorded') {
    sessions.push({
      sessionId: String(data['sessionId']),
      heldAt: String(data['heldAt']),
      mediatorIds: data['mediatorIds'] as string[],
      attendingPartyIds: data['attendingPartyIds'] as string[],
      invitedParticipants: ((data['invitedParticipants'] as { participantId: string; relation: string }[]) ?? []).map((p) => ({
        participantId: p.participantId,
        relation: p.relation,
      })),
      summary: String(data['summary']),
      ...(typeof data['recordRef'] === 'string' ? { recordRef: data['recordRef'] } : {}),
      ...(typeof data['place'] === 'string' ? { place: data['place'] } : {}),
      ...(typeof data['openToPublic'] === 'boolean' ? { openToPublic: data['openToPublic'] } : {}),
    });
  }
  const riskReports = [...(doc?.riskReports ?? [])];
  if (stored.type === 'RiskReportedToPolice') {
    riskReports.push({
      riskKind: String(data['riskKind']),
      policeUnitId: String(data['policeUnitId']),
      measures: String(data['measures']),
      at: stored.occurredAt,
    });
  }
  const transfers = [...(doc?.transfers ?? [])];
  if (stored.type === 'CaseTransferred') {
    transfers.push({
      fromCommitteeId: String(data['fromCommitteeId']),
      toCommitteeId: String(data['toCommitteeId']),
      toLevel: String(data['toLevel']),
      at: stored.occurredAt,
    });
  }
  let agreementSignatures = doc?.agreementSignatures ?? null;
  if (stored.type === 'AgreementTookEffect') {
    agreementSignatures = { signedByPartyIds: (data['signedByPartyIds'] as string[] | undefined) ?? [], effectiveAt: String(data['effectiveAt']) };
  }
  const timeline = [
    ...(doc?.timeline ?? []),
    {
      revision: stored.revision,
      type: stored.type,
      at: stored.occurredAt,
      actor: { userId: stored.actor.userId, role: stored.actor.role, unitId: stored.actor.unitId },
      ...(stored.legalBasis !== undefined ? { legalBasis: stored.legalBasis } : {}),
      ...(typeof data['reason'] === 'string' ? { reason: data['reason'] } : {}),
    },
  ];
  const agreement = state.agreement;
  const effective = agreement?.effectiveAt !== undefined;
  const tracked = state.mediationDeadline;
  const timerRuns = IN_MEDIATION.includes(state.status) && tracked !== undefined && !tracked.breached;
  const nextTimerAtMs = !timerRuns
    ? null
    : !tracked.warned && tracked.deadline.warnAt !== undefined
      ? parseInstant(tracked.deadline.warnAt)
      : parseInstant(tracked.deadline.dueAt);
  const lastSession = sessions.reduce<number | null>((max, s) => Math.max(max ?? 0, parseInstant(s.heldAt)), null);
  return {
    _id: state.caseId,
    caseId: state.caseId,
    status: state.status,
    statusLabel: MEDIATION_STATUS_LABELS[state.status],
    committeeId: state.committeeId,
    committeeLevel: state.committeeLevel,
    jurisdiction: [...stored.jurisdiction],
    sourceKind: state.source.kind,
    gridCaseId: state.source.kind === 'referred_from_grid_case' ? state.source.gridCaseId : null,
    category: state.category ?? null,
    summary: state.summary,
    mediatorIds: [...state.mediatorIds],
    registeredAt: state.registeredAt,
    registeredAtMs: parseInstant(state.registeredAt),
    updatedAt: stored.occurredAt,
    acceptedAtMs: ms(state.acceptedAt),
    settled: effective,
    settledAtMs: effective ? ms(agreement?.effectiveAt) : null,
    sessionCount: sessions.length,
    lastSessionAtMs: lastSession,
    awaitingPerformance: effective && state.performance.records === 0 && AFTER_AGREEMENT.includes(state.status),
    confirmationDueAtMs:
      effective && state.judicialConfirmation === undefined && AFTER_AGREEMENT.includes(state.status) && agreement?.judicialConfirmationWindow
        ? parseInstant(agreement.judicialConfirmationWindow.dueAt)
        : null,
    nextTimerAtMs,
    nextTimerBucket: timerBucketOf(nextTimerAtMs),
    sessions,
    agreementSignatures,
    riskReports,
    transfers,
    state,
    timeline,
  };
}

export const MEDIATION_CASE_VIEW_INDEXES = [
  { keys: { jurisdiction: 1, status: 1 }, multikey: true },
  { keys: { mediatorIds: 1 }, multikey: true },
  { keys: { nextTimerAtMs: 1 } },
  { keys: { nextTimerBucket: 1 } },
  { keys: { confirmationDueAtMs: 1 } },
  { keys: { gridCaseId: 1 } },
] as const;
