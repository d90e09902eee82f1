import { ValidationError } from '../domain-error';
import { CalendarNotice, HolidayPeriod, WorkingCalendar, WorkingPeriod } from './calendar.types';
import { CN_2024 } from './data/cn-2024';
import { CN_2025 } from './data/cn-2025';
import { CN_2026 } from './data/cn-2026';
import { datesBetween, isWeekend, toEpochDay, yearOf } from './local-date';
import { defineCalendar } from './working-calendar';

/**
 * Official holiday notices as reference data (not code): one notice per region and year, loaded by
 * an admin (HTTP or file import) into a versioned table, and turned into working calendars here.
 *
 * - The national notice (`region: 'CN'`) is the State Council's yearly arrangement: holiday periods
 *   (放假调休, every day off of each period) and make-up workdays (调休上班).
 * - A regional notice layers a region's own arrangement on the national one, labelled by its
 *   jurisdiction: local days off (`periods`, e.g. a minority festival) and adjusted working days
 *   (`makeUpWorkdays`: weekend days worked locally). Its calendar id is the region code.
 */
export const NATIONAL_REGION = 'CN';

export interface CalendarNoticeSource {
  /** e.g. '国务院办公厅关于2027年部分节假日安排的通知' */
  title: string;
  /** e.g. '国办发明电〔2026〕7号', when known */
  documentNumber?: string;
  /** 'YYYY-MM-DD' the notice was issued */
  issuedOn: string;
  url?: string;
}

export interface CalendarNoticeData {
  /** 'CN' or the code of a region known to the deployment */
  region: string;
  /** who the layer applies to, for regional notices (e.g. '枫桥区'); national: '全国' */
  jurisdiction?: string;
  year: number;
  source: CalendarNoticeSource;
  periods: HolidayPeriod[];
  makeUpWorkdays: string[];
}

const invalid = (code: string, message: string, details: Record<string, unknown>): never => {
  throw new ValidationError(code, message, details);
};

function checkDate(date: unknown, year: number, field: string): string {
  if (typeof date !== 'string') invalid('CALENDAR.INVALID_DATE', `${field}：日期格式无效（应为 YYYY-MM-DD）`, { field, date });
  const d = date as string;
  try {
    toEpochDay(d);
  } catch {
    invalid('CALENDAR.INVALID_DATE', `${field}：日期 ${d} 无效（应为 YYYY-MM-DD）`, { field, date: d });
  }
  if (yearOf(d) !== year) invalid('CALENDAR.DATE_OUTSIDE_YEAR', `${field}：日期 ${d} 不在 ${year} 年内`, { field, date: d, year });
  return d;
}

/**
 * Checks one notice and returns it normalised (sorted, trimmed). Bad input names the day:
 * a date outside the year (`CALENDAR.DATE_OUTSIDE_YEAR`), a day both off and worked
 * (`CALENDAR.HOLIDAY_AND_WORKDAY`), an unknown region (`CALENDAR.UNKNOWN_REGION`), a make-up workday
 * that is not a Saturday or Sunday, overlapping periods, a missing source. All are ValidationErrors (400).
 */
