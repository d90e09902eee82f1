import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MAX_REASON_LENGTH, OptionalReasonRequest } from '@fengqiao/platform';
import { PETITION_CHANNELS, PetitionCategory, PetitionChannel, ReceiverKind } from '@fengqiao/petitions-domain';
import { MATTER_TYPES, MatterType } from '../application/registration';

/** 18-digit resident ID (last may be X) or 15-digit old format; other documents up to 30 characters. */
const ID_NUMBER = /^[0-9A-Za-z]{6,30}$/;

export class PetitionerRequest {
  @ApiProperty({ description: '姓名（加密存储）', maxLength: 50 })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiPropertyOptional({ description: '身份证件号码（加密存储；按密钥散列识别同一信访人，从不明文比对）' })
  @IsOptional()
  @IsString()
  @Matches(ID_NUMBER)
  idNumber?: string;

  @ApiPropertyOptional({ description: '联系电话（加密存储）', maxLength: 30 })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9+\- ]{5,30}$/)
  phone?: string;

  @ApiPropertyOptional({ description: '住址（加密存储）', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  address?: string;
}

export class GroupVisitRequest {
  @ApiProperty({ description: '来访人数' })
  @IsInt()
  @Min(2)
  @Max(10_000)
  visitorCount!: number;

  @ApiProperty({ type: [Number], description: '推选的代表：信访人列表中的序号（从 0 起），不超过 5 人（信访工作条例第二十条）' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @Min(0, { each: true })
  representatives!: number[];
}

export class OverrideRequest {
  @ApiProperty({ description: 'true：不采纳系统提示的相同事项' })
  @IsBoolean()
  ignoreMatches!: boolean;

  @ApiProperty({ description: '理由（记入事件）', maxLength: MAX_REASON_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_REASON_LENGTH)
  reason!: string;
}

export class RegisterPetitionRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: PETITION_CHANNELS, description: '信访形式（信访工作条例第十七条）' })
  @IsIn(PETITION_CHANNELS)
  channel!: PetitionChannel;

  @ApiPropertyOptional({ description: '收到信访事项的时间（默认为登记时间）；15 日期限由此起算' })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedAt?: string;

  @ApiPropertyOptional({ description: '收件单位（默认为登记人所在单位）' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  receivingUnitId?: string;

  @ApiPropertyOptional({ enum: ['petition_office', 'handling_body'], description: '信访部门（第二十二条）或直接收到的机关（第二十三条）' })
  @IsOptional()
  @IsIn(['petition_office', 'handling_body'])
  receiverKind?: ReceiverKind;

  @ApiProperty({ type: [PetitionerRequest], description: '信访人' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PetitionerRequest)
  petitioners!: PetitionerRequest[];

  @ApiProperty({ description: '信访事项内容', maxLength: 4000 })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  summary!: string;

  @ApiPropertyOptional({ enum: ['suggestion', 'accusation', 'claim'] })
  @IsOptional()
  @IsIn(['suggestion', 'accusation', 'claim'])
  category?: PetitionCategory;

  @ApiProperty({ enum: Object.keys(MATTER_TYPES), description: '事项类型：与同一信访人的其他事项比对“同一事项”' })
  @IsIn(Object.keys(MATTER_TYPES))
  matterType!: MatterType;

  @ApiProperty({ enum: ['written', 'oral'], description: '书面或口头（口头须如实记录，第十九条）' })
  @IsIn(['written', 'oral'])
  form!: 'written' | 'oral';

  @ApiPropertyOptional({ description: '口头信访的记录编号' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recordRef?: string;

  @ApiPropertyOptional({ type: GroupVisitRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupVisitRequest)
  groupVisit?: GroupVisitRequest;

  @ApiPropertyOptional({ description: '家门口信访：接访点' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  receptionPointId?: string;

  @ApiPropertyOptional({ description: '家门口信访：领导接访日' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  receptionDayId?: string;

  @ApiPropertyOptional({ type: OverrideRequest, description: '不采纳系统提示的相同事项（须说明理由）' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OverrideRequest)
  override?: OverrideRequest;
}
