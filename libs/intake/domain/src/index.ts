/**
 * @fengqiao/intake-domain — the intake side of a grid case (DESIGN §5.1): pure decider and helpers.
 *
 * Event data convention: every event's `data` begins with `ReportEventBase`:
 * `caseId`, `actor` (userId, role, unitId from the command meta), `at` (the command's business time
 * `meta.now`) and `reason` (meta.reason, when the actor gave one; required for DeclineCase).
 * The event store envelope repeats actor and time; they are in `data` too so that an event read on
 * its own (a projection, an export) still says who did what and when.
 *
 * Stream: `toGridCaseReportStreamId(caseId)` = `grid-case-report-<caseId>`. After `CaseFiled` the
 * case continues in grid-dispatch (`grid-case-<caseId>`), which opens its work order from the
 * published CaseFiled.
 */
export * from './grid-case-report/grid-case-report.types';
export {
  gridCaseReportDecider,
  intakeDecider,
  toGridCaseReportStreamId,
  MAX_ATTACHMENTS,
  MAX_DESCRIPTION_LENGTH,
} from './grid-case-report/grid-case-report.decider';
export * from './grid-case-report/duplicates';
