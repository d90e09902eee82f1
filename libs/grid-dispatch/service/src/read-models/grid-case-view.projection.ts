import { gridDispatchContracts, WORK_ORDER_EVENTS, WorkOrderEventName } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import {
  evolveGridCase,
  GRID_CASE_STATUS_LABEL,
  GridCaseEvent,
  GridCaseState,
  GridCaseStatus,
  GridCaseStep,
  initialGridCaseState,
  StepTimer,
} from '@fengqiao/grid-dispatch-domain';
import { assertNever, Deadline } from '@fengqiao/kernel';
import { timerBucketOf } from '@fengqiao/platform';
import { defineProjection, ViewDoc } from '@fengqiao/read-store';
import { upcastGridCaseEvent } from '../application/grid-case.upcast';

/**
 * The read model of a work order (one document per case stream, guarded by the stream revision):
 * what the board lists and filters, what the work queues select, and the case's timeline.
 * Fed from the context's own event store by the shared `StoreProjector` (libs/read-store; it says
 * why not from Kafka).
 */
export const GRID_CASE_VIEW = 'gd_case_view';
export const GRID_CASE_STREAM_PREFIX = 'grid-case-';

export const STEP_LABEL: Record<GridCaseStep, string> = {
  dispatch: '派单',
  accept: '签收',
  rule_objection: '退单裁定',
  handle: '办理',
  verify: '核查',
  close: '结案',
  callback: '回访',
};

/** What happens next, and who must do it. */
export const QUEUE_KINDS = {
  dispatch: { who: 'centre', label: '待派单' },
  accept: { who: 'unit', label: '待签收' },
  rule_objection: { who: 'centre', label: '退单待裁定' },
  handle: { who: 'unit', label: '办理中' },
  rework: { who: 'unit', label: '返工' },
  rule_extension: { who: 'centre', label: '延期待审批' },
  resume: { who: 'centre', label: '挂账' },
  verify: { who: 'centre', label: '待核查' },
  close: { who: 'centre', label: '待结案' },
  callback: { who: 'centre', label: '待回访' },
  archive: { who: 'centre', label: '待归档' },
} as const;
export type QueueKind = keyof typeof QUEUE_KINDS;

export interface TimerView {
  timerId: string;
  step: GridCaseStep;
  stepLabel: string;
  ruleId: string;
  legalBasis?: string;
  duration: number;
  unit: string;
  startAt: string;
  dueAt: string;
  dueAtMs: number;
  warnAt?: string;
  warnAtMs?: number;
  calendarId: string;
  calendarVersion: string;
  /** the due date counts days of a year whose holiday notice is not out yet (may still move) */
  provisional?: true;
  /** what to tell people about the calendar, e.g. 暂定，待国务院办公厅公布2027年放假安排 */
  calendarNote: string;
  warned: boolean;
  breached: boolean;
}

/** The label a deadline's calendar gets in views: provisional (with the years awaited) or the version applied. */
export function calendarNoteOf(d: Pick<Deadline, 'calendarId' | 'calendarVersion' | 'provisional' | 'provisionalYears'>): string {
  if (d.provisional) {
    const years = (d.provisionalYears ?? []).map((y) => `${y}年`).join('、') || '相关年份';
    return `暂定，待国务院办公厅公布${years}放假安排（日历 ${d.calendarId} 版本 ${d.calendarVersion}）`;
  }
  return `按日历 ${d.calendarId} 版本 ${d.calendarVersion} 计算`;
}

export interface DeadlineMarker {
  kind: 'started' | 'warned' | 'breached' | 'paused' | 'revised';
  timerId: string;
  step?: GridCaseStep;
  stepLabel?: string;
  dueAt?: string;
  warnAt?: string;
  ruleId?: string;
  legalBasis?: string;
  calendar?: string;
  provisional?: true;
  calendarNote?: string;
  /** for `revised`: the due date before the revision and its calendar */
  previousDueAt?: string;
  previousCalendar?: string;
}

export interface TimelineEntry {
  revision: number;
  eventId: string;
  type: string;
  /** Chinese label of the step (from libs/contracts) */
  label: string;
  at: string;
  recordedAt: string;
  actor: { userId: string; role: string; unitId: string };
  reason?: string;
  /** the step's own text: note, result, findings, summary, answer, comment */
  text?: string;
  /** photos and files of a progress note or feedback (refs to `…/attachments/:id`) */
  attachments?: { ref: string; mediaType?: string; name?: string }[];
  unitId?: string;
  legalBasis?: string;
  statusAfter: string;
  statusLabel: string;
  deadline?: DeadlineMarker;
  escalation?: { from: string; to: string; cause: string };
  supervisionId?: string;
  rating?: number;
  satisfied?: boolean;
  duplicateOf?: string;
  referredTo?: string;
}

