import { Body, Controller, Get, Header, HttpCode, Inject, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CorrelationId, Public, RateLimit } from '@fengqiao/platform';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { DOCUMENT_KINDS, DocumentKind } from '../read-models/petition-view';
import { PublicPetitions } from './public-petitions.handler';
import { OnlinePetitionRequest, QueryCodeRequest, RatingRequest } from './public-petitions.request.dto';
import { ChallengeResponse, OnlinePetitionReceipt, PetitionProgressResponse, PetitionRatingAnswer } from './public-petitions.response';

/** 网上信访 without login: every route under the per-IP `petition_public` rate limit. */
@ApiTags('petitions-public')
@Public()
@RateLimit('petition_public')
@Controller('public/petitions')
export class PublicPetitionsController {
  private readonly petitions: PublicPetitions;
  constructor(@Inject(PETITIONS_CONTEXT) ctx: PetitionsContext) {
    this.petitions = new PublicPetitions(ctx);
  }

  @Get('challenge')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: '取得提交校验题',
    description:
      '提交网上信访前须求解：找到十进制 nonce，使 sha256(challenge + ":" + nonce) 的前 bits 位为 0（浏览器几百毫秒）。每题只能用一次，10 分钟内有效。',
  })
  @ApiOkResponse({ type: ChallengeResponse })
  challenge() {
    return this.petitions.pow.issue();
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: '网上信访',
    description: '无需登录（第十七条）；返回查询码，凭码查询进度、查看答复文书并评价（第二十一条）。查询码只显示这一次，系统只保存其摘要。',
  })
  @ApiCreatedResponse({ type: OnlinePetitionReceipt })
  submit(@Body() body: OnlinePetitionRequest, @CorrelationId() correlationId: string | undefined) {
    return this.petitions.submit(body, correlationId);
  }

  @Post('progress')
  @HttpCode(200)
  @ApiOperation({ summary: '凭查询码查询办理进度' })
  @ApiOkResponse({ type: PetitionProgressResponse })
  progress(@Body() body: QueryCodeRequest) {
    return this.petitions.progress(body.queryCode);
  }

  @Post('rating')
  @HttpCode(200)
  @ApiOperation({ summary: '凭查询码评价', description: '对每次答复（处理意见、复查意见、复核意见、不予受理告知）可评价一次。' })
  @ApiOkResponse({ type: PetitionRatingAnswer })
  rate(@Body() body: RatingRequest, @CorrelationId() correlationId: string | undefined) {
    return this.petitions.rate(body.queryCode, body.rating, body.comment, correlationId);
  }

  @Post('documents/:kind')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({ summary: '凭查询码查看答复文书（A4 打印页）' })
  document(@Param('kind', new ParseEnumPipe(DOCUMENT_KINDS)) kind: DocumentKind, @Body() body: QueryCodeRequest) {
    return this.petitions.document(body.queryCode, kind);
  }
}
