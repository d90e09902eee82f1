import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { NotifyAcceptanceRequest, RedirectPetitionerRequest, LegalProcedureRequest, RejectAsRepeatRequest } from './decide-acceptance.request.dto';

/** 受理告知 within 15 days (§23), or the matter is not accepted: outside competence (§23), another legal procedure (§31), a repeat (§19). */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class DecideAcceptanceController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Post('acceptance')
  @HttpCode(200)
  @RequireAction('petition.accept')
  @ApiOperation({
    summary: '告知受理',
    description: '有权处理的机关、单位自收到之日起 15 日内书面告知信访人受理；60 日办理期限自受理之日起算（第二十三条、第三十四条）。',
  })
  @ApiOkResponse({ type: CaseCommandResponse })
  notifyAcceptance(
    @Param('id') id: string,
    @Body() body: NotifyAcceptanceRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.accept', ifMatch, correlationId, reason: body.reason, res },
      'NotifyAcceptance',
      { noticeRef: body.noticeRef },
    );
  }

  @Post('redirect')
  @HttpCode(200)
  @RequireAction('petition.accept')
  @ApiOperation({
    summary: '告知向有权机关提出',
    description: '直接收到的信访事项不属于本机关、单位或本系统职权范围的，告知信访人向有权机关提出（第二十三条）。',
  })
  @ApiOkResponse({ type: CaseCommandResponse })
  redirect(
    @Param('id') id: string,
    @Body() body: RedirectPetitionerRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.accept', ifMatch, correlationId, reason: body.reason, res },
      'RedirectPetitioner',
      { toldToApplyTo: body.toldToApplyTo },
    );
  }

  @Post('legal-procedure')
  @HttpCode(200)
  @RequireAction('petition.accept')
  @ApiOperation({ summary: '导入法定途径', description: '应当通过诉讼、仲裁、行政复议等法定途径解决的，导入相应程序并告知受理机关（第三十一条，诉访分离）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  directToLegalProcedure(
    @Param('id') id: string,
    @Body() body: LegalProcedureRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.accept', ifMatch, correlationId, reason: body.reason, res },
      'DirectToLegalProcedure',
      { procedure: body.procedure, body: body.body },
    );
  }

  @Post('repeat')
  @HttpCode(200)
  @RequireAction('petition.accept')
  @ApiOperation({ summary: '按重复信访不予受理', description: '同一信访事项已在下级机关受理或办理、仍在期限内又向上级提出的，不予受理（第十九条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  rejectAsRepeat(
    @Param('id') id: string,
    @Body() body: RejectAsRepeatRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.accept', ifMatch, correlationId, reason: body.reason, res },
      'RejectAsRepeat',
      { relatedPetitionId: body.relatedPetitionId },
    );
  }
}
