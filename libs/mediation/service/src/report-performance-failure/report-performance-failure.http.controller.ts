import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { ReportPerformanceFailureRequest } from './report-performance-failure.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class ReportPerformanceFailureController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/performance-failure')
  @HttpCode(200)
  @RequireAction('mediation.performance')
  @ApiOperation({ summary: '记录未履行', description: '当事人不履行协议的，记录并告知其可以向人民法院起诉或申请强制执行（第三十二条）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: ReportPerformanceFailureRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.performance',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return { type: 'ReportPerformanceFailure', data: { defaultingPartyIds: body.defaultingPartyIds, description: body.description }, meta };
      },
    });
  }
}
