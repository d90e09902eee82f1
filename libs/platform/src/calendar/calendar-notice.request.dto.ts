import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

/** Shapes only; the calendar rules (dates in the year, a day both off and worked, known region) are checked by the kernel and name the day. */
export class NoticeSourceRequest {
  @ApiProperty({ description: '通知标题', example: '国务院办公厅关于2027年部分节假日安排的通知' })
  @IsString({ message: '通知标题必须是文字' })
  @IsNotEmpty({ message: '通知标题不能为空' })
  @MaxLength(200, { message: '通知标题过长' })
  title!: string;

  @ApiPropertyOptional({ description: '文号', example: '国办发明电〔2026〕7号' })
  @IsOptional()
  @IsString({ message: '文号必须是文字' })
  @MaxLength(100, { message: '文号过长' })
  documentNumber?: string;

  @ApiProperty({ description: '发布日期 YYYY-MM-DD' })
  @IsString({ message: '发布日期必须是 YYYY-MM-DD' })
  issuedOn!: string;

  @ApiPropertyOptional({ description: '原文地址' })
  @IsOptional()
  @IsString({ message: '原文地址必须是文字' })
  @MaxLength(500, { message: '原文地址过长' })
  url?: string;
}

export class HolidayPeriodRequest {
  @ApiProperty({ example: '春节' })
  @IsString({ message: '假期名称必须是文字' })
  @MaxLength(50, { message: '假期名称过长' })
  name!: string;

  @ApiProperty({ description: '放假首日 YYYY-MM-DD' })
  @IsString({ message: '放假首日必须是 YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ description: '放假末日 YYYY-MM-DD（含）' })
  @IsString({ message: '放假末日必须是 YYYY-MM-DD' })
  to!: string;
}

export class CalendarNoticeRequest {
  @ApiProperty({ description: "地区：'CN' 全国，或已登记的地区编码（地方日历叠加在全国日历上）", example: 'CN' })
  @IsString({ message: '地区必须是文字' })
  @IsNotEmpty({ message: '地区不能为空' })
  @MaxLength(64, { message: '地区编码过长' })
  region!: string;

  @ApiPropertyOptional({ description: '适用范围（地方日历），如 枫桥区' })
  @IsOptional()
  @IsString({ message: '适用范围必须是文字' })
  @MaxLength(200, { message: '适用范围过长' })
  jurisdiction?: string;

  @ApiProperty({ example: 2027 })
  @IsInt({ message: '年份必须是整数' })
  year!: number;

  @ApiProperty({ type: NoticeSourceRequest })
  @IsDefined({ message: '须注明通知来源（标题与发布日期）' })
  @ValidateNested()
  @Type(() => NoticeSourceRequest)
  source!: NoticeSourceRequest;

  @ApiProperty({ type: [HolidayPeriodRequest], description: '放假安排（每段假期的全部放假日，含其中的周末）' })
  @IsArray({ message: '放假安排必须是列表' })
  @ArrayMaxSize(60, { message: '放假安排过多' })
  @ValidateNested({ each: true })
  @Type(() => HolidayPeriodRequest)
  periods!: HolidayPeriodRequest[];

  @ApiProperty({ type: [String], description: '调休上班日（周六或周日）YYYY-MM-DD' })
  @IsArray({ message: '调休上班日必须是列表' })
  @ArrayMaxSize(60, { message: '调休上班日过多' })
  @IsString({ each: true, message: '调休上班日必须是 YYYY-MM-DD' })
  makeUpWorkdays!: string[];
}

/** A file import: one or several notices (e.g. the JSON file of a year's notice), loaded one by one. */
export class CalendarImportRequest {
  @ApiProperty({ type: [CalendarNoticeRequest] })
  @IsArray({ message: 'notices 必须是列表' })
  @ArrayMaxSize(50, { message: '一次导入的通知过多' })
  @ValidateNested({ each: true })
  @Type(() => CalendarNoticeRequest)
  notices!: CalendarNoticeRequest[];

  @ApiPropertyOptional({ description: '说明' })
  @IsOptional()
  @IsString({ message: '说明必须是文字' })
  @MaxLength(500, { message: '说明过长' })
  note?: string;
}
