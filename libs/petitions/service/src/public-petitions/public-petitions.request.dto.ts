import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MATTER_TYPES, MatterType } from '../application/registration';

export class OnlinePetitionRequest {
  @ApiProperty({ description: 'GET /public/petitions/challenge 返回的 challenge' })
  @IsString()
  @MaxLength(200)
  challenge!: string;

  @ApiProperty({ description: '使 sha256(challenge:nonce) 前 bits 位为 0 的十进制数' })
  @IsString()
  @MaxLength(20)
  nonce!: string;

  @ApiProperty({ description: '姓名', maxLength: 50 })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiProperty({ description: '身份证件号码（加密存储）' })
  @IsString()
  @Matches(/^[0-9A-Za-z]{6,30}$/)
  idNumber!: string;

  @ApiProperty({ description: '联系电话（加密存储）' })
  @IsString()
  @Matches(/^[0-9+\- ]{5,30}$/)
  phone!: string;

  @ApiPropertyOptional({ description: '通讯地址（加密存储）', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  address?: string;

  @ApiProperty({ enum: Object.keys(MATTER_TYPES), description: '事项类型' })
  @IsIn(Object.keys(MATTER_TYPES))
  matterType!: MatterType;

  @ApiProperty({ description: '信访事项：请求、事实和理由', maxLength: 4000 })
  @IsString()
  @MinLength(5)
  @MaxLength(4000)
  summary!: string;
}

export class QueryCodeRequest {
  @ApiProperty({ description: '提交网上信访时取得的查询码' })
  @IsString()
  @MaxLength(64)
  queryCode!: string;
}

export class RatingRequest extends QueryCodeRequest {
  @ApiProperty({ description: '满意度：1（不满意）到 5（满意）' })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiPropertyOptional({ description: '意见', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  comment?: string;
}
