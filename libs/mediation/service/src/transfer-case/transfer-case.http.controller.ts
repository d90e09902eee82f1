import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { TransferCaseRequest } from './transfer-case.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class TransferCaseController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/transfer')
  @HttpCode(200)
  @RequireAction('mediation.register')
  @ApiOperation({ summary: '移交上级调解组织', description: '疑难复杂纠纷移交街镇或区矛盾纠纷调解中心、或行业性专业性调解委员会；案件保留同一条记录。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: TransferCaseRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.register',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        const to = this.cases.transferTarget(loaded.state, body.toCommitteeId);
        return { type: 'TransferCase', data: { toCommitteeId: to.id, toLevel: to.level }, meta };
      },
    });
  }
}
