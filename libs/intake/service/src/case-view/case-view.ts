/**
 * The intake case view (read model `intake_cases`, one document per case): what the console's
 * intake lists, the duplicate suggestions and the public Open311 interface read. Two feeds write
 * it, each through its own pure `evolve` and its own guard:
 *
 * - the case's report stream (`grid-case-report-<id>`, this context's own events):
 *   `evolveReport`, guarded by `reportRevision` (the stream revision of the last event applied;
 *   also the case's ETag), so an event applied twice changes nothing;
 * - grid-dispatch's integration events (`grid-dispatch.case.events.v1`, after filing): status,
 *   responsible unit and due time for the Open311 view: `evolveDispatch`, guarded by the ids of
 *   the last events applied (a redelivery) and by business time (an older event changes nothing).
 *
 * Because two feeds write the same document, the store's `_revision` is a write counter only
 * (optimistic concurrency, see case-view.store.ts); each feed's own guard lives in the document.
 */
import { IntegrationEvent, WorkOrderEventData, WORK_ORDER_EVENTS } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import {
  AttachmentRef,
  CaseLocation,
  CentreLevel,
  DeclineReason,
  GridCaseReportEvent,
  GridCaseReportStatus,
  ReportChannel,
  ReporterContact,
  Urgency,
} from '@fengqiao/intake-domain';
import { Actor, assertNever } from '@fengqiao/kernel';

export const CASE_VIEW = 'intake_cases';

export type IntakeStatus = Exclude<GridCaseReportStatus, 'none'>;
export const INTAKE_STATUSES: readonly IntakeStatus[] = ['reported', 'accepted', 'not_accepted', 'filed', 'merged_duplicate'];

export type Open311Status = 'open' | 'closed';

/** Grid-dispatch statuses after which the matter is finished for the person who reported it. */
export const CLOSED_DISPATCH_STATUSES: readonly string[] = ['closed', 'callback_done', 'archived', 'merged_duplicate'];
/** Intake statuses that end a case before it reaches grid-dispatch. */
export const CLOSED_INTAKE_STATUSES: readonly IntakeStatus[] = ['not_accepted', 'merged_duplicate'];

export interface DispatchProgress {
  /** grid-dispatch status after its last event, e.g. `dispatched`, `in_progress`, `closed` */
  status: string;
  /** the work-order event name, e.g. `CaseDispatched` */
  event: string;
  /** business time of the last event applied */
  at: string;
  /** unit the case is assigned to, if any */
  unitId: string | null;
  step: string | null;
  dueAt: string | null;
  level: string;
  jurisdiction: string[];
  referredTo: string | null;
  duplicateOf: string | null;
  /** when it became closed (null while open) */
  closedAt: string | null;
  /** ids of the last events applied (redelivery guard), newest last */
  eventIds: string[];
}

export interface CaseView {
  caseId: string;
  /** intake status; null while only grid-dispatch events have arrived (feeds out of order) */
  status: IntakeStatus | null;
  channel: ReportChannel | null;
  category: string | null;
  description: string | null;
  location: CaseLocation | null;
  /** the point flattened for queries (duplicate radius, Open311) */
  lat: number | null;
  lng: number | null;
  gridId: string | null;
  /** reported and without a grid: the "unlocated" queue an operator resolves when filing */
  unlocated: boolean;
  urgency: Urgency | null;
  reporter: ReporterContact | null;
  attachments: AttachmentRef[];
  reportedAt: string | null;
  /** `reportedAt` in ms since the epoch, for range queries (ISO strings compare as text only in one format) */
  reportedAtMs: number | null;
  reportedBy: Actor | null;
  acceptedAt: string | null;
  declinedAt: string | null;
  declineReason: DeclineReason | null;
  legalRoute: string | null;
  filedAt: string | null;
  level: CentreLevel | null;
  mergedAt: string | null;
  duplicateOf: string | null;
  /** reason given with the last intake decision (what the reporter was told, for a decline) */
  decisionReason: string | null;
  /** stream revision of the last report event applied; -1 before the first */
  reportRevision: number;
  /** unit path recorded on the last report event */
  intakeJurisdiction: string[];
  dispatch: DispatchProgress | null;
  /** intake path + the units handling it in grid-dispatch: the scope filter's field */
  jurisdiction: string[];
  /** Open311 `status`: null before the report is known */
  open311Status: Open311Status | null;
  /** last change from either feed */
  updatedAt: string | null;
  /** when it became closed for Open311 */
  closedAt: string | null;
}

export function emptyCaseView(caseId: string): CaseView {
  return {
    caseId,
    status: null,
    channel: null,
    category: null,
    description: null,
    location: null,
    lat: null,
    lng: null,
    gridId: null,
    unlocated: false,
    urgency: null,
    reporter: null,
    attachments: [],
    reportedAt: null,
    reportedAtMs: null,
    reportedBy: null,
    acceptedAt: null,
    declinedAt: null,
    declineReason: null,
    legalRoute: null,
    filedAt: null,
    level: null,
    mergedAt: null,
    duplicateOf: null,
    decisionReason: null,
    reportRevision: -1,
    intakeJurisdiction: [],
    dispatch: null,
    jurisdiction: [],
    open311Status: null,
    updatedAt: null,
    closedAt: null,
  };
}

const REPORT_EVENT_TYPES: readonly GridCaseReportEvent['type'][] = ['CaseReported', 'CaseAccepted', 'CaseDeclined', 'CaseFiled', 'CaseMerged'];

export function isReportEvent(type: string): type is GridCaseReportEvent['type'] {
  return (REPORT_EVENT_TYPES as readonly string[]).includes(type);
}

