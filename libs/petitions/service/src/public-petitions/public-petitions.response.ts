/** 网上信访's answers to the public (no personal data, no staff), as the OpenAPI document describes them. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ChallengeResponse {
  @ApiProperty({ description: '校验题（原样交回）' }) challenge!: string;
  @ApiProperty({ type: 'integer', description: 'sha256(challenge + ":" + nonce) 须以多少个 0 位开头' }) bits!: number;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty() algorithm!: string;
}

export class OnlinePetitionReceipt {
  @ApiProperty({ description: '查询码：只显示这一次' }) queryCode!: string;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() status!: string;
  @ApiProperty() statusLabel!: string;
  @ApiProperty() notice!: string;
}

class ProgressStepResponse {
  @ApiProperty({ description: '办理环节（中文）' }) step!: string;
  @ApiProperty() at!: string;
  @ApiPropertyOptional() legalBasis?: string;
}

class ProgressClockResponse {
  @ApiProperty({ description: '期限（中文）' }) clock!: string;
  @ApiProperty({ type: String, nullable: true, description: '最后一日 YYYY-MM-DD' }) lastDay!: string | null;
  @ApiProperty({ type: String, nullable: true }) legalBasis!: string | null;
}

class ProgressDocumentResponse {
  @ApiProperty({ description: '文书种类（POST /public/petitions/documents/{kind} 查看）' }) kind!: string;
  @ApiProperty() title!: string;
  @ApiProperty() at!: string;
}

class ProgressRatingResponse {
  @ApiProperty() stage!: string;
  @ApiProperty() rating!: number;
  @ApiProperty() at!: string;
}

export class PetitionProgressResponse {
  @ApiProperty() status!: string;
  @ApiProperty() statusLabel!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ description: '当前办理单位' }) currentUnit!: string;
  @ApiProperty({ type: [ProgressStepResponse] }) steps!: ProgressStepResponse[];
  @ApiProperty({ type: [ProgressClockResponse] }) clocks!: ProgressClockResponse[];
  @ApiProperty({ type: [ProgressDocumentResponse] }) documents!: ProgressDocumentResponse[];
  @ApiProperty({ type: [ProgressRatingResponse] }) ratings!: ProgressRatingResponse[];
  @ApiProperty({ description: '现在可以评价' }) canRate!: boolean;
}

export class PetitionRatingAnswer {
  @ApiProperty({ description: 'false：本次答复已评价过，未重复记录' }) rated!: boolean;
  @ApiProperty() rating!: number;
}
