import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { IllegalStateError } from '@fengqiao/kernel';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { StartHandlingRequest, ExtendHandlingRequest, StartHearingRequest, EndHearingRequest, RecordSettlementRequest } from './handle-petition.request.dto';

/** 办理: handlers, extension (≤ 30 days with approval, before the period runs out, §34), hearings (§31; time not counted in a re-review, §36), settlement (§33). */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class HandlePetitionController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Post('handling')
  @HttpCode(200)
  @RequireAction('petition.handle')
  @ApiOperation({ summary: '开始办理', description: '指定承办人，开始调查核实。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  startHandling(
    @Param('id') id: string,
    @Body() body: StartHandlingRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.handle', ifMatch, correlationId, reason: body.reason, res },
      'StartHandling',
      { handlerIds: body.handlerIds },
    );
  }

  @Post('extension')
  @HttpCode(200)
  @RequireAction('petition.handle')
  @ApiOperation({
    summary: '延长办理期限',
    description: '情况复杂的，经本机关、单位负责人批准可以适当延长办理期限，延长期限不得超过 30 日，并告知信访人延期理由（第三十四条）。',
  })
  @ApiOkResponse({ type: CaseCommandResponse })
  extend(
    @Param('id') id: string,
    @Body() body: ExtendHandlingRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.handle', ifMatch, correlationId, reason: body.reason, res },
      'ExtendHandling',
      (p) => {
        const handling = p.deadlines.handling?.deadline;
        if (handling && Date.parse(handling.dueAt) <= this.ctx.clock.now().getTime()) {
          throw new IllegalStateError(
            'PETITIONS.EXTENSION_TOO_LATE',
            `办理期限已于${handling.lastDay ?? handling.dueAt}届满，不能再延长（延期须在期限届满前批准，第三十四条）`,
            { dueAt: handling.dueAt },
          );
        }
        return { extendBy: body.extendBy, approvedBy: body.approvedBy };
      },
    );
  }

  @Post('hearings')
  @HttpCode(200)
  @RequireAction('petition.handle')
  @ApiOperation({
    summary: '举行听证',
    description: '重大、复杂、疑难的信访事项可以举行听证（第三十一条）；复核中听证所需时间不计算在复核期限内（第三十六条）。',
  })
  @ApiOkResponse({ type: CaseCommandResponse })
  startHearing(
    @Param('id') id: string,
    @Body() body: StartHearingRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.handle', ifMatch, correlationId, reason: body.reason, res },
      'StartHearing',
      { hearingId: body.hearingId },
    );
  }

  @Post('hearings/:hearingId/end')
  @HttpCode(200)
  @RequireAction('petition.handle')
  @ApiOperation({ summary: '结束听证', description: '记录听证结果；复核中的听证天数顺延复核期限（第三十六条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  endHearing(
    @Param('id') id: string,
    @Param('hearingId') hearingId: string,
    @Body() body: EndHearingRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.handle', ifMatch, correlationId, reason: body.reason, res },
      'EndHearing',
      { hearingId, recordRef: body.recordRef },
    );
  }

  @Post('settlement')
  @HttpCode(200)
  @RequireAction('petition.handle')
  @ApiOperation({ summary: '记录调解或和解', description: '经当事人同意，制作调解协议书或和解协议书（第三十三条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  recordSettlement(
    @Param('id') id: string,
    @Body() body: RecordSettlementRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.handle', ifMatch, correlationId, reason: body.reason, res },
      'RecordSettlement',
      { kind: body.kind, consentingPartyIds: body.consentingPartyIds, documentRef: body.documentRef },
    );
  }
}
