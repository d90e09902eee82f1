import { Body, Controller, Get, Headers, Inject, Param, ParseIntPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@fengqiao/identity';
import {
  CalendarNoticeData,
  calendarVersionOf,
  newId,
  parseInstant,
  statutoryHolidays,
  statutoryRulesCover,
  STATUTORY_HOLIDAYS_BASIS,
  ValidationError,
} from '@fengqiao/kernel';
import { actorOf, assertInJurisdiction, CurrentPrincipal, RequireAction } from '../auth';
import { CalendarImportRequest, CalendarNoticeRequest, HolidayPeriodRequest } from './calendar-notice.request.dto';
import { CalendarNoticesService } from './calendar-notices.service';
import { TableVersion, TableVersionSummary } from './versioned-table';
import { TableVersionFieldsResponse, TableVersionSummaryResponse } from './versioned-table.response';

export const CALENDAR_NOTICES = Symbol.for('fengqiao.calendar.notices');

interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

export interface CalendarVersionView extends TableVersion<CalendarNoticeData> {
  /** version label of the calendars built from this table version, e.g. '2027-2' */
  calendarVersion: string;
}

/** `CalendarVersionView` as the OpenAPI document describes it: its rows are notices, in the shape `PUT /calendars/notices` takes. */
class CalendarVersionResponse extends TableVersionFieldsResponse {
  @ApiProperty({ type: [CalendarNoticeRequest], description: '本版的全部放假安排通知' }) rows!: CalendarNoticeRequest[];
  @ApiProperty({ description: "由本版生成的日历版本号，如 '2027-2'" }) calendarVersion!: string;
}

class CalendarsResponse {
  @ApiPropertyOptional({ type: CalendarVersionResponse, nullable: true, description: '现行版本（尚无通知时为 null）' })
  current!: CalendarVersionResponse | null;
  @ApiProperty({ type: [TableVersionSummaryResponse], description: '全部版本，由旧到新' }) versions!: TableVersionSummaryResponse[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: '地区编码 → 名称（CN：全国）' }) regions!: Record<string, string>;
}

class StatutoryHolidaysResponse {
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ description: '推算依据' }) basis!: string;
  @ApiProperty({ type: [HolidayPeriodRequest] }) holidays!: HolidayPeriodRequest[];
}

const view = (v: TableVersion<CalendarNoticeData>): CalendarVersionView => ({ ...v, calendarVersion: calendarVersionOf(v.rows, v.version) });
const versionParam = new ParseIntPipe({
  exceptionFactory: () => new ValidationError('CALENDAR.INVALID_VERSION', '版本号必须是正整数', { field: 'version' }),
});
const yearParam = new ParseIntPipe({
  exceptionFactory: () => new ValidationError('CALENDAR.INVALID_YEAR', '年份必须是整数', { field: 'year' }),
});

/** The table version an `If-Match` names (`"3"`, `W/"3"`, `3`); undefined when absent or `*`. */
function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw new ValidationError('CALENDAR.INVALID_IF_MATCH', 'If-Match 请求头格式无效，应为 ETag 中的版本号，例如 "3"', { ifMatch: header });
  return Number(m[1]);
}

const toNotice = (r: CalendarNoticeRequest): CalendarNoticeData => ({
  region: r.region,
  ...(r.jurisdiction !== undefined ? { jurisdiction: r.jurisdiction } : {}),
  year: r.year,
  source: {
    title: r.source.title,
    ...(r.source.documentNumber ? { documentNumber: r.source.documentNumber } : {}),
    issuedOn: r.source.issuedOn,
    ...(r.source.url ? { url: r.source.url } : {}),
  },
  periods: r.periods.map((p) => ({ name: p.name, from: p.from, to: p.to })),
  makeUpWorkdays: [...r.makeUpWorkdays],
});

/**
 * /calendars: the holiday notices (reference data) every deadline is computed with. Admins load a
 * year's notice (or a region's own layer) with If-Match on the table version; every version stays
 * readable (history, as-of). Loading publishes the table; the contexts revise their open deadlines.
 */
@ApiTags('calendars')
@ApiBearerAuth()
@Controller('calendars')
export class CalendarsController {
  constructor(@Inject(CALENDAR_NOTICES) private readonly notices: CalendarNoticesService) {}

