import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { RecordFollowUpVisitRequest } from './record-follow-up-visit.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecordFollowUpVisitController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/follow-up-visits')
  @HttpCode(200)
  @RequireAction('mediation.follow_up')
  @ApiOperation({ summary: '记录回访', description: '回访当事人，了解协议履行情况和纠纷是否反复。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: RecordFollowUpVisitRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.follow_up',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'RecordFollowUpVisit',
          data: {
            visitedPartyIds: body.visitedPartyIds,
            performanceSatisfactory: body.performanceSatisfactory,
            reescalationRisk: body.reescalationRisk,
            ...(body.recordRef ? { recordRef: body.recordRef } : {}),
          },
          meta,
        };
      },
    });
  }
}
