import { applyDecorators, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Action, CaseCommandResponse, CaseCommandResult, IF_MATCH_HEADER, OptionalReasonRequest, RequireAction } from '@fengqiao/platform';
import { PetitionCall, runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import {
  decision,
  DeliverRequest,
  RequestReReviewRequest,
  RequestReviewRequest,
  ReReviewDecisionRequest,
  ReviewDecisionRequest,
} from './review-petition.request.dto';

/** 复查 and 复核 take the same steps; a stage names its commands, its higher body's field and who may decide. */
const STAGES = {
  review: { request: 'RequestReview', start: 'StartReview', decide: 'DecideReview', unitField: 'reviewingUnitId', decideAction: 'petition.review' },
  reReview: { request: 'RequestReReview', start: 'StartReReview', decide: 'DecideReReview', unitField: 'reReviewingUnitId', decideAction: 'petition.close' },
} as const;
type Stage = keyof typeof STAGES;

function StepRoute(path: string, action: Action, summary: string, description: string) {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    RequireAction(action),
    ApiOperation({ summary, description }),
    ApiOkResponse({ type: CaseCommandResponse }),
  );
}

/** 复查 (§35) and 复核 (§36): each requested within 30 days of receiving the written answer and decided within 30 days by the next-higher body. */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class ReviewPetitionController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  /** A request to the next-higher body (a known unit), then start and decision: one path for both stages. */
  private request(stage: Stage, call: PetitionCall, body: { reason?: string | undefined; requestedAt: string }, unitId: string): Promise<CaseCommandResult> {
    const s = STAGES[stage];
    this.ctx.units.require(unitId, s.unitField);
    const data = { requestedAt: body.requestedAt, [s.unitField]: unitId } as { requestedAt: string; reviewingUnitId: string } & { reReviewingUnitId: string };
    return runPetitionCommand(this.ctx, { ...call, action: 'petition.review', reason: body.reason }, s.request, data);
  }

  private start(stage: Stage, call: PetitionCall, body: OptionalReasonRequest): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { ...call, action: 'petition.review', reason: body.reason }, STAGES[stage].start, {});
  }

  private decide(stage: Stage, call: PetitionCall, body: ReviewDecisionRequest, extra: { publicised?: boolean } = {}): Promise<CaseCommandResult> {
    const s = STAGES[stage];
    return runPetitionCommand(this.ctx, { ...call, action: s.decideAction, reason: body.reason }, s.decide, { ...decision(body), ...extra } as ReturnType<
      typeof decision
    > & { publicised: boolean });
  }

  @StepRoute('review', 'petition.review', '申请复查', '信访人自收到书面答复之日起 30 日内请求原办理机关、单位的上一级机关、单位复查（第三十五条）。')
  requestReview(@Body() body: RequestReviewRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return this.request('review', call, body, body.reviewingUnitId);
  }

  @StepRoute('review/start', 'petition.review', '开始复查', '复查机关开始复查。')
  startReview(@Body() body: OptionalReasonRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return this.start('review', call, body);
  }

  @StepRoute('review/decision', 'petition.review', '出具复查意见', '收到复查请求之日起 30 日内提出复查意见，并予以书面答复（第三十五条）。')
  decideReview(@Body() body: ReviewDecisionRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return this.decide('review', call, body);
  }

  @StepRoute('review/decision/delivery', 'petition.review', '送达复查意见', '记录信访人收到复查意见的时间；复核申请期限 30 日自此起算（第三十六条）。')
  deliverReviewDecision(@Body() body: DeliverRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return runPetitionCommand(this.ctx, { ...call, action: 'petition.review', reason: body.reason }, 'DeliverReviewDecision', { receivedAt: body.receivedAt });
  }

  @StepRoute('re-review', 'petition.review', '申请复核', '自收到书面复查意见之日起 30 日内向复查机关、单位的上一级机关、单位请求复核（第三十六条）。')
  requestReReview(@Body() body: RequestReReviewRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return this.request('reReview', call, body, body.reReviewingUnitId);
  }

  @StepRoute('re-review/start', 'petition.review', '开始复核', '复核机关开始复核。')
  startReReview(@Body() body: OptionalReasonRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return this.start('reReview', call, body);
  }

  @StepRoute(
    're-review/decision',
    'petition.close',
    '出具复核意见（终结）',
    '收到复核请求之日起 30 日内提出复核意见；信访人对复核意见不服，仍以同一事实和理由提出的，不再受理（第三十六条）。',
  )
  decideReReview(@Body() body: ReReviewDecisionRequest, @PetitionCall() call: PetitionCall): Promise<CaseCommandResult> {
    return this.decide('reReview', call, body, { publicised: body.publicised ?? false });
  }
}
