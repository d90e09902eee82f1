import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { CaseCommandResponse, IF_MATCH_HEADER } from '../application/command.response';
import { CorrelationId, etagOf, expectedRevisionOf, HeaderResponse } from '../application/http';
import { CaseCommandResult } from '../application/intake-cases';
import { DeclineCaseHandler } from './decline-case.handler';
import { DeclineCaseRequest } from './decline-case.request.dto';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class DeclineCaseController {
  constructor(@Inject(DeclineCaseHandler) private readonly handler: DeclineCaseHandler) {}

  @Post(':id/decline')
  @HttpCode(200)
  @RequireAction('case.accept_report')
  @ApiOperation({ summary: '不予受理', description: '综治中心在管辖范围内对已上报的事件不予受理：即时答复、告知法定途径或重复反映（须写明原事件）。答复内容必填。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  async decline(
    @Param('id') id: string,
    @Body() body: DeclineCaseRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    const result = await this.handler.handle(id, principal, body, expectedRevisionOf(ifMatch), correlationId);
    res.setHeader('ETag', etagOf(result.revision));
    return result;
  }
}
