import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, HeaderResponse, PersonalDataFields, RequireAction } from '@fengqiao/platform';
import { CASE_PERSONAL_DATA, CaseListResponse } from '../application/case.response';

import { ListCasesHandler } from './list-cases.handler';
import { ListCasesQuery } from './list-cases.request.dto';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class ListCasesController {
  constructor(@Inject(ListCasesHandler) private readonly handler: ListCasesHandler) {}

  @Get()
  @RequireAction('case.list')
  @PersonalDataFields(CASE_PERSONAL_DATA)
  @ApiOperation({
    summary: '事件列表',
    description: '管辖范围内的事件，最新上报在前；可按状态、类别、网格、渠道筛选，unlocated=true 为“待定位”队列（由综治中心立案时指定网格）。',
  })
  @ApiOkResponse({ type: CaseListResponse })
  list(@Query() query: ListCasesQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: HeaderResponse): Promise<CaseListResponse> {
    res.setHeader('Cache-Control', 'no-store');
    return this.handler.handle(query, principal);
  }
}
