import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { jurisdictionFilter } from '@fengqiao/platform';
import { ReadQuery } from '@fengqiao/read-store';
import { CASE_VIEW, CaseView, INTAKE_STATUSES, IntakeStatus } from '../case-view/case-view';
import { withoutMeta } from '../case-view/case-view.store';
import { CaseListResponse, isFullView, toCaseResponse } from '../application/case.response';
import { IntakeCases } from '../application/intake-cases';
import { ListCasesQuery } from './list-cases.request.dto';

/** The statuses of the unlocated queue: reported or accepted, not yet filed, declined or merged. */
export const UNLOCATED_QUEUE_STATUSES: readonly IntakeStatus[] = ['reported', 'accepted'];

/**
 * The intake list: the caller's jurisdiction is part of the read-store query (never a filter on
 * the results), newest reports first, paged.
 */
@Injectable()
export class ListCasesHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async handle(query: ListCasesQuery, principal: Principal): Promise<CaseListResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const conditions: ReadQuery[] = [jurisdictionFilter(principal, 'case.list')];
    if (query.status !== undefined) conditions.push({ status: query.status });
    else conditions.push({ status: { $in: query.unlocated === true ? [...UNLOCATED_QUEUE_STATUSES] : [...INTAKE_STATUSES] } });
    if (query.category !== undefined) conditions.push({ category: query.category });
    if (query.gridId !== undefined) conditions.push({ gridId: query.gridId });
    if (query.channel !== undefined) conditions.push({ channel: query.channel });
    if (query.unlocated !== undefined) conditions.push({ unlocated: query.unlocated });
    const filter: ReadQuery = { $and: conditions };
    const store = this.cases.runtime.infra.readStore;
    const [docs, total] = await Promise.all([
      store.find<CaseView>(CASE_VIEW, filter, { sort: { reportedAtMs: -1 }, skip: (page - 1) * pageSize, limit: pageSize }),
      store.count(CASE_VIEW, filter),
    ]);
    const items = docs
      .map(withoutMeta)
      .filter(isFullView)
      .map((v) => toCaseResponse(v, this.cases.reference));
    return { items, total, page, pageSize };
  }
}
