/**
 * @fengqiao/grid-dispatch-domain — the work order of a grid case, from filing to archive (DESIGN §5.1).
 *
 * Build the decider with its pure dependencies:
 *   const decider = createGridCaseDecider({ deadlineRules, calendar });
 * where `deadlineRules` is the category × urgency × step table (see deadline-rules.ts) and
 * `calendar` a WorkingCalendar from @fengqiao/kernel (e.g. calendarFor('CN', year)).
 *
 * Event data convention: every event's `data` begins with `GridCaseEventBase`: `caseId`, `actor`
 * (userId, role, unitId from the command meta), `at` (meta.now, business time) and `reason`
 * (meta.reason: the reason or opinion the actor gave; required for objections, rulings, extension
 * requests, suspensions, reopening, referral, supervision and manual escalation). Events that start
 * a step carry `timer` (timerId, step, Deadline with rule id, legal basis, calendar id and version),
 * and the envelope's `legalBasis` is set from the rule when it has one.
 *
 * Stream: `toGridCaseStreamId(caseId)` = `grid-case-<caseId>`; the work order is opened by
 * `OpenWorkOrder` built from intake's published CaseFiled (the consumer inbox removes redeliveries;
 * a second OpenWorkOrder is refused with GRID_CASE.ALREADY_OPEN).
 */
export * from './grid-case/grid-case.types';
export * from './grid-case/deadline-rules';
export {
  createGridCaseDecider,
  evolveGridCase,
  initialGridCaseState,
  isUnderSupervision,
  nextLevel,
  STATUS_LABEL as GRID_CASE_STATUS_LABEL,
  toGridCaseStreamId,
} from './grid-case/grid-case.decider';
export type { GridCaseDeciderDeps } from './grid-case/grid-case.decider';
export * from './mediation-referral/mediation-referral.decider';
