import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, etagOf, HeaderResponse, PersonalDataFields, RequireAction } from '@fengqiao/platform';
import { CASE_PERSONAL_DATA, CaseResponse } from '../application/case.response';

import { GetCaseHandler } from './get-case.handler';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class GetCaseController {
  constructor(@Inject(GetCaseHandler) private readonly handler: GetCaseHandler) {}

  @Get(':id')
  @RequireAction('case.read')
  @PersonalDataFields(CASE_PERSONAL_DATA)
  @ApiOperation({ summary: '查看事件', description: '管辖范围内的一个事件；ETag 头为事件流版本，作为受理、不予受理、立案、合并命令的 If-Match。' })
  @ApiOkResponse({ type: CaseResponse })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: HeaderResponse): Promise<CaseResponse> {
    const result = await this.handler.handle(id, principal);
    res.setHeader('ETag', etagOf(result.revision));
    // personal data, and grid-dispatch progress changes the body without changing the intake ETag
    res.setHeader('Cache-Control', 'no-store');
    return result;
  }
}
