import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsEmail, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MAX_DESCRIPTION_LENGTH } from '@fengqiao/intake-domain';

/** Form fields arrive as text: "29.7" → 29.7; an empty field counts as absent (never as 0). */
const toNumber = ({ value }: { value: unknown }): unknown => {
  if (value === '' || value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : Number(value);
  return value;
};

const needsPoint = (o: Open311PostRequest): boolean => o.lat !== undefined || o.long !== undefined || o.address_string === undefined;
const LOCATION_REQUIRED = '须提供 lat 与 long（WGS84），或 address_string（不支持 address_id）';

/**
 * POST /open311/v2/requests.json (GeoReport v2 §POST Service Request), form-encoded or JSON.
 * Our rules beyond the spec: `description` is required (a case without one cannot be handled);
 * `email`, `device_id`, `account_id` and `attribute[…]` are accepted and not kept (no service has
 * attributes, and a reporter's contact is a name and a phone number).
 */
export class Open311PostRequest {
  @ApiProperty({ description: '分配给调用方的 api_key（必填）' })
  @IsOptional()
  @IsString({ message: 'api_key 须为文字' })
  @MaxLength(256, { message: 'api_key 过长' })
  api_key?: string;

  @ApiPropertyOptional({ description: '本接口只服务一个 jurisdiction_id，可不传' })
  @IsOptional()
  @IsString({ message: 'jurisdiction_id 须为文字' })
  @MaxLength(100, { message: 'jurisdiction_id 过长' })
  jurisdiction_id?: string;

  @ApiProperty({ description: '服务编码（services.json 的 service_code）' })
  @IsString({ message: 'service_code 必填' })
  @IsNotEmpty({ message: 'service_code 必填' })
  @MaxLength(64, { message: 'service_code 过长' })
  service_code!: string;

  @ApiPropertyOptional({ description: '纬度（WGS84），与 long 同时提供' })
  @Transform(toNumber)
  @ValidateIf(needsPoint)
  @IsDefined({ message: LOCATION_REQUIRED })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'lat 须为数字' })
  @Min(-90, { message: 'lat 须在 -90 到 90 之间' })
  @Max(90, { message: 'lat 须在 -90 到 90 之间' })
  lat?: number;

  @ApiPropertyOptional({ description: '经度（WGS84），与 lat 同时提供' })
  @Transform(toNumber)
  @ValidateIf(needsPoint)
  @IsDefined({ message: LOCATION_REQUIRED })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'long 须为数字' })
  @Min(-180, { message: 'long 须在 -180 到 180 之间' })
  @Max(180, { message: 'long 须在 -180 到 180 之间' })
  long?: number;

  @ApiPropertyOptional({ description: '地址（没有坐标时按地址表定位网格）' })
  @IsOptional()
  @IsString({ message: 'address_string 须为文字' })
  @IsNotEmpty({ message: 'address_string 不能为空' })
  @MaxLength(500, { message: 'address_string 不能超过 500 字' })
  address_string?: string;

  @ApiPropertyOptional({ description: '不支持：请提供 lat/long 或 address_string' })
  @IsOptional()
  @IsString({ message: 'address_id 须为文字' })
  @MaxLength(100, { message: 'address_id 过长' })
  address_id?: string;

  @ApiPropertyOptional({ description: '接受但不保存' })
  @IsOptional()
  @IsEmail({}, { message: 'email 格式无效' })
  @MaxLength(200, { message: 'email 过长' })
  email?: string;

  @ApiPropertyOptional({ description: '接受但不保存' })
  @IsOptional()
  @IsString({ message: 'device_id 须为文字' })
  @MaxLength(100, { message: 'device_id 过长' })
  device_id?: string;

  @ApiPropertyOptional({ description: '接受但不保存' })
  @IsOptional()
  @IsString({ message: 'account_id 须为文字' })
  @MaxLength(100, { message: 'account_id 过长' })
  account_id?: string;

  @ApiPropertyOptional({ description: '名（与 last_name 合为反映人姓名，仅供回访，不公开）' })
  @IsOptional()
  @IsString({ message: 'first_name 须为文字' })
  @MaxLength(50, { message: 'first_name 不能超过 50 字' })
  first_name?: string;

  @ApiPropertyOptional({ description: '姓' })
  @IsOptional()
  @IsString({ message: 'last_name 须为文字' })
  @MaxLength(50, { message: 'last_name 不能超过 50 字' })
  last_name?: string;

  @ApiPropertyOptional({ description: '联系电话（仅供回访，不公开）' })
  @IsOptional()
  @IsString({ message: 'phone 须为文字' })
  @Matches(/^[0-9+\-() ]{3,32}$/, { message: 'phone 格式无效' })
  phone?: string;

  @ApiProperty({ description: '问题描述（必填，不超过 4000 字，纯文本）', maxLength: MAX_DESCRIPTION_LENGTH })
  @IsString({ message: 'description 必填' })
  @IsNotEmpty({ message: 'description 必填' })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: `description 不能超过 ${MAX_DESCRIPTION_LENGTH} 字` })
  description!: string;

  @ApiPropertyOptional({ description: '图片地址（http 或 https）' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'media_url 须为 http 或 https 地址' })
  @MaxLength(1000, { message: 'media_url 过长' })
  media_url?: string;

  @ApiPropertyOptional({ description: '服务属性 attribute[CODE]：本接口的服务均无属性，接受但不保存' })
  @IsOptional()
  @IsObject({ message: 'attribute 须为 attribute[代码]=值 的形式' })
  attribute?: Record<string, unknown>;
}

