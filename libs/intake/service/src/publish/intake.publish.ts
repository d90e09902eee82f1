/**
 * What intake tells the other contexts (topic `intake.case.events.v1`): one integration event per
 * stored report event, mapped field by field, so nothing private slips through. The reporter's
 * contact (anonymous flag, name, phone), the attachments and the reasons given stay in intake;
 * the runtime's relay validates every event against its contract before publishing it.
 */
import { IntakeCaseAcceptedV1, IntakeCaseDeclinedV1, IntakeCaseFiledV1, IntakeCaseMergedV1, IntakeCaseReportedV1, IntegrationEvent } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import { CaseLocation, GridCaseReportEvent } from '@fengqiao/intake-domain';
import { assertNever } from '@fengqiao/kernel';
import { toReportEvent } from '../case-view/case-view';

export const INTAKE_SOURCE = '/fengqiao/intake';

/** Only the location's point and address, never anything else a client might have put there. */
function locationOf(location: CaseLocation): CaseLocation {
  return {
    ...(location.point ? { point: { lat: location.point.lat, lng: location.point.lng } } : {}),
    ...(location.address !== undefined ? { address: location.address } : {}),
  };
}

/** The name of a category code for people (figures, early warnings); undefined for a code it does not know. */
export type CategoryNames = (code: string) => string | undefined;

function dataOf(event: GridCaseReportEvent, jurisdiction: string[], nameOf: CategoryNames): { type: string; data: Record<string, unknown> } {
  switch (event.type) {
    case 'CaseReported': {
      const d = event.data;
      return {
        type: IntakeCaseReportedV1.type,
        data: {
          caseId: d.caseId,
          channel: d.channel,
          category: d.category,
          ...named(nameOf, d.category),
          description: d.description,
          urgency: d.urgency,
          gridId: d.gridId,
          location: locationOf(d.location),
          jurisdiction,
          reportedAt: d.at,
        },
      };
    }
    case 'CaseAccepted':
      return { type: IntakeCaseAcceptedV1.type, data: { caseId: event.data.caseId, jurisdiction, at: event.data.at } };
    case 'CaseDeclined': {
      const d = event.data;
      return {
        type: IntakeCaseDeclinedV1.type,
        data: {
          caseId: d.caseId,
          jurisdiction,
          at: d.at,
          declineReason: d.declineReason,
          ...(d.duplicateOf !== undefined ? { duplicateOf: d.duplicateOf } : {}),
        },
      };
    }
    case 'CaseFiled': {
      const d = event.data;
      return {
        type: IntakeCaseFiledV1.type,
        data: {
          caseId: d.caseId,
          jurisdiction,
          filedAt: d.at,
          level: d.level,
          category: d.category,
          ...named(nameOf, d.category),
          urgency: d.urgency,
          gridId: d.gridId,
          channel: d.channel,
          location: locationOf(d.location),
        },
      };
    }
    case 'CaseMerged':
      return {
        type: IntakeCaseMergedV1.type,
        data: { caseId: event.data.caseId, jurisdiction, at: event.data.at, duplicateOf: event.data.duplicateOf },
      };
    default:
      return assertNever(event, 'report event');
  }
}

function named(nameOf: CategoryNames, code: string): { categoryName?: string } {
  const name = nameOf(code);
  return name ? { categoryName: name } : {};
}

/**
 * The integration event of a stored intake event (null for events intake keeps to itself), with the
 * category's name from intake's reference data where it knows the code (`nameOf`).
 */
export function publish(stored: StoredEvent, nameOf: CategoryNames = () => undefined): IntegrationEvent | null {
  const event = toReportEvent(stored);
  if (event === null) return null;
  const { type, data } = dataOf(event, [...stored.jurisdiction], nameOf);
  return {
    id: stored.id,
    type,
    source: INTAKE_SOURCE,
    subject: event.data.caseId,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
    data,
  };
}