  @Get()
  @RequireAction('directory.read')
  @ApiOperation({ summary: '节假日安排：现行版本（全部通知）与历史版本' })
  @ApiOkResponse({ type: CalendarsResponse })
  async list(
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<{ current: CalendarVersionView | null; versions: TableVersionSummary[]; regions: Record<string, string> }> {
    const current = await this.notices.notices.current();
    res.setHeader('ETag', `"${current?.version ?? 0}"`);
    return { current: current ? view(current) : null, versions: await this.notices.notices.history(), regions: this.notices.regions };
  }

  @Get('versions/:version')
  @RequireAction('directory.read')
  @ApiOperation({ summary: '节假日安排的某一历史版本' })
  @ApiOkResponse({ type: CalendarVersionResponse })
  async version(@Param('version', versionParam) version: number): Promise<CalendarVersionView> {
    return view(await this.notices.notices.version(version));
  }

  @Get('as-of')
  @RequireAction('directory.read')
  @ApiQuery({ name: 'at', description: 'ISO 时刻（含时区）' })
  @ApiOperation({ summary: '某一时刻施行的节假日安排版本' })
  @ApiOkResponse({ type: CalendarVersionResponse })
  async asOf(@Query('at') at: string | undefined): Promise<CalendarVersionView> {
    if (!at) throw new ValidationError('CALENDAR.AT_REQUIRED', '请给出时刻 at（ISO 格式，含时区）', { field: 'at' });
    parseInstant(at);
    return view(await this.notices.notices.asOf(at));
  }

  @Get('statutory/:year')
  @RequireAction('directory.read')
  @ApiOperation({ summary: '按《全国年节及纪念日放假办法》推算的某年法定节假日（尚无通知时的暂定日历）' })
  @ApiOkResponse({ type: StatutoryHolidaysResponse })
  statutory(@Param('year', yearParam) year: number): { year: number; basis: string; holidays: ReturnType<typeof statutoryHolidays> } {
    if (!statutoryRulesCover(year)) {
      throw new ValidationError('CALENDAR.YEAR_NOT_COVERED', `${year}年不适用《全国年节及纪念日放假办法》（2024年修订）的推算`, { year });
    }
    return { year, basis: STATUTORY_HOLIDAYS_BASIS, holidays: statutoryHolidays(year) };
  }

  @Put('notices')
  @RequireAction('config.manage')
  @ApiHeader({ name: 'If-Match', required: false, description: '所编辑的版本号' })
  @ApiOperation({ summary: '载入一份放假安排（某地区某年；已有则替换），生成节假日安排新版本' })
  @ApiOkResponse({ type: CalendarVersionResponse, description: 'ETag 头为新版本号' })
  async load(
    @Body() body: CalendarNoticeRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CalendarVersionView> {
    assertInJurisdiction(p, p.unitPath.slice(0, 1), 'config.manage', { type: 'calendar-notices' });
    const expectedVersion = versionFromIfMatch(ifMatch);
    const published = await this.notices.load(
      toNotice(body),
      { actor: actorOf(p, 'config.manage'), jurisdiction: [...p.unitPath] },
      {
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        correlationId: typeof req.id === 'string' ? req.id : newId(),
      },
    );
    res.setHeader('ETag', `"${published.version}"`);
    return view(published);
  }

  @Post('import')
  @RequireAction('config.manage')
  @ApiHeader({ name: 'If-Match', required: false, description: '所编辑的版本号' })
  @ApiOperation({ summary: '导入放假安排文件（JSON：{ notices: [...] }），一次生成一个新版本' })
  @ApiCreatedResponse({ type: CalendarVersionResponse, description: 'ETag 头为新版本号' })
  async import(
    @Body() body: CalendarImportRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CalendarVersionView> {
    assertInJurisdiction(p, p.unitPath.slice(0, 1), 'config.manage', { type: 'calendar-notices' });
    const expectedVersion = versionFromIfMatch(ifMatch);
    const published = await this.notices.import(
      body.notices.map(toNotice),
      { actor: actorOf(p, 'config.manage'), jurisdiction: [...p.unitPath] },
      {
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        ...(body.note ? { note: body.note } : {}),
        correlationId: typeof req.id === 'string' ? req.id : newId(),
      },
    );
    res.setHeader('ETag', `"${published.version}"`);
    return view(published);
  }
}
