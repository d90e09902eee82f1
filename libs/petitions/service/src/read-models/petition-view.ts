import { StoredEvent } from '@fengqiao/event-store';
import { Deadline } from '@fengqiao/kernel';
import { timerBucketOf } from '@fengqiao/platform';
import {
  evolvePetition,
  initialPetitionState,
  PETITION_STATUS_LABELS,
  PetitionDeadlineKind,
  PetitionEvent,
  PetitionState,
  RegisteredPetition,
} from '@fengqiao/petitions-domain';

export const PETITION_VIEW = 'petition_view';

/** A running legal clock of a petition, as the desk and the scheduler read it. */
export interface ClockView {
  kind: PetitionDeadlineKind;
  ruleId: string;
  legalBasis: string | null;
  unit: Deadline['unit'];
  duration: number;
  startAt: string;
  dueAt: string;
  dueAtMs: number;
  warnAt: string | null;
  warnAtMs: number | null;
  lastDay: string | null;
  shiftedFrom: string | null;
  calendarId: string;
  calendarVersion: string;
  /** computed on a year without the State Council's notice yet (revised when it is loaded) */
  provisional?: boolean;
  warned: boolean;
  breached: boolean;
  paused: boolean;
  excludedDays: number;
}

/** How the petition came in, beyond its channel (service-level record of the registration). */
export type PetitionSource =
  { kind: 'office' } | { kind: 'online_form' } | { kind: 'grid_case'; caseId: string } | { kind: 'reception'; pointId: string; dayId?: string };

export interface MatchFound {
  petitionId: string;
  relation: 'being_handled_lower_level' | 'being_handled_here' | 'concluded_by_re_review';
  status: string;
  unitId: string;
}

export interface TimelineEntry {
  eventId: string;
  revision: number;
  type: string;
  at: string;
  role: string;
  unitId: string;
  legalBasis?: string;
  reason?: string;
}

/** A document addressed to the petitioner: the facts of the event that produced it. */
export interface DocumentFacts {
  kind: DocumentKind;
  at: string;
  legalBasis: string | null;
  unitId: string;
  facts: Record<string, unknown>;
}

export const DOCUMENT_KINDS = ['acceptance_notice', 'non_acceptance_notice', 'transfer_letter', 'opinion', 'review_decision', 're_review_decision'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface PetitionView {
  petitionId: string;
  /** petition stream revision: the ETag of the petition */
  revision: number;
  status: string;
  statusLabel: string;
  channel: string;
  summary: string;
  receivedAt: string;
  registeredAt: string;
  receivingUnitId: string;
  receiverKind: string;
  routedToUnitId: string | null;
  handlingUnitId: string | null;
  /** the unit whose turn it is: where the petition now waits */
  currentUnitId: string;
  petitionerIds: string[];
  addressKeys: string[];
  matterType: string | null;
  source: PetitionSource;
  matches: MatchFound[];
  overrideReason: string | null;
  flags: { supervised: boolean; repeat: boolean; groupVisit: boolean };
  representatives: number;
  clocks: ClockView[];
  /** earliest due instant of a running clock (near-due and overdue lists) */
  nextDueAtMs: number | null;
  /** next instant the scheduler must act (warn or breach), null when nothing runs */
  nextTimerAtMs: number | null;
  /** the minute of `nextTimerAtMs` (`timerBucketOf`): what the scheduler's ticks ask for by equality */
  nextTimerBucket: number | null;
  documents: DocumentFacts[];
  timeline: TimelineEntry[];
  ratings: { stage: string; rating: number; at: string }[];
  hasQueryCode: boolean;
  jurisdiction: string[];
  /** the decider's state, folded by its own `evolve` */
  state: RegisteredPetition;
}

/** Statuses in which each deadline runs (mirrors the decider's rule for the timer commands). */
export function isClockRunning(kind: PetitionDeadlineKind, s: RegisteredPetition): boolean {
  switch (kind) {
    case 'routing':
      return s.status === 'registered' && s.receiverKind === 'petition_office';
    case 'acceptance_notice':
      return s.status === 'routed' || (s.status === 'registered' && s.receiverKind === 'handling_body');
    case 'assignment_report':
      return s.status === 'routed' || s.status === 'acceptance_notified' || s.status === 'handling';
    case 'handling':
      return s.status === 'acceptance_notified' || s.status === 'handling';
    case 'review':
      return s.status === 'review_requested' || s.status === 'reviewing';
    case 're_review':
      return s.status === 're_review_requested' || s.status === 're_reviewing';
  }
}

const ms = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));

function clocksOf(s: RegisteredPetition): ClockView[] {
  const out: ClockView[] = [];
  for (const [kind, tracked] of Object.entries(s.deadlines) as [PetitionDeadlineKind, NonNullable<RegisteredPetition['deadlines'][PetitionDeadlineKind]>][]) {
    if (!tracked || !isClockRunning(kind, s)) continue;
    const d = tracked.deadline;
    out.push({
      kind,
      ruleId: d.ruleId,
      legalBasis: d.legalBasis ?? null,
      unit: d.unit,
      duration: d.duration,
      startAt: d.startAt,
      dueAt: d.dueAt,
      dueAtMs: Date.parse(d.dueAt),
      warnAt: d.warnAt ?? null,
      warnAtMs: ms(d.warnAt),
      lastDay: d.lastDay ?? null,
      shiftedFrom: d.shiftedFrom ?? null,
      calendarId: d.calendarId,
      calendarVersion: d.calendarVersion,
      provisional: d.provisional === true,
      warned: tracked.warned,
      breached: tracked.breached,
      paused: tracked.pausedSince !== undefined,
      excludedDays: tracked.excludedDays,
    });
  }
  return out.sort((a, b) => a.dueAtMs - b.dueAtMs);
}