/** The domain event of a stored report event (the store keeps type and data as written). */
export function toReportEvent(stored: StoredEvent): GridCaseReportEvent | null {
  return isReportEvent(stored.type) ? ({ type: stored.type, data: stored.data } as unknown as GridCaseReportEvent) : null;
}

/** The case id of a stored report event (its data's caseId), or null for other events. */
export function caseIdOfStored(stored: StoredEvent): string | null {
  if (!isReportEvent(stored.type)) return null;
  const id = (stored.data as { caseId?: unknown }).caseId;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

const later = (a: string | null, b: string | null): string | null => {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
};

function union(...paths: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const path of paths) for (const id of path) if (!out.includes(id)) out.push(id);
  return out;
}

/** The derived fields (jurisdiction, Open311 status, closing time) from the rest. */
function derive(view: CaseView, at: string): CaseView {
  const closed =
    (view.status !== null && CLOSED_INTAKE_STATUSES.includes(view.status)) ||
    (view.dispatch !== null && CLOSED_DISPATCH_STATUSES.includes(view.dispatch.status));
  const open311Status: Open311Status | null = view.status === null ? null : closed ? 'closed' : 'open';
  return {
    ...view,
    jurisdiction: union(view.intakeJurisdiction, view.dispatch?.jurisdiction ?? []),
    open311Status,
    closedAt: closed ? (view.closedAt ?? view.dispatch?.closedAt ?? at) : null,
    updatedAt: later(view.updatedAt, at),
  };
}

/**
 * Applies one stored event of the report stream. Pure, never throws; `null` when the event
 * changes nothing (not a report event, or already applied: `revision` ≤ `reportRevision`).
 */
export function evolveReport(doc: CaseView | null, stored: StoredEvent): CaseView | null {
  const event = toReportEvent(stored);
  const caseId = caseIdOfStored(stored);
  if (event === null || caseId === null) return null;
  const view = doc ?? emptyCaseView(caseId);
  if (stored.revision <= view.reportRevision) return null;
  const base: CaseView = {
    ...view,
    reportRevision: stored.revision,
    intakeJurisdiction: [...stored.jurisdiction],
    decisionReason: event.data.reason ?? view.decisionReason,
  };
  let next: CaseView;
  switch (event.type) {
    case 'CaseReported': {
      const d = event.data;
      next = {
        ...base,
        status: 'reported',
        channel: d.channel,
        category: d.category,
        description: d.description,
        location: d.location,
        lat: d.location.point?.lat ?? null,
        lng: d.location.point?.lng ?? null,
        gridId: d.gridId,
        unlocated: d.gridId === null,
        urgency: d.urgency,
        reporter: d.reporter ?? null,
        attachments: d.attachments,
        reportedAt: d.at,
        reportedAtMs: Date.parse(d.at),
        reportedBy: d.actor,
        decisionReason: null,
      };
      break;
    }
    case 'CaseAccepted':
      next = { ...base, status: 'accepted', acceptedAt: event.data.at };
      break;
    case 'CaseDeclined':
      next = {
        ...base,
        status: 'not_accepted',
        declinedAt: event.data.at,
        declineReason: event.data.declineReason,
        legalRoute: event.data.legalRoute ?? null,
        duplicateOf: event.data.duplicateOf ?? null,
      };
      break;
    case 'CaseFiled':
      next = {
        ...base,
        status: 'filed',
        filedAt: event.data.at,
        level: event.data.level,
        category: event.data.category,
        urgency: event.data.urgency,
        gridId: event.data.gridId,
        unlocated: false,
      };
      break;
    case 'CaseMerged':
      next = { ...base, status: 'merged_duplicate', mergedAt: event.data.at, duplicateOf: event.data.duplicateOf };
      break;
    default:
      return assertNever(event, 'report event');
  }
  return derive(next, event.data.at);
}

/** How many applied event ids a view keeps for the redelivery guard. */
export const KEPT_EVENT_IDS = 20;

export function isWorkOrderEvent(event: IntegrationEvent): event is IntegrationEvent<WorkOrderEventData> {
  const data = event.data as Partial<WorkOrderEventData> | null;
  return (
    event.type.startsWith('cn.fengqiao.grid-dispatch.case.') &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.event === 'string' &&
    Object.prototype.hasOwnProperty.call(WORK_ORDER_EVENTS, data.event)
  );
}

/**
 * Applies one grid-dispatch integration event. Pure, never throws; `null` when it changes nothing:
 * an event already applied (its id among the last ones), or older (business time before the last
 * applied one; events of the same instant apply in arrival order, which the bus keeps per case).
 */
export function evolveDispatch(doc: CaseView | null, event: IntegrationEvent<WorkOrderEventData>): CaseView | null {
  const d = event.data;
  const view = doc ?? emptyCaseView(d.caseId);
  const previous = view.dispatch;
  if (previous) {
    if (previous.eventIds.includes(event.id)) return null;
    if (Date.parse(d.at) < Date.parse(previous.at)) return null;
  }
  const closed = CLOSED_DISPATCH_STATUSES.includes(d.status);
  const dispatch: DispatchProgress = {
    status: d.status,
    event: d.event,
    at: d.at,
    unitId: d.unitId,
    step: d.step,
    dueAt: d.dueAt,
    level: d.level,
    jurisdiction: [...d.jurisdiction],
    referredTo: d.referredTo ?? previous?.referredTo ?? null,
    duplicateOf: d.duplicateOf ?? previous?.duplicateOf ?? null,
    closedAt: closed ? (previous?.closedAt ?? d.at) : null,
    eventIds: [...(previous?.eventIds ?? []), event.id].slice(-KEPT_EVENT_IDS),
  };
  // a reopened case is open again: its closing time goes
  return derive({ ...view, dispatch, closedAt: closed ? view.closedAt : null }, d.at);
}
