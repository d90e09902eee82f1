import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { AssignMediatorRequest } from './assign-mediator.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class AssignMediatorController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/assign-mediator')
  @HttpCode(200)
  @RequireAction('mediation.assign')
  @ApiOperation({ summary: '指定或选定调解员', description: '调解委员会指定，或当事人选择本委员会的人民调解员（第十九条）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: AssignMediatorRequest,
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
        this.cases.assertMediatorsOf(loaded.state.committeeId, body.mediatorIds);
        return { type: 'AssignMediator', data: { mediatorIds: body.mediatorIds, method: body.method }, meta };
      },
    });
  }
}
