import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, OptionalReasonRequest, RequireAction } from '@fengqiao/platform';
import { runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { decision, DeliverRequest, RequestReReviewRequest, RequestReviewRequest, ReReviewDecisionRequest, ReviewDecisionRequest } from './review-petition.request.dto';

/** 复查 (§35) and 复核 (§36): each requested within 30 days of receiving the written answer and decided within 30 days by the next-higher body. */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class ReviewPetitionController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Post('review')
  @HttpCode(200)
  @RequireAction('petition.review')
  @ApiOperation({ summary: '申请复查', description: '信访人自收到书面答复之日起 30 日内请求原办理机关、单位的上一级机关、单位复查（第三十五条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  requestReview(
    @Param('id') id: string,
    @Body() body: RequestReviewRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    this.ctx.units.require(body.reviewingUnitId, 'reviewingUnitId');
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.review', ifMatch, correlationId, reason: body.reason, res }, 'RequestReview', { requestedAt: body.requestedAt, reviewingUnitId: body.reviewingUnitId });
  }

  @Post('review/start')
  @HttpCode(200)
  @RequireAction('petition.review')
  @ApiOperation({ summary: '开始复查', description: '复查机关开始复查。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  startReview(
    @Param('id') id: string,
    @Body() body: OptionalReasonRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.review', ifMatch, correlationId, reason: body.reason, res }, 'StartReview', {});
  }

  @Post('review/decision')
  @HttpCode(200)
  @RequireAction('petition.review')
  @ApiOperation({ summary: '出具复查意见', description: '收到复查请求之日起 30 日内提出复查意见，并予以书面答复（第三十五条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  decideReview(
    @Param('id') id: string,
    @Body() body: ReviewDecisionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.review', ifMatch, correlationId, reason: body.reason, res }, 'DecideReview', decision(body));
  }

  @Post('review/decision/delivery')
  @HttpCode(200)
  @RequireAction('petition.review')
  @ApiOperation({ summary: '送达复查意见', description: '记录信访人收到复查意见的时间；复核申请期限 30 日自此起算（第三十六条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  deliverReviewDecision(
    @Param('id') id: string,
    @Body() body: DeliverRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.review', ifMatch, correlationId, reason: body.reason, res }, 'DeliverReviewDecision', { receivedAt: body.receivedAt });
  }

  @Post('re-review')
  @HttpCode(200)
  @RequireAction('petition.review')
  @ApiOperation({ summary: '申请复核', description: '自收到书面复查意见之日起 30 日内向复查机关、单位的上一级机关、单位请求复核（第三十六条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  requestReReview(
    @Param('id') id: string,
    @Body() body: RequestReReviewRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    this.ctx.units.require(body.reReviewingUnitId, 'reReviewingUnitId');
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.review', ifMatch, correlationId, reason: body.reason, res }, 'RequestReReview', { requestedAt: body.requestedAt, reReviewingUnitId: body.reReviewingUnitId });
  }

  @Post('re-review/start')
  @HttpCode(200)
  @RequireAction('petition.review')
  @ApiOperation({ summary: '开始复核', description: '复核机关开始复核。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  startReReview(
    @Param('id') id: string,
    @Body() body: OptionalReasonRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.review', ifMatch, correlationId, reason: body.reason, res }, 'StartReReview', {});
  }

  @Post('re-review/decision')
  @HttpCode(200)
  @RequireAction('petition.close')
  @ApiOperation({ summary: '出具复核意见（终结）', description: '收到复核请求之日起 30 日内提出复核意见；信访人对复核意见不服，仍以同一事实和理由提出的，不再受理（第三十六条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  decideReReview(
    @Param('id') id: string,
    @Body() body: ReReviewDecisionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { petitionId: id, principal, action: 'petition.close', ifMatch, correlationId, reason: body.reason, res }, 'DecideReReview', { ...decision(body), publicised: body.publicised ?? false });
  }
}