/** GET /open311/v2/requests.json query (GeoReport v2 §GET Service Requests, plus page / page_size). */
export class Open311ListQuery {
  @ApiPropertyOptional({ description: '逗号分隔的编号；给出时忽略其他条件' })
  @IsOptional()
  @IsString({ message: 'service_request_id 须为逗号分隔的编号' })
  @MaxLength(4000, { message: 'service_request_id 过长' })
  service_request_id?: string;

  @ApiPropertyOptional({ description: '逗号分隔的服务编码' })
  @IsOptional()
  @IsString({ message: 'service_code 须为逗号分隔的服务编码' })
  @MaxLength(1000, { message: 'service_code 过长' })
  service_code?: string;

  @ApiPropertyOptional({ description: '起始时间（W3C 日期时间，含时区），与 end_date 相差不超过 90 天；默认 end_date 前 90 天' })
  @IsOptional()
  @IsString({ message: 'start_date 须为日期时间' })
  @MaxLength(40, { message: 'start_date 无效' })
  start_date?: string;

  @ApiPropertyOptional({ description: '截止时间；默认现在（只给 start_date 时为其后 90 天）' })
  @IsOptional()
  @IsString({ message: 'end_date 须为日期时间' })
  @MaxLength(40, { message: 'end_date 无效' })
  end_date?: string;

  @ApiPropertyOptional({ description: 'open、closed 或两者（逗号分隔）' })
  @IsOptional()
  @IsString({ message: 'status 须为 open 或 closed' })
  @MaxLength(20, { message: 'status 须为 open 或 closed' })
  status?: string;

  @ApiPropertyOptional({ description: '本接口只服务一个 jurisdiction_id，可不传' })
  @IsOptional()
  @IsString({ message: 'jurisdiction_id 须为文字' })
  @MaxLength(100, { message: 'jurisdiction_id 过长' })
  jurisdiction_id?: string;

  @ApiPropertyOptional({ description: '扩展：页码，默认 1' })
  @IsOptional()
  @IsString({ message: 'page 须为正整数' })
  @Matches(/^[1-9]\d{0,5}$/, { message: 'page 须为正整数' })
  page?: string;

  @ApiPropertyOptional({ description: '扩展：每页条数，默认且最多 1000' })
  @IsOptional()
  @IsString({ message: 'page_size 须为 1 到 1000 的整数' })
  @Matches(/^(?:[1-9]\d{0,2}|1000)$/, { message: 'page_size 须为 1 到 1000 的整数' })
  page_size?: string;

  @ApiPropertyOptional({ description: '读取接口不需要 api_key，传了也忽略' })
  @IsOptional()
  @IsString({ message: 'api_key 须为文字' })
  @MaxLength(256, { message: 'api_key 过长' })
  api_key?: string;
}

/** GET single resources: only the jurisdiction (and a harmless api_key) may be passed. */
export class Open311ItemQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'jurisdiction_id 须为文字' })
  @MaxLength(100, { message: 'jurisdiction_id 过长' })
  jurisdiction_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'api_key 须为文字' })
  @MaxLength(256, { message: 'api_key 过长' })
  api_key?: string;
}
