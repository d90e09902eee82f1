import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_ATTACHMENTS, MAX_DESCRIPTION_LENGTH, REPORT_CHANNELS, ReportChannel, URGENCIES, Urgency } from '@fengqiao/intake-domain';

export class GeoPointDto {
  @ApiProperty({ description: '纬度（WGS84）', example: 29.701 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '纬度须为数字' })
  @Min(-90, { message: '纬度须在 -90 到 90 之间' })
  @Max(90, { message: '纬度须在 -90 到 90 之间' })
  lat!: number;

  @ApiProperty({ description: '经度（WGS84）', example: 120.165 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '经度须为数字' })
  @Min(-180, { message: '经度须在 -180 到 180 之间' })
  @Max(180, { message: '经度须在 -180 到 180 之间' })
  lng!: number;
}

export class CaseLocationDto {
  @ApiPropertyOptional({ type: GeoPointDto, description: 'WGS84 坐标；与地址至少提供一项' })
  @ValidateIf((o: CaseLocationDto) => o.address === undefined || o.point !== undefined)
  @IsDefined({ message: '须提供事件位置：坐标或地址至少一项' })
  @IsObject({ message: '坐标须为 {lat, lng} 对象' })
  @ValidateNested()
  @Type(() => GeoPointDto)
  point?: GeoPointDto;

  @ApiPropertyOptional({ description: '地址；没有坐标或坐标不在任何网格内时，按地址表查找网格', example: '枫源小区3号楼北侧' })
  @IsOptional()
  @IsString({ message: '地址须为文字' })
  @IsNotEmpty({ message: '地址不能为空' })
  @MaxLength(500, { message: '地址不能超过 500 字' })
  address?: string;
}

export class ReporterContactDto {
  @ApiProperty({ description: '是否匿名（匿名时仍可留联系方式供回访，但不对外显示）' })
  @IsBoolean({ message: 'anonymous 须为 true 或 false' })
  anonymous!: boolean;

  @ApiPropertyOptional({ description: '反映人姓名' })
  @IsOptional()
  @IsString({ message: '姓名须为文字' })
  @MaxLength(50, { message: '姓名不能超过 50 字' })
  name?: string;

  @ApiPropertyOptional({ description: '联系电话', example: '13800000101' })
  @IsOptional()
  @IsString({ message: '联系电话须为文字' })
  @Matches(/^[0-9+\-() ]{3,32}$/, { message: '联系电话格式无效' })
  phone?: string;
}

export class AttachmentRefDto {
  @ApiProperty({ description: '已上传文件的引用（对象存储地址或 URL）', example: 'obj://photos/1.jpg' })
  @IsString({ message: '附件引用须为文字' })
  @IsNotEmpty({ message: '附件引用不能为空' })
  @MaxLength(500, { message: '附件引用不能超过 500 字' })
  ref!: string;

  @ApiPropertyOptional({ example: 'image/jpeg' })
  @IsOptional()
  @IsString({ message: '文件类型须为文字' })
  @MaxLength(100, { message: '文件类型不能超过 100 字' })
  mediaType?: string;

  @ApiPropertyOptional({ description: '文件名' })
  @IsOptional()
  @IsString({ message: '文件名须为文字' })
  @MaxLength(200, { message: '文件名不能超过 200 字' })
  name?: string;
}

export class ReportCaseRequest {
  @ApiProperty({ enum: REPORT_CHANNELS, description: '上报渠道：网格员上报、热线、来访、网上、视频发现' })
  @IsIn(REPORT_CHANNELS, { message: `上报渠道须为 ${REPORT_CHANNELS.join('、')} 之一` })
  channel!: ReportChannel;

  @ApiProperty({ description: '事件类别编码（见 Open311 services.json 的 service_code）', example: 'fire_lane_blocked' })
  @IsString({ message: '请选择事件类别' })
  @IsNotEmpty({ message: '请选择事件类别' })
  @MaxLength(64, { message: '事件类别编码不能超过 64 字' })
  category!: string;

  @ApiProperty({ description: '事件描述', maxLength: MAX_DESCRIPTION_LENGTH })
  @IsString({ message: '请填写事件描述' })
  @IsNotEmpty({ message: '请填写事件描述' })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: `事件描述不能超过 ${MAX_DESCRIPTION_LENGTH} 字` })
  description!: string;

  @ApiProperty({ type: CaseLocationDto })
  @IsDefined({ message: '须提供事件位置：坐标或地址至少一项' })
  @IsObject({ message: '事件位置须为对象' })
  @ValidateNested()
  @Type(() => CaseLocationDto)
  location!: CaseLocationDto;

  @ApiPropertyOptional({ enum: URGENCIES, default: 'normal', description: '紧急程度：一般、紧急、非常紧急' })
  @IsOptional()
  @IsIn(URGENCIES, { message: `紧急程度须为 ${URGENCIES.join('、')} 之一` })
  urgency?: Urgency;

  @ApiPropertyOptional({ type: ReporterContactDto, description: '反映人联系方式（只留在受理服务内，不对外发布）' })
  @IsOptional()
  @IsObject({ message: '反映人信息须为对象' })
  @ValidateNested()
  @Type(() => ReporterContactDto)
  reporter?: ReporterContactDto;

  @ApiPropertyOptional({ type: [AttachmentRefDto], maxItems: MAX_ATTACHMENTS })
  @IsOptional()
  @IsArray({ message: '附件须为列表' })
  @ArrayMaxSize(MAX_ATTACHMENTS, { message: `附件不能超过 ${MAX_ATTACHMENTS} 个` })
  @ValidateNested({ each: true })
  @Type(() => AttachmentRefDto)
  attachments?: AttachmentRefDto[];
}
