import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { DeclineMediationRequest } from './decline-mediation.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class DeclineMediationController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/decline')
  @HttpCode(200)
  @RequireAction('mediation.consent')
  @ApiOperation({ summary: '不予调解', description: '纠纷不属于人民调解范围的，不予受理并说明理由（第二条）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: DeclineMediationRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.consent',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return { type: 'DeclineMediation', data: { grounds: 'outside_scope' }, meta };
      },
    });
  }
}
