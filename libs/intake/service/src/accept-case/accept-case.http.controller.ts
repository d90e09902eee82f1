import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { CaseCommandResponse, IF_MATCH_HEADER } from '../application/command.response';
import { CorrelationId, etagOf, expectedRevisionOf, HeaderResponse } from '../application/http';
import { CaseCommandResult } from '../application/intake-cases';
import { AcceptCaseHandler } from './accept-case.handler';
import { AcceptCaseRequest } from './accept-case.request.dto';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class AcceptCaseController {
  constructor(@Inject(AcceptCaseHandler) private readonly handler: AcceptCaseHandler) {}

  @Post(':id/accept')
  @HttpCode(200)
  @RequireAction('case.accept_report')
  @ApiOperation({ summary: '受理', description: '综治中心在管辖范围内受理已上报的事件。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  async accept(
    @Param('id') id: string,
    @Body() body: AcceptCaseRequest,
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
