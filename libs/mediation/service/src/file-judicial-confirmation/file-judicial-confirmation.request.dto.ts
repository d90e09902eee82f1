import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** 申请司法确认 */
export class FileJudicialConfirmationRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '受理的人民法院', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  courtId!: string;

  @ApiProperty({ description: '申请时间（ISO-8601，带时区）', example: '2025-03-03T09:00:00+08:00' })
  @IsISO8601({ strict: true })
  filedAt!: string;

  @ApiProperty({ type: [String], description: '共同申请的当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  applicantPartyIds!: string[];

  @ApiPropertyOptional({ description: '申请书编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  documentRef?: string;
}