export function validateCalendarNotice(input: CalendarNoticeData, knownRegions: ReadonlySet<string>): CalendarNoticeData {
  const n = input as Partial<CalendarNoticeData>;
  if (typeof n.region !== 'string' || !knownRegions.has(n.region)) {
    invalid('CALENDAR.UNKNOWN_REGION', `未知的地区：${String(n.region)}`, { region: n.region, known: [...knownRegions] });
  }
  const year = n.year;
  if (!(typeof year === 'number' && Number.isInteger(year) && year >= 2000 && year <= 2100)) {
    invalid('CALENDAR.INVALID_YEAR', `年份无效：${String(year)}`, { year });
  }
  const y = year as number;
  const source = n.source;
  if (!source || typeof source.title !== 'string' || !source.title.trim()) {
    invalid('CALENDAR.SOURCE_REQUIRED', '须注明通知来源（标题、文号与发布日期）', { field: 'source.title' });
  }
  const issued = (source as CalendarNoticeSource).issuedOn;
  try {
    toEpochDay(issued);
  } catch {
    invalid('CALENDAR.SOURCE_REQUIRED', `通知发布日期无效：${String(issued)}（应为 YYYY-MM-DD）`, { field: 'source.issuedOn', date: issued });
  }
  if (!Array.isArray(n.periods) || !Array.isArray(n.makeUpWorkdays)) {
    invalid('CALENDAR.INVALID_NOTICE', '须列出放假安排（periods）与调休上班日（makeUpWorkdays），可为空列表', {});
  }
  const off = new Map<string, string>();
  const periods = (n.periods as HolidayPeriod[]).map((p, i) => {
    const name = typeof p?.name === 'string' && p.name.trim() ? p.name.trim() : invalid('CALENDAR.INVALID_NOTICE', `第 ${i + 1} 个假期缺少名称`, { index: i });
    const from = checkDate(p.from, y, `${name}起始日`);
    const to = checkDate(p.to, y, `${name}结束日`);
    if (toEpochDay(to) < toEpochDay(from)) invalid('CALENDAR.INVALID_NOTICE', `${name}：结束日 ${to} 早于起始日 ${from}`, { name, from, to });
    for (const d of datesBetween(from, to)) {
      const other = off.get(d);
      if (other !== undefined) invalid('CALENDAR.OVERLAPPING_PERIODS', `${d} 同时属于“${other}”和“${name}”两个假期`, { date: d });
      off.set(d, name);
    }
    return { name, from, to };
  });
  const makeUp = (n.makeUpWorkdays as string[]).map((d) => {
    const date = checkDate(d, y, '调休上班日');
    const holiday = off.get(date);
    if (holiday !== undefined) {
      invalid('CALENDAR.HOLIDAY_AND_WORKDAY', `${date} 既列为“${holiday}”放假日，又列为调休上班日`, { date, period: holiday });
    }
    if (!isWeekend(date)) invalid('CALENDAR.MAKE_UP_NOT_WEEKEND', `调休上班日 ${date} 不是周六或周日`, { date });
    return date;
  });
  if (new Set(makeUp).size !== makeUp.length) invalid('CALENDAR.INVALID_NOTICE', '调休上班日重复', { makeUpWorkdays: makeUp });
  const src = source as CalendarNoticeSource;
  return {
    region: n.region as string,
    ...(typeof n.jurisdiction === 'string' && n.jurisdiction.trim() ? { jurisdiction: n.jurisdiction.trim() } : {}),
    year: y,
    source: {
      title: src.title.trim(),
      ...(src.documentNumber?.trim() ? { documentNumber: src.documentNumber.trim() } : {}),
      issuedOn: src.issuedOn,
      ...(src.url ? { url: src.url } : {}),
    },
    periods: periods.sort((a, b) => a.from.localeCompare(b.from)),
    makeUpWorkdays: [...makeUp].sort(),
  };
}

/**
 * Checks a whole notice table: each notice valid, one notice per region and year, a regional
 * layer only for a year the national table has. Returns the table normalised, sorted by region and year.
 */
export function validateCalendarNotices(notices: readonly CalendarNoticeData[], knownRegions: ReadonlySet<string>): CalendarNoticeData[] {
  if (!Array.isArray(notices)) invalid('CALENDAR.INVALID_NOTICE', '通知列表须为数组', {});
  const clean = notices.map((n) => validateCalendarNotice(n, knownRegions));
  const seen = new Set<string>();
  for (const n of clean) {
    const key = `${n.region}/${n.year}`;
    if (seen.has(key)) invalid('CALENDAR.DUPLICATE_NOTICE', `${n.region} 的 ${n.year} 年放假安排重复`, { region: n.region, year: n.year });
    seen.add(key);
  }
  return clean.sort((a, b) => (a.region === b.region ? a.year - b.year : a.region === NATIONAL_REGION ? -1 : a.region.localeCompare(b.region)));
}

/** Replaces (or adds) one region-year notice in a table. */
export function withNotice(table: readonly CalendarNoticeData[], notice: CalendarNoticeData): CalendarNoticeData[] {
  return [...table.filter((n) => !(n.region === notice.region && n.year === notice.year)), notice];
}

