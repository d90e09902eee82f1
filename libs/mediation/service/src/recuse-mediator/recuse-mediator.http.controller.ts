import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { RecuseMediatorRequest } from './recuse-mediator.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecuseMediatorController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/recuse-mediator')
  @HttpCode(200)
  @RequireAction('mediation.assign')
  @ApiOperation({ summary: '调解员回避', description: '调解员因利害关系或当事人申请回避；无调解员时案件回到待指定。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: RecuseMediatorRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.assign',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'RecuseMediator',
          data: { mediatorId: body.mediatorId, grounds: body.grounds, ...(body.requestedByPartyId ? { requestedByPartyId: body.requestedByPartyId } : {}) },
          meta,
        };
      },
    });
  }
}