function nextTimerOf(clocks: readonly ClockView[]): number | null {
  let next: number | null = null;
  for (const c of clocks) {
    if (c.breached || c.paused) continue;
    const at = !c.warned && c.warnAtMs !== null && c.warnAtMs < c.dueAtMs ? c.warnAtMs : c.dueAtMs;
    if (next === null || at < next) next = at;
  }
  return next;
}

function currentUnitOf(s: RegisteredPetition): string {
  switch (s.status) {
    case 'routed':
      return s.routing.toUnitId;
    case 'review_requested':
    case 'reviewing':
    case 'review_decided':
      return s.review.unitId;
    case 're_review_requested':
    case 're_reviewing':
    case 'terminated':
      return s.reReview.unitId;
    default:
      return s.handlingUnitId ?? s.receivingUnitId;
  }
}

function documentOf(event: PetitionEvent, stored: StoredEvent): DocumentFacts | undefined {
  const { actor: _a, occurredAt: _o, ...facts } = event.data as unknown as Record<string, unknown> & { actor: unknown; occurredAt: string };
  const base = { at: stored.occurredAt, legalBasis: stored.legalBasis ?? null, unitId: stored.actor.unitId, facts };
  switch (event.type) {
    case 'AcceptanceNotified':
      return { kind: 'acceptance_notice', ...base };
    case 'PetitionNotAccepted':
      return { kind: 'non_acceptance_notice', ...base };
    case 'PetitionTransferred':
    case 'PetitionAssigned':
      return { kind: 'transfer_letter', ...base, facts: { ...facts, kind: event.type === 'PetitionAssigned' ? 'assign' : 'transfer' } };
    case 'OpinionIssued':
      return { kind: 'opinion', ...base };
    case 'ReviewDecided':
      return { kind: 'review_decision', ...base };
    case 'ReReviewDecided':
      return { kind: 're_review_decision', ...base };
    default:
      return undefined;
  }
}

/** Applies one event of the petition's own stream to its view document (pure). */
export function evolvePetitionView(doc: PetitionView | null, stored: StoredEvent, jurisdictionOf: (s: RegisteredPetition) => string[]): PetitionView | null {
  const event = {
    type: stored.type,
    data: stored.data,
    ...(stored.legalBasis !== undefined ? { legalBasis: stored.legalBasis } : {}),
  } as unknown as PetitionEvent;
  const before: PetitionState = doc?.state ?? initialPetitionState();
  const state = evolvePetition(before, event);
  if (state.status === 'none') return doc;
  const clocks = clocksOf(state);
  const document = documentOf(event, stored);
  const reason = (stored.data as { reason?: unknown }).reason;
  const base: PetitionView =
    doc ??
    ({
      petitionId: state.petitionId,
      addressKeys: [],
      matterType: null,
      source: { kind: 'office' },
      matches: [],
      overrideReason: null,
      documents: [],
      timeline: [],
      ratings: [],
      hasQueryCode: false,
    } as unknown as PetitionView);
  const group = event.type === 'PetitionRegistered' ? event.data.groupVisit : undefined;
  return {
    ...base,
    revision: stored.revision,
    status: state.status,
    statusLabel: PETITION_STATUS_LABELS[state.status],
    channel: state.channel,
    summary: state.summary,
    receivedAt: state.receivedAt,
    registeredAt: state.registeredAt,
    receivingUnitId: state.receivingUnitId,
    receiverKind: state.receiverKind,
    routedToUnitId: state.status === 'routed' ? state.routing.toUnitId : (base.routedToUnitId ?? null),
    handlingUnitId: state.handlingUnitId ?? null,
    currentUnitId: currentUnitOf(state),
    petitionerIds: state.petitionerIds,
    flags: state.flags,
    representatives: group ? group.representativeIds.length : (base.representatives ?? 0),
    clocks,
    nextDueAtMs: clocks.length ? Math.min(...clocks.map((c) => c.dueAtMs)) : null,
    nextTimerAtMs: nextTimerOf(clocks),
    nextTimerBucket: timerBucketOf(nextTimerOf(clocks)),
    documents: document ? [...base.documents.filter((d) => d.kind !== document.kind), document] : base.documents,
    timeline: [
      ...base.timeline,
      {
        eventId: stored.id,
        revision: stored.revision,
        type: stored.type,
        at: stored.occurredAt,
        role: stored.actor.role,
        unitId: stored.actor.unitId,
        ...(stored.legalBasis ? { legalBasis: stored.legalBasis } : {}),
        ...(typeof reason === 'string' ? { reason } : {}),
      },
    ],
    jurisdiction: jurisdictionOf(state),
    state,
  };
}