export interface SupervisionView {
  supervisionId: string;
  level: string;
  opinion?: string;
  issuedAt: string;
  issuedBy: string;
  answer?: string;
  answeredAt?: string;
}

export interface GridCaseView {
  caseId: string;
  status: GridCaseStatus;
  statusLabel: string;
  category: string;
  urgency: string;
  gridId: string | null;
  level: string;
  unitId: string | null;
  /** unit path of the case's location followed by the handling unit's path (jurisdiction scoping) */
  jurisdiction: string[];
  filedAt: string;
  filedAtMs: number;
  openedAt: string;
  updatedAt: string;
  updatedAtMs: number;
  timer: TimerView | null;
  /** when the scheduler must next act on this case (warning, then breach); null when nothing is pending */
  nextTimerAtMs: number | null;
  /** the minute of `nextTimerAtMs` (`timerBucketOf`): what the scheduler's ticks ask for by equality */
  nextTimerBucket: number | null;
  /** due time for sorting (cases without a running deadline last) */
  dueSortMs: number;
  queueKind: QueueKind | null;
  awaiting: 'centre' | 'unit' | null;
  inRework: boolean;
  supervisions: SupervisionView[];
  openSupervisions: number;
  reworkCount: number;
  extensionCount: number;
  breachCount: number;
  reopenCount: number;
  timeline: TimelineEntry[];
  /** the decider's state, folded with the domain's own `evolve` (internal: not returned by the API) */
  state: GridCaseState;
}

const NO_DUE = 8_640_000_000_000_000; // the largest Date: "no deadline" sorts last
const ms = (iso: string): number => Date.parse(iso);

const withAttachments = (list: readonly { ref: string; mediaType?: string; name?: string }[] | undefined) =>
  list?.length ? { attachments: list.map((a) => ({ ...a })) } : {};

function isWorkOrderEvent(type: string): type is WorkOrderEventName {
  return Object.prototype.hasOwnProperty.call(WORK_ORDER_EVENTS, type);
}

export function caseIdOfStream(streamId: string): string | null {
  return streamId.startsWith(GRID_CASE_STREAM_PREFIX) ? streamId.slice(GRID_CASE_STREAM_PREFIX.length) : null;
}

function timerView(state: GridCaseState): TimerView | null {
  if (state.status === 'none' || !state.order.timer) return null;
  const t = state.order.timer;
  const d = t.deadline;
  return {
    timerId: t.timerId,
    step: t.step,
    stepLabel: STEP_LABEL[t.step],
    ruleId: d.ruleId,
    ...(d.legalBasis !== undefined ? { legalBasis: d.legalBasis } : {}),
    duration: d.duration,
    unit: d.unit,
    startAt: d.startAt,
    dueAt: d.dueAt,
    dueAtMs: ms(d.dueAt),
    ...(d.warnAt !== undefined ? { warnAt: d.warnAt, warnAtMs: ms(d.warnAt) } : {}),
    calendarId: d.calendarId,
    calendarVersion: d.calendarVersion,
    ...(d.provisional ? { provisional: true as const } : {}),
    calendarNote: calendarNoteOf(d),
    warned: t.warned,
    breached: t.breached,
  };
}

function nextTimerAt(timer: TimerView | null): number | null {
  if (!timer || timer.breached) return null;
  if (!timer.warned && timer.warnAtMs !== undefined && timer.warnAtMs < timer.dueAtMs) return timer.warnAtMs;
  return timer.dueAtMs;
}

function queueKindOf(status: GridCaseStatus, inRework: boolean): QueueKind | null {
  switch (status) {
    case 'none':
    case 'archived':
      return null;
    case 'filed':
    case 'reopened':
      return 'dispatch';
    case 'dispatched':
      return 'accept';
    case 'objection':
      return 'rule_objection';
    case 'in_progress':
      return inRework ? 'rework' : 'handle';
    case 'extension_requested':
      return 'rule_extension';
    case 'suspended':
      return 'resume';
    case 'feedback_submitted':
      return 'verify';
    case 'verified':
      return 'close';
    case 'closed':
      return 'callback';
    case 'callback_done':
    case 'merged_duplicate':
    case 'referred':
      return 'archive';
    default:
      return assertNever(status, 'status');
  }
}

