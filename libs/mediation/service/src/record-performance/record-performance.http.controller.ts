import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { RecordPerformanceRequest } from './record-performance.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecordPerformanceController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/performance')
  @HttpCode(200)
  @RequireAction('mediation.performance')
  @ApiOperation({ summary: '记录履行情况', description: '调解委员会督促并记录协议的履行（第三十一条）；全部履行的案件为履行完毕。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: RecordPerformanceRequest,
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
        return {
          type: 'RecordPerformance',
          data: { complete: body.complete, description: body.description, ...(body.evidenceRef ? { evidenceRef: body.evidenceRef } : {}) },
          meta,
        };
      },
    });
  }
}