const noticeOf = (n: CalendarNoticeData): CalendarNotice => ({
  year: n.year,
  title: n.source.title,
  ...(n.source.documentNumber ? { documentNumber: n.source.documentNumber } : {}),
  issuedOn: n.source.issuedOn,
  ...(n.source.url ? { url: n.source.url } : {}),
});

/** Version label of the calendars built from table version `tableVersion`: '<latest national year>-<n>'. */
export function calendarVersionOf(notices: readonly CalendarNoticeData[], tableVersion: number): string {
  const years = notices.filter((n) => n.region === NATIONAL_REGION).map((n) => n.year);
  return `${years.length ? Math.max(...years) : 0}-${tableVersion}`;
}

export interface CalendarsFromNoticesOptions {
  tableVersion: number;
  utcOffsetMinutes?: number;
  workingHours?: WorkingPeriod[];
}

export const DEFAULT_WORKING_HOURS: WorkingPeriod[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];

/**
 * The working calendars a notice table defines: 'CN' from the national notices, and one per region
 * with notices (id = region code) = the national calendar with the region's layer on top (its
 * local days off added, its adjusted working days worked). Years without a national notice stay
 * provisional in every calendar. All carry the version `calendarVersionOf(table, n)`.
 */
export function calendarsFromNotices(notices: readonly CalendarNoticeData[], options: CalendarsFromNoticesOptions): WorkingCalendar[] {
  const version = calendarVersionOf(notices, options.tableVersion);
  const base = {
    utcOffsetMinutes: options.utcOffsetMinutes ?? 480,
    workingHours: options.workingHours ?? DEFAULT_WORKING_HOURS,
    version,
  };
  const national = notices.filter((n) => n.region === NATIONAL_REGION);
  const cn = defineCalendar({
    ...base,
    id: NATIONAL_REGION,
    region: NATIONAL_REGION,
    years: national.map((n) => ({ year: n.year, notice: noticeOf(n), periods: n.periods, makeUpWorkdays: n.makeUpWorkdays })),
  });
  const regions = [...new Set(notices.map((n) => n.region).filter((r) => r !== NATIONAL_REGION))].sort();
  return [
    cn,
    ...regions.map((region) => {
      const layers = notices.filter((n) => n.region === region);
      const localOff = layers.flatMap((n) => n.periods.flatMap((p) => datesBetween(p.from, p.to)));
      const localWork = new Set(layers.flatMap((n) => n.makeUpWorkdays));
      const holidays = [...new Set([...cn.holidays.filter((d) => !localWork.has(d)), ...localOff])].sort();
      const makeUpWorkdays = [...new Set([...cn.makeUpWorkdays.filter((d) => !localOff.includes(d)), ...localWork])].sort();
      const jurisdiction = layers.find((n) => n.jurisdiction)?.jurisdiction ?? region;
      return {
        ...cn,
        id: region,
        region,
        jurisdiction,
        holidays,
        makeUpWorkdays,
        holidayPeriods: [...(cn.holidayPeriods ?? []), ...layers.flatMap((n) => n.periods.map((p) => ({ ...p, name: `${p.name}（${jurisdiction}）` })))],
        notices: [...(cn.notices ?? []), ...layers.map(noticeOf)],
        source: [cn.source, ...layers.map((n) => `${jurisdiction}：${n.source.title}`)].filter(Boolean).join('；'),
      };
    }),
  ];
}

const shipped = (y: typeof CN_2024): CalendarNoticeData => ({
  region: NATIONAL_REGION,
  jurisdiction: '全国',
  year: y.year,
  source: {
    title: y.notice.title,
    ...(y.notice.documentNumber ? { documentNumber: y.notice.documentNumber } : {}),
    issuedOn: y.notice.issuedOn,
    ...(y.notice.url ? { url: y.notice.url } : {}),
  },
  periods: y.periods,
  makeUpWorkdays: y.makeUpWorkdays,
});

/** The notices shipped with the code (CN 2024–2026): the initial version of every notice table. */
export const SHIPPED_CALENDAR_NOTICES: readonly CalendarNoticeData[] = [CN_2024, CN_2025, CN_2026].map(shipped);