function started(timer: StepTimer | null): DeadlineMarker | undefined {
  if (!timer) return undefined;
  const d = timer.deadline;
  return {
    kind: 'started',
    timerId: timer.timerId,
    step: timer.step,
    stepLabel: STEP_LABEL[timer.step],
    dueAt: d.dueAt,
    ...(d.warnAt !== undefined ? { warnAt: d.warnAt } : {}),
    ruleId: d.ruleId,
    ...(d.legalBasis !== undefined ? { legalBasis: d.legalBasis } : {}),
    calendar: `${d.calendarId}@${d.calendarVersion}`,
    ...(d.provisional ? { provisional: true as const } : {}),
    calendarNote: calendarNoteOf(d),
  };
}

/** The parts of a timeline entry particular to the event. */
function details(event: GridCaseEvent): Partial<TimelineEntry> {
  switch (event.type) {
    case 'WorkOrderOpened':
      return { deadline: started(event.data.timer) };
    case 'CaseDispatched':
    case 'DispatchAccepted':
    case 'DispatchObjected':
    case 'ObjectionRejected':
      return { unitId: event.data.unitId, deadline: started(event.data.timer) };
    case 'ObjectionUpheld':
      return { unitId: event.data.unitId, deadline: started(event.data.timer) };
    case 'ProgressNoted':
      return { unitId: event.data.unitId, text: event.data.note, ...withAttachments(event.data.attachments) };
    case 'ExtensionRequested':
      return { unitId: event.data.unitId, text: `申请延期 ${event.data.duration} ${UNIT_LABEL[event.data.unit] ?? event.data.unit}` };
    case 'ExtensionGranted':
      return { text: `同意延期 ${event.data.duration} ${UNIT_LABEL[event.data.unit] ?? event.data.unit}`, deadline: started(event.data.timer) };
    case 'ExtensionDenied':
    case 'CaseArchived':
      return {};
    case 'CaseSuspended':
      return event.data.pausedTimerId ? { deadline: { kind: 'paused', timerId: event.data.pausedTimerId } } : {};
    case 'CaseResumed':
      return { deadline: started(event.data.timer) };
    case 'FeedbackSubmitted':
      return { unitId: event.data.unitId, text: event.data.result, ...withAttachments(event.data.attachments), deadline: started(event.data.timer) };
    case 'CaseVerified':
      return { text: event.data.findings, deadline: started(event.data.timer) };
    case 'ReworkOrdered':
      return { unitId: event.data.unitId, text: event.data.findings, deadline: started(event.data.timer) };
    case 'CaseClosed':
      return { text: event.data.summary, deadline: started(event.data.timer) };
    case 'CallbackRecorded':
      return { rating: event.data.rating, satisfied: event.data.satisfied, ...(event.data.comment !== undefined ? { text: event.data.comment } : {}) };
    case 'CaseReopened':
      return { deadline: started(event.data.timer) };
    case 'CaseMerged':
      return { duplicateOf: event.data.duplicateOf };
    case 'CaseReferred':
      return { referredTo: event.data.target };
    case 'SupervisionIssued':
      return { supervisionId: event.data.supervisionId };
    case 'SupervisionAnswered':
      return { supervisionId: event.data.supervisionId, text: event.data.answer };
    case 'Escalated':
      return { escalation: { from: event.data.from, to: event.data.to, cause: event.data.cause } };
    case 'DeadlineWarned':
      return {
        deadline: {
          kind: 'warned',
          timerId: event.data.timerId,
          step: event.data.step,
          stepLabel: STEP_LABEL[event.data.step],
          dueAt: event.data.dueAt,
          warnAt: event.data.warnAt,
        },
      };
    case 'DeadlineBreached':
      return {
        deadline: { kind: 'breached', timerId: event.data.timerId, step: event.data.step, stepLabel: STEP_LABEL[event.data.step], dueAt: event.data.dueAt },
      };
    case 'DeadlineRevised': {
      const d = event.data.deadline;
      return {
        deadline: {
          kind: 'revised',
          timerId: event.data.timerId,
          step: event.data.step,
          stepLabel: STEP_LABEL[event.data.step],
          dueAt: d.dueAt,
          ...(d.warnAt !== undefined ? { warnAt: d.warnAt } : {}),
          ruleId: d.ruleId,
          ...(d.legalBasis !== undefined ? { legalBasis: d.legalBasis } : {}),
          calendar: `${d.calendarId}@${d.calendarVersion}`,
          ...(d.provisional ? { provisional: true as const } : {}),
          calendarNote: calendarNoteOf(d),
          previousDueAt: event.data.previous.dueAt,
          previousCalendar: `${d.calendarId}@${event.data.previous.calendarVersion}`,
        },
      };
    }
    default:
      return assertNever(event, 'event');
  }
}

