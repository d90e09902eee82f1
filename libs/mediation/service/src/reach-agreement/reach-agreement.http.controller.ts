import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { newId } from '@fengqiao/kernel';
import { documentUrl } from '../documents/document-links';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { ReachAgreementRequest } from './reach-agreement.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class ReachAgreementController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/agreement')
  @HttpCode(200)
  @RequireAction('mediation.agreement')
  @ApiOperation({
    summary: '达成调解协议',
    description: '达成书面或口头调解协议（第二十八条）；口头协议自达成之日起生效（第三十条）。书面协议默认引用本案可打印的协议书。',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: ReachAgreementRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.agreement',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'ReachAgreement',
          data: {
            agreementId: body.agreementId ?? newId(),
            form: body.form,
            terms: body.terms,
            ...(body.documentRef ? { documentRef: body.documentRef } : body.form === 'written' ? { documentRef: documentUrl(loaded.caseId, 'agreement') } : {}),
          },
          meta,
        };
      },
    });
  }
}
