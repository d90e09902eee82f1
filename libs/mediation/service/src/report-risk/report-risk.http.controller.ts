import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { ReportRiskRequest } from './report-risk.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class ReportRiskController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/risk-reports')
  @HttpCode(200)
  @RequireAction('mediation.session')
  @ApiOperation({ summary: '报告激化风险', description: '纠纷有激化可能的，采取预防措施并向当地公安机关报告（第二十五条）；网格和公安通过事件获知。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: ReportRiskRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.session',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return { type: 'ReportRisk', data: { riskKind: body.riskKind, measures: body.measures, policeUnitId: body.policeUnitId }, meta };
      },
    });
  }
}
