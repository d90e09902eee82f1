import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { CENTRE_LEVELS, CentreLevel, URGENCIES, Urgency } from '@fengqiao/intake-domain';
import { OptionalReasonRequest } from '@fengqiao/platform';

export class FileCaseRequest extends OptionalReasonRequest {
  @ApiPropertyOptional({ enum: CENTRE_LEVELS, description: '立案的综治中心层级；默认为操作人所在中心的层级' })
  @IsOptional()
  @IsIn(CENTRE_LEVELS, { message: `立案层级须为 ${CENTRE_LEVELS.join('、')} 之一` })
  level?: CentreLevel;

  @ApiPropertyOptional({ description: '更正事件类别' })
  @IsOptional()
  @IsString({ message: '事件类别须为文字' })
  @IsNotEmpty({ message: '事件类别不能为空' })
  @MaxLength(64, { message: '事件类别编码不能超过 64 字' })
  category?: string;

  @ApiPropertyOptional({ enum: URGENCIES, description: '更正紧急程度' })
  @IsOptional()
  @IsIn(URGENCIES, { message: `紧急程度须为 ${URGENCIES.join('、')} 之一` })
  urgency?: Urgency;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: '指定或更正网格：为“待定位”的事件指定网格即在此处；须在操作人的管辖范围内。null 表示不带网格立案（进入派单环节的“无法派单”队列）',
  })
  @ValidateIf((o: FileCaseRequest) => o.gridId !== undefined && o.gridId !== null)
  @IsString({ message: '网格编号须为文字' })
  @IsNotEmpty({ message: '网格编号不能为空' })
  @MaxLength(128, { message: '网格编号不能超过 128 字' })
  gridId?: string | null;
}
