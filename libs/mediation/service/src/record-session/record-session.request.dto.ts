import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsISO8601, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** A relative, neighbour or expert invited with the parties' consent (人民调解法 §20). */
export class InvitedParticipantRequest {
  @ApiProperty({ description: '被邀请人编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  participantId!: string;

  @ApiProperty({ enum: ['relative', 'neighbour', 'expert', 'other'], description: '与当事人的关系' })
  @IsIn(['relative', 'neighbour', 'expert', 'other'])
  relation!: 'relative' | 'neighbour' | 'expert' | 'other';

  @ApiProperty({ description: '当事人是否同意邀请' })
  @IsBoolean()
  partiesConsented!: boolean;
}

/** 记录调解 */
export class RecordSessionRequest extends OptionalReasonRequest {
  @ApiPropertyOptional({ description: '调解记录编号；默认自动生成', maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  sessionId?: string;

  @ApiProperty({ description: '调解时间（ISO-8601，带时区）', example: '2025-03-03T09:00:00+08:00' })
  @IsISO8601({ strict: true })
  heldAt!: string;

  @ApiProperty({ type: [String], description: '主持调解的调解员' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  mediatorIds!: string[];

  @ApiProperty({ type: [String], description: '到场当事人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  attendingPartyIds!: string[];

  @ApiPropertyOptional({ type: [InvitedParticipantRequest], description: '经当事人同意邀请参与调解的人员' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => InvitedParticipantRequest)
  invitedParticipants?: InvitedParticipantRequest[];

  @ApiProperty({ description: '调解情况', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  summary!: string;

  @ApiPropertyOptional({ description: '调解记录编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recordRef?: string;

  @ApiPropertyOptional({ description: '调解地点', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  place?: string;

  @ApiPropertyOptional({ description: '是否公开进行（依当事人意愿，人民调解法第二十三条）' })
  @IsOptional()
  @IsBoolean()
  openToPublic?: boolean;
}
