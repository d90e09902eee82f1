import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OptionalReasonRequest, RequiredReasonRequest } from '@fengqiao/platform';

export class StartHandlingRequest extends OptionalReasonRequest {
  @ApiProperty({ type: [String], description: '承办人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  handlerIds!: string[];
}

export class ExtendHandlingRequest extends RequiredReasonRequest {
  @ApiProperty({ description: '延长的日数，不超过 30 日（第三十四条）' })
  @IsInt()
  @Min(1)
  @Max(365)
  extendBy!: number;

  @ApiProperty({ description: '批准延期的负责人' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  approvedBy!: string;
}

export class StartHearingRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '听证编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  hearingId!: string;
}

export class EndHearingRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '听证记录编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  recordRef!: string;
}

export class RecordSettlementRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: ['mediation_agreement', 'settlement_agreement'], description: '调解协议书或和解协议书' })
  @IsIn(['mediation_agreement', 'settlement_agreement'])
  kind!: 'mediation_agreement' | 'settlement_agreement';

  @ApiProperty({ type: [String], description: '同意调解或和解的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  consentingPartyIds!: string[];

  @ApiProperty({ description: '协议书编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  documentRef!: string;
}
