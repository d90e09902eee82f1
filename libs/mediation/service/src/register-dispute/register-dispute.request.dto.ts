import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';

/** Who a party is (stored encrypted per party; masked for roles without personal_data.read). */
export class PartyDetailsRequest {
  @ApiProperty({ description: '姓名或名称', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: '身份证号码或统一社会信用代码', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  idNumber?: string;

  @ApiPropertyOptional({ description: '联系电话', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ description: '住址', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  address?: string;
}

export class NewPartyRequest extends PartyDetailsRequest {
  @ApiProperty({ enum: ['applicant', 'respondent', 'third_party'], description: '申请人、被申请人或第三人' })
  @IsIn(['applicant', 'respondent', 'third_party'])
  role!: 'applicant' | 'respondent' | 'third_party';
}

export class DisputeSourceRequest {
  @ApiProperty({ enum: ['application', 'own_initiative', 'entrusted'], description: '当事人申请、主动调解或受委托调解（网格事件移交经消息自动登记）' })
  @IsIn(['application', 'own_initiative', 'entrusted'])
  kind!: 'application' | 'own_initiative' | 'entrusted';

  @ApiPropertyOptional({ enum: ['walk_in', 'online'], description: '申请方式：来访或网上申请（当事人申请时）' })
  @IsOptional()
  @IsIn(['walk_in', 'online'])
  channel?: 'walk_in' | 'online';

  @ApiPropertyOptional({ enum: ['court', 'police', 'government'], description: '委托单位类别（受委托调解时）' })
  @IsOptional()
  @IsIn(['court', 'police', 'government'])
  entrustedBy?: 'court' | 'police' | 'government';

  @ApiPropertyOptional({ description: '委托的法院、派出所或政府部门（单位编号）', maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  entrustingUnitId?: string;

  @ApiPropertyOptional({ description: '委托调解函编号', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  letterRef?: string;
}

/** 登记调解: a dispute comes to the committee by application, on its own initiative or by entrustment. */
export class RegisterDisputeRequest extends OptionalReasonRequest {
  @ApiPropertyOptional({ description: '受理的调解委员会；默认登记人所在的调解委员会', maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  committeeId?: string;

  @ApiProperty({ type: DisputeSourceRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => DisputeSourceRequest)
  source!: DisputeSourceRequest;

  @ApiProperty({ type: [NewPartyRequest], description: '当事人（至少两方）' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => NewPartyRequest)
  parties!: NewPartyRequest[];

  @ApiProperty({ description: '纠纷简要情况', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  summary!: string;

  @ApiPropertyOptional({ description: '纠纷类型（类别代码）', maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  category?: string;
}