const UNIT_LABEL: Record<string, string> = { calendar_days: '自然日', working_days: '工作日', working_hours: '工作小时' };

/** Pure: the view after one stored event of the case's stream (null before the work order exists). */
export function evolveGridCaseView(doc: ViewDoc<GridCaseView> | GridCaseView | null, stored: StoredEvent): GridCaseView | null {
  if (!isWorkOrderEvent(stored.type)) return doc ? stripMeta(doc) : null;
  const event = upcastGridCaseEvent(stored);
  const before = doc?.state ?? initialGridCaseState();
  const state = evolveGridCase(before, event);
  if (state.status === 'none') return doc ? stripMeta(doc) : null;
  const o = state.order;
  const inRework =
    event.type === 'ReworkOrdered'
      ? true
      : state.status === 'in_progress' || state.status === 'extension_requested' || state.status === 'suspended'
        ? (doc?.inRework ?? false)
        : false;
  const timer = timerView(state);
  const queueKind = queueKindOf(state.status, inRework);
  const data = event.data as { reason?: string };
  const entry: TimelineEntry = {
    revision: stored.revision,
    eventId: stored.id,
    type: stored.type,
    label: gridDispatchContracts[stored.type].label,
    at: stored.occurredAt,
    recordedAt: stored.recordedAt,
    actor: { userId: stored.actor.userId, role: stored.actor.role, unitId: stored.actor.unitId },
    ...(data.reason !== undefined ? { reason: data.reason } : {}),
    ...(stored.legalBasis !== undefined ? { legalBasis: stored.legalBasis } : {}),
    statusAfter: state.status,
    statusLabel: GRID_CASE_STATUS_LABEL[state.status],
    ...withoutUndefined(details(event)),
  };
  return {
    caseId: o.caseId,
    status: state.status,
    statusLabel: GRID_CASE_STATUS_LABEL[state.status],
    category: o.category,
    urgency: o.urgency,
    gridId: o.gridId,
    level: o.level,
    unitId: o.unitId,
    jurisdiction: [...stored.jurisdiction],
    filedAt: o.filedAt,
    filedAtMs: ms(o.filedAt),
    openedAt: doc?.openedAt ?? stored.occurredAt,
    updatedAt: stored.occurredAt,
    updatedAtMs: ms(stored.occurredAt),
    timer,
    nextTimerAtMs: nextTimerAt(timer),
    nextTimerBucket: timerBucketOf(nextTimerAt(timer)),
    dueSortMs: timer ? timer.dueAtMs : NO_DUE,
    queueKind,
    awaiting: queueKind ? QUEUE_KINDS[queueKind].who : null,
    inRework,
    supervisions: o.supervisions.map((s) => ({
      supervisionId: s.supervisionId,
      level: s.level,
      ...(s.opinion !== undefined ? { opinion: s.opinion } : {}),
      issuedAt: s.issuedAt,
      issuedBy: s.issuedBy.userId,
      ...(s.answer !== undefined ? { answer: s.answer } : {}),
      ...(s.answeredAt !== undefined ? { answeredAt: s.answeredAt } : {}),
    })),
    openSupervisions: o.supervisions.filter((s) => s.answeredAt === undefined).length,
    reworkCount: o.reworkCount,
    extensionCount: o.extensionCount,
    breachCount: o.breachCount,
    reopenCount: o.reopenCount,
    timeline: [...(doc?.timeline ?? []), entry],
    state,
  };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function stripMeta(doc: ViewDoc<GridCaseView> | GridCaseView): GridCaseView {
  const { _id: _i, _revision: _r, _stream: _s, ...rest } = doc as ViewDoc<GridCaseView> & { _stream?: string };
  return rest as GridCaseView;
}

export const gridCaseViewProjection = defineProjection<GridCaseView, StoredEvent>({
  name: 'grid-case-view',
  collection: GRID_CASE_VIEW,
  idOf: (e) => caseIdOfStream(e.streamId),
  evolve: (doc, e) => evolveGridCaseView(doc, e),
  indexes: [
    { keys: { jurisdiction: 1, status: 1 }, multikey: true },
    { keys: { nextTimerAtMs: 1 } },
    { keys: { nextTimerBucket: 1 } },
    { keys: { unitId: 1, status: 1 } },
    { keys: { status: 1, updatedAtMs: -1 } },
  ],
});
