import { IntakeCaseReportedV1, IntakeCaseReportedV1Data, IntegrationEvent } from '@fengqiao/contracts';
import { ReadStore } from '@fengqiao/read-store';

/** What intake published about the report behind a work order (consumer `grid-dispatch.case-info`). */
export const INTAKE_REPORTS = 'gd_intake_reports';
export const CASE_INFO_PURPOSE = 'case-info';

export interface IntakeReportView {
  caseId: string;
  channel: string;
  description: string;
  reportedAt: string;
}

/**
 * Keeps the reported description of each case (intake's `case.reported.v1`) so the case detail can
 * show what was reported; the work order itself never holds it. One document per case, written
 * once: the revision guard (always 1) makes a redelivery a no-op, so the consumer is `idempotent`
 * and takes no inbox claim; it acts only on this type (`handles` in the module).
 */
export async function onIntakeReport(event: IntegrationEvent, store: ReadStore): Promise<boolean> {
  if (event.type !== IntakeCaseReportedV1.type) return false;
  const d = event.data as IntakeCaseReportedV1Data;
  const doc: IntakeReportView & { _id: string } = { _id: d.caseId, caseId: d.caseId, channel: d.channel, description: d.description, reportedAt: d.reportedAt };
  return store.upsert(INTAKE_REPORTS, doc, { revision: 1, expectNew: true });
}
