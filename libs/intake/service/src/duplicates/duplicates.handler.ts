import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { DuplicatePolicy, suggestDuplicates } from '@fengqiao/intake-domain';
import { jurisdictionFilter } from '@fengqiao/platform';
import { CASE_VIEW, CaseView, IntakeStatus } from '../case-view/case-view';
import { withoutMeta } from '../case-view/case-view.store';
import { IntakeCases } from '../application/intake-cases';
import { GetCaseHandler } from '../get-case/get-case.handler';
import { DuplicatesQuery } from './duplicates.request.dto';

/** Cases a report may be merged into: not declined, not merged away themselves. */
export const MERGEABLE_STATUSES: readonly IntakeStatus[] = ['reported', 'accepted', 'filed'];

/** Metres per degree of latitude (and of longitude at the equator), for the query's bounding box. */
const METRES_PER_DEGREE = 111_320;
/** Candidates read at most (the bounding box and window keep it far below this in practice). */
const MAX_CANDIDATES = 1000;

export interface DuplicateSuggestionResponse {
  caseId: string;
  distanceMetres: number;
  hoursApart: number;
  status: IntakeStatus;
  description: string;
  reportedAt: string;
  gridId: string | null;
}

export interface DuplicatesResponse {
  caseId: string;
  policy: DuplicatePolicy;
  /** why there can be no suggestion, when there cannot */
  note: string | null;
  suggestions: DuplicateSuggestionResponse[];
}

/**
 * Duplicate suggestions (DESIGN §5.1): cases of the same category within a radius and a time
 * window, nearest first, among the cases the caller may read. The read model narrows by category,
 * status, a bounding box around the point and the window (in the query, the caller's scope
 * included); the domain's `suggestDuplicates` measures the great-circle distance and ranks.
 */
@Injectable()
export class DuplicatesHandler {
  constructor(
    @Inject(IntakeCases) private readonly cases: IntakeCases,
    @Inject(GetCaseHandler) private readonly getCase: GetCaseHandler,
  ) {}

  async handle(caseId: string, principal: Principal, query: DuplicatesQuery): Promise<DuplicatesResponse> {
    const view = await this.getCase.view(caseId, principal, 'case.read');
    const configured = this.cases.reference.duplicatePolicy(view.category ?? '');
    const policy: DuplicatePolicy = {
      radiusMetres: query.radiusMetres ?? configured.radiusMetres,
      windowHours: query.windowHours ?? configured.windowHours,
      limit: query.limit ?? configured.limit ?? 5,
    };
    const base = { caseId, policy };
    if (view.lat === null || view.lng === null || view.reportedAtMs === null) {
      return { ...base, note: '该事件没有坐标，无法按距离查找重复事件', suggestions: [] };
    }
    if (policy.radiusMetres <= 0) return { ...base, note: '该类别未启用重复事件提示', suggestions: [] };
    const dLat = policy.radiusMetres / METRES_PER_DEGREE;
    const dLng = policy.radiusMetres / (METRES_PER_DEGREE * Math.max(Math.cos((view.lat * Math.PI) / 180), 0.01));
    const windowMs = policy.windowHours * 3_600_000;
    const docs = await this.cases.runtime.infra.readStore.find<CaseView>(
      CASE_VIEW,
      {
        $and: [
          jurisdictionFilter(principal, 'case.read'),
          { category: view.category },
          { caseId: { $ne: caseId } },
          { status: { $in: [...MERGEABLE_STATUSES] } },
          { lat: { $gte: view.lat - dLat, $lte: view.lat + dLat } },
          { lng: { $gte: view.lng - dLng, $lte: view.lng + dLng } },
          { reportedAtMs: { $gte: view.reportedAtMs - windowMs, $lte: view.reportedAtMs + windowMs } },
        ],
      },
      { limit: MAX_CANDIDATES, sort: { reportedAtMs: -1 } },
    );
    const candidates = docs.map(withoutMeta);
    const byId = new Map(candidates.map((c) => [c.caseId, c]));
    const suggestions = suggestDuplicates(
      { caseId, category: view.category ?? '', point: { lat: view.lat, lng: view.lng }, reportedAt: view.reportedAt ?? '' },
      candidates.map((c) => ({
        caseId: c.caseId,
        category: c.category ?? '',
        point: c.lat !== null && c.lng !== null ? { lat: c.lat, lng: c.lng } : null,
        reportedAt: c.reportedAt ?? '',
      })),
      policy,
    );
    return {
      ...base,
      note: null,
      suggestions: suggestions.flatMap((s) => {
        const c = byId.get(s.caseId);
        if (!c) return [];
        return {
          caseId: s.caseId,
          distanceMetres: Math.round(s.distanceMetres * 10) / 10,
          hoursApart: Math.round(s.hoursApart * 100) / 100,
          status: c.status as IntakeStatus,
          description: c.description ?? '',
          reportedAt: c.reportedAt ?? '',
          gridId: c.gridId,
        };
      }),
    };
  }
}
