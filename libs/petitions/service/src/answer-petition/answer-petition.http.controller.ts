import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import {
  CaseCommandResponse,
  CaseCommandResult,
  CorrelationId,
  CurrentPrincipal,
  HeaderResponse,
  IF_MATCH_HEADER,
  OptionalReasonRequest,
  RequireAction,
} from '@fengqiao/platform';
import { runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { IssueOpinionRequest, DeliverRequest } from './answer-petition.request.dto';

/** 信访处理意见书 (§32), its delivery (which opens the 30-day review window, §35), and closing once that window ran out. */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class AnswerPetitionController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Post('opinion')
  @HttpCode(200)
  @RequireAction('petition.opinion')
  @ApiOperation({
    summary: '出具信访处理意见书',
    description: '载明信访人投诉请求、事实和理由、处理意见及其法律法规依据：予以支持、解释说明或不予支持（第三十二条）。',
  })
  @ApiOkResponse({ type: CaseCommandResponse })
  issueOpinion(
    @Param('id') id: string,
    @Body() body: IssueOpinionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.opinion', ifMatch, correlationId, reason: body.reason, res },
      'IssueOpinion',
      {
        outcome: body.outcome,
        request: body.request,
        factsAndReasons: body.factsAndReasons,
        legalBasisCited: body.legalBasisCited,
        documentRef: body.documentRef,
      },
    );
  }

  @Post('opinion/delivery')
  @HttpCode(200)
  @RequireAction('petition.opinion')
  @ApiOperation({ summary: '送达处理意见', description: '记录信访人收到书面答复的时间；复查申请期限 30 日自此起算（第三十五条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  deliverOpinion(
    @Param('id') id: string,
    @Body() body: DeliverRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.opinion', ifMatch, correlationId, reason: body.reason, res },
      'DeliverOpinion',
      { receivedAt: body.receivedAt, method: body.method ?? 'in_person' },
    );
  }

  @Post('close')
  @HttpCode(200)
  @RequireAction('petition.close')
  @ApiOperation({ summary: '办结', description: '复查（复核）申请期限届满未申请的，办结（第三十五条、第三十六条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  close(
    @Param('id') id: string,
    @Body() body: OptionalReasonRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.close', ifMatch, correlationId, reason: body.reason, res },
      'ClosePetition',
      {},
    );
  }
}
