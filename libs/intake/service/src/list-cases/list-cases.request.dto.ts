import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { REPORT_CHANNELS, ReportChannel } from '@fengqiao/intake-domain';
import { INTAKE_STATUSES, IntakeStatus } from '../case-view/case-view';

const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class ListCasesQuery {
  @ApiPropertyOptional({ enum: INTAKE_STATUSES, description: '受理环节状态' })
  @IsOptional()
  @IsIn(INTAKE_STATUSES, { message: `状态须为 ${INTAKE_STATUSES.join('、')} 之一` })
  status?: IntakeStatus;

  @ApiPropertyOptional({ description: '事件类别编码' })
  @IsOptional()
  @IsString({ message: '事件类别须为文字' })
  @IsNotEmpty({ message: '事件类别不能为空' })
  @MaxLength(64, { message: '事件类别编码不能超过 64 字' })
  category?: string;

  @ApiPropertyOptional({ description: '网格编号' })
  @IsOptional()
  @IsString({ message: '网格编号须为文字' })
  @IsNotEmpty({ message: '网格编号不能为空' })
  @MaxLength(128, { message: '网格编号不能超过 128 字' })
  gridId?: string;

  @ApiPropertyOptional({ enum: REPORT_CHANNELS })
  @IsOptional()
  @IsIn(REPORT_CHANNELS, { message: `上报渠道须为 ${REPORT_CHANNELS.join('、')} 之一` })
  channel?: ReportChannel;

  @ApiPropertyOptional({ description: 'true：只看“待定位”队列（未立案、未处理完、没有网格的事件）；false：只看已定位的' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'unlocated 须为 true 或 false' })
  unlocated?: boolean;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '页码须为正整数' })
  @Min(1, { message: '页码须为正整数' })
  @Max(10_000, { message: '页码不能超过 10000' })
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '每页条数须为 1 到 100 的整数' })
  @Min(1, { message: '每页条数须为 1 到 100 的整数' })
  @Max(100, { message: '每页条数须为 1 到 100 的整数' })
  pageSize?: number;
}
