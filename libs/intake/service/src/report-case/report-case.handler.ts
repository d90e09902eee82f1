import { Inject, Injectable } from '@nestjs/common';
import { isWithin, Principal } from '@fengqiao/identity';
import { AttachmentRef, CaseLocation, ReportCase, ReportChannel, ReporterContact, Urgency } from '@fengqiao/intake-domain';
import { CommandMeta, newId } from '@fengqiao/kernel';
import { assertInJurisdiction, CaseCommandResult, inJurisdiction } from '@fengqiao/platform';
import { IntakeCases } from '../application/intake-cases';
import { OPEN311_ACTOR_PREFIX } from '../open311/open311.mapper';
import { LocatedBy } from '../reference/intake-reference';

export interface ReportInput {
  channel: ReportChannel;
  category: string;
  description: string;
  location: CaseLocation;
  urgency?: Urgency;
  reporter?: ReporterContact;
  attachments?: AttachmentRef[];
}

export interface ReportResult extends CaseCommandResult {
  gridId: string | null;
  /** how the grid was found: from the point, from the address table, or not at all */
  locatedBy: LocatedBy;
  /** true: the case waits in the unlocated queue until an operator files it with a grid */
  unlocated: boolean;
  jurisdiction: string[];
}

/** Who reports: a user (jurisdiction checked) or an Open311 client (its API key was checked). */
export type Reporter = { kind: 'user'; principal: Principal } | { kind: 'open311'; label: string };

/**
 * 上报: locates the report (grid from the point, else from the address table, else none), works out
 * its jurisdiction (the grid's unit path, or the receiving centre's when unlocated), checks the
 * reporter may report there, and records `CaseReported` on a new stream.
 *
 * Where a user may report: inside their unit's subtree; a grid worker also anywhere in their own
 * village (patrols cross grid borders, and the village centre files what they find).
 */
@Injectable()
export class ReportCaseHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async handle(input: ReportInput, reporter: Reporter, correlationId?: string): Promise<ReportResult> {
    const ref = this.cases.reference;
    const category = ref.requireCategory(input.category.trim());
    const location: CaseLocation = {
      ...(input.location.point ? { point: { lat: input.location.point.lat, lng: input.location.point.lng } } : {}),
      ...(input.location.address !== undefined ? { address: input.location.address.trim() } : {}),
    };
    const { gridId, locatedBy } = ref.locate(location);
    const caseId = newId();

    let meta: CommandMeta;
    let receiving: string;
    if (reporter.kind === 'user') {
      meta = this.cases.meta(reporter.principal, 'case.report', correlationId);
      receiving = ref.receivingCentreOf(reporter.principal.unitId);
    } else {
      receiving = ref.reference.receivingUnitId;
      const actor = { userId: `${OPEN311_ACTOR_PREFIX}${reporter.label}`, role: 'system' as const, unitId: receiving };
      meta = { actor, now: this.cases.config.now(), ...(correlationId ? { correlationId } : {}) };
    }
    const jurisdiction = ref.jurisdictionOf(gridId, receiving);
    if (reporter.kind === 'user' && !this.mayReportIn(reporter.principal, jurisdiction)) {
      assertInJurisdiction(reporter.principal, jurisdiction, 'case.report', { type: 'case' });
    }

    const command: ReportCase = {
      type: 'ReportCase',
      data: {
        caseId,
        channel: input.channel,
        category: category.code,
        description: input.description,
        location,
        urgency: input.urgency ?? 'normal',
        ...(input.reporter ? { reporter: contactOf(input.reporter) } : {}),
        ...(input.attachments?.length ? { attachments: input.attachments.map(attachmentOf) } : {}),
        gridId,
      },
      meta,
    };
    // a new stream: the reporter's jurisdiction was checked above; a fresh id cannot exist yet
    const result = await this.cases.execute(caseId, command);
    return { ...result, gridId, locatedBy, unlocated: gridId === null, jurisdiction };
  }

  private mayReportIn(principal: Principal, jurisdiction: string[]): boolean {
    if (inJurisdiction(principal, jurisdiction, 'case.report')) return true;
    if (!principal.roles.includes('grid_worker')) return false;
    const own = this.cases.reference.unit(principal.unitId);
    return own?.kind === 'grid' && own.parentId !== null && isWithin(jurisdiction, own.parentId);
  }
}

function contactOf(r: ReporterContact): ReporterContact {
  return {
    anonymous: r.anonymous,
    ...(r.name !== undefined && r.name.trim() !== '' ? { name: r.name.trim() } : {}),
    ...(r.phone !== undefined && r.phone.trim() !== '' ? { phone: r.phone.trim() } : {}),
  };
}

function attachmentOf(a: AttachmentRef): AttachmentRef {
  return { ref: a.ref, ...(a.mediaType !== undefined ? { mediaType: a.mediaType } : {}), ...(a.name !== undefined ? { name: a.name } : {}) };
}
