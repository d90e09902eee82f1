import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { OpinionOutcome, ReviewDecisionData } from '@fengqiao/petitions-domain';

export { DeliverRequest } from '../answer-petition/answer-petition.request.dto';

export class RequestReviewRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '信访人提出复查请求的时间' })
  @IsISO8601({ strict: true })
  requestedAt!: string;

  @ApiProperty({ description: '复查机关：原办理机关、单位的上一级' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  reviewingUnitId!: string;
}

export class RequestReReviewRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '信访人提出复核请求的时间' })
  @IsISO8601({ strict: true })
  requestedAt!: string;

  @ApiProperty({ description: '复核机关：复查机关、单位的上一级' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  reReviewingUnitId!: string;
}

export class ReviewDecisionRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['upheld', 'revised'], description: '维持或变更原处理意见' })
  @IsIn(['upheld', 'revised'])
  outcome!: 'upheld' | 'revised';

  @ApiPropertyOptional({ enum: ['support', 'explain', 'not_support'], description: '变更后的处理意见' })
  @IsOptional()
  @IsIn(['support', 'explain', 'not_support'])
  revisedOutcome?: OpinionOutcome;

  @ApiProperty({ description: '理由' })
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  reasons!: string;

  @ApiProperty({ description: '书面意见文号' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  documentRef!: string;
}

export class ReReviewDecisionRequest extends ReviewDecisionRequest {
  @ApiPropertyOptional({ description: '是否公开复核意见' })
  @IsOptional()
  @IsBoolean()
  publicised?: boolean;
}

export function decision(body: ReviewDecisionRequest): ReviewDecisionData {
  return {
    outcome: body.outcome,
    ...(body.revisedOutcome !== undefined ? { revisedOutcome: body.revisedOutcome } : {}),
    reasons: body.reasons,
    documentRef: body.documentRef,
  };
}
