import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, jurisdictionFilter, RequireAction } from '@fengqiao/platform';
import { ReadQuery } from '@fengqiao/read-store';
import { MediationCases } from '../application/mediation-cases';
import { MEDIATION_CASE_VIEW, MediationCaseView } from '../case-view/mediation-case.view';
import { queueFilter } from './desk-queries';
import { ListCasesRequest } from './list-cases.request.dto';
import { MediationCaseListResponse } from './list-cases.response';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class ListCasesController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Get()
  @RequireAction('mediation.list')
  @ApiOperation({ summary: '调解工作台', description: '我的案件或本委员会的案件，按状态或工作队列（待同意、本周调解、待履行、司法确认临期、超期）。' })
  @ApiOkResponse({ type: MediationCaseListResponse })
  async list(@Query() q: ListCasesRequest, @CurrentPrincipal() principal: Principal): Promise<MediationCaseListResponse> {
    const filters: ReadQuery[] = [jurisdictionFilter(principal, 'mediation.list')];
    if (q.scope === 'mine') filters.push({ mediatorIds: principal.userId });
    if (q.status) filters.push({ status: q.status });
    if (q.gridCaseId) filters.push({ gridCaseId: q.gridCaseId });
    if (q.queue) filters.push(queueFilter(q.queue, this.cases.options.clock.now().getTime()));
    const query = { $and: filters };
    const store = this.cases.runtime.infra.readStore;
    const [total, docs] = await Promise.all([
      store.count(MEDIATION_CASE_VIEW, query),
      store.find<MediationCaseView>(MEDIATION_CASE_VIEW, query, {
        sort: { registeredAtMs: -1 },
        limit: q.limit ?? 50,
        skip: q.skip ?? 0,
        projection: { state: 0, timeline: 0, sessions: 0 },
      }),
    ]);
    return { total, items: docs.map(({ _id, _revision, ...rest }) => ({ ...rest, revision: _revision })) };
  }
}
