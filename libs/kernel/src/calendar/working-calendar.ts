import { DomainError, ValidationError } from '../domain-error';
import { CalendarYearData, WorkingCalendar, WorkingPeriod } from './calendar.types';
import { addDays, datesBetween, isWeekend, minutesOfDay, toEpochDay, yearOf } from './local-date';
import { statutoryHolidays, statutoryRulesCover } from './statutory-holidays';

/**
 * Working days of a data calendar. A date is a working day when
 *  - it is a make-up workday (调休上班, a Saturday or Sunday listed in `makeUpWorkdays`), or
 *  - it is Monday–Friday and not in `holidays`.
 * Every other date (weekends, days of a holiday period) is a day off (法定休假日).
 *
 * A year the calendar holds no notice for is **provisional**: its days off are the statutory
 * holidays of 《全国年节及纪念日放假办法》 (statutory-holidays.ts) plus weekends, with no 调休,
 * until the notice is loaded. Only a year the statutory rules cannot compute (before the 2024
 * amendment took effect, or beyond the lunar library's trusted range) throws
 * `CALENDAR.YEAR_NOT_COVERED`.
 */

interface CalendarIndex {
  holidays: ReadonlySet<string>;
  makeUp: ReadonlySet<string>;
  years: ReadonlySet<number>;
  /** working periods in minutes after local midnight, sorted */
  periods: readonly { start: number; end: number }[];
}

const indexes = new WeakMap<WorkingCalendar, CalendarIndex>();

function indexOf(calendar: WorkingCalendar): CalendarIndex {
  let index = indexes.get(calendar);
  if (!index) {
    index = {
      holidays: new Set(calendar.holidays),
      makeUp: new Set(calendar.makeUpWorkdays),
      years: new Set(calendar.years),
      periods: parseWorkingHours(calendar.workingHours),
    };
    indexes.set(calendar, index);
  }
  return index;
}

function parseWorkingHours(periods: readonly WorkingPeriod[]): { start: number; end: number }[] {
  const parsed = periods.map((p) => ({ start: minutesOfDay(p.start), end: minutesOfDay(p.end) })).sort((a, b) => a.start - b.start);
  let previousEnd: number | undefined;
  for (const p of parsed) {
    if (p.end <= p.start || (previousEnd !== undefined && p.start < previousEnd)) {
      throw new ValidationError('CALENDAR.INVALID_WORKING_HOURS', '工作时段无效：时段须起止有序且互不重叠', {
        workingHours: periods,
      });
    }
    previousEnd = p.end;
  }
  return parsed;
}

/** Working periods of a working day, in minutes after local midnight, sorted and validated. */
export function workingPeriodsOf(calendar: WorkingCalendar): readonly { start: number; end: number }[] {
  return indexOf(calendar).periods;
}

const provisionalDaysOff = new Map<number, ReadonlySet<string>>();

/** Statutory holiday days of a provisional year (cached: the rules never change for a year). */
function provisionalHolidays(year: number): ReadonlySet<string> {
  let days = provisionalDaysOff.get(year);
  if (!days) {
    days = new Set(statutoryHolidays(year).flatMap((p) => datesBetween(p.from, p.to)));
    provisionalDaysOff.set(year, days);
  }
  return days;
}

/** Whether the calendar has no notice for `year` and computes it from the statutory rules. */
export function isProvisionalYear(calendar: WorkingCalendar, year: number): boolean {
  return !indexOf(calendar).years.has(year) && statutoryRulesCover(year);
}

/**
 * Throws `CALENDAR.YEAR_NOT_COVERED` unless the calendar holds a notice for `year` or the year can
 * be computed provisionally from the statutory rules.
 */
export function assertYearCovered(calendar: WorkingCalendar, year: number): void {
  if (!indexOf(calendar).years.has(year) && !statutoryRulesCover(year)) {
    throw new DomainError(
      'CALENDAR.YEAR_NOT_COVERED',
      `工作日历“${calendar.id}”（版本 ${calendar.version}）未包含${year}年的节假日安排，且该年不适用《全国年节及纪念日放假办法》（2024年修订）的暂定推算，无法计算期限`,
      'illegal_state',
      { calendarId: calendar.id, calendarVersion: calendar.version, year, years: [...calendar.years] },
    );
  }
}

/** Whether the calendar holds an official notice for `year` (a provisional year is not covered). */
export function coversYear(calendar: WorkingCalendar, year: number): boolean {
  return indexOf(calendar).years.has(year);
}

/** Whether a local date ('YYYY-MM-DD') is a working day in this calendar (provisionally for a year without a notice). */
export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  const year = yearOf(date);
  assertYearCovered(calendar, year);
  const index = indexOf(calendar);
  if (!index.years.has(year)) return !(provisionalHolidays(year).has(date) || isWeekend(date));
  if (index.makeUp.has(date)) return true;
  if (index.holidays.has(date)) return false;
  return !isWeekend(date);
}

/**
 * The date `n` working days after `date` (`date` itself is not counted, 民法典 §201).
 * `n = 0` returns `date` unchanged; a negative `n` counts working days backwards.
 * For n, m ≥ 0: addWorkingDays(addWorkingDays(d, n), m) = addWorkingDays(d, n + m).
 */
export function addWorkingDays(date: string, n: number, calendar: WorkingCalendar): string {
  if (!Number.isInteger(n)) {
    throw new ValidationError('CALENDAR.INVALID_DAYS', `工作日天数须为整数：${n}`, { n });
  }
  toEpochDay(date);
  const step = n >= 0 ? 1 : -1;
  let current = date;
  for (let left = Math.abs(n); left > 0;) {
    current = addDays(current, step);
    if (isWorkingDay(current, calendar)) left--;
  }
  return current;
}

/** `date` itself if it is a working day, else the first working day after it. */
export function workingDayOnOrAfter(date: string, calendar: WorkingCalendar): string {
  return isWorkingDay(date, calendar) ? date : addWorkingDays(date, 1, calendar);
}

/** Number of working days in (from, to]: `from` excluded, `to` included; 0 when to ≤ from. */
export function countWorkingDays(from: string, to: string, calendar: WorkingCalendar): number {
  let count = 0;
  for (let d = addDays(from, 1); toEpochDay(d) <= toEpochDay(to); d = addDays(d, 1)) {
    if (isWorkingDay(d, calendar)) count++;
  }
  return count;
}

export interface CalendarDefinition {
  id: string;
  region: string;
  version: string;
  utcOffsetMinutes: number;
  workingHours: WorkingPeriod[];
  years: CalendarYearData[];
}

/**
 * Builds a WorkingCalendar from per-year notice data and checks the data: every date real and in
 * its year, periods ordered, make-up workdays on Saturdays/Sundays outside any holiday period,
 * one data set per year. Throws `CALENDAR.INVALID_DATA` on the first inconsistency.
 */
export function defineCalendar(def: CalendarDefinition): WorkingCalendar {
  const invalid = (message: string, details: Record<string, unknown>): never => {
    throw new ValidationError('CALENDAR.INVALID_DATA', `工作日历“${def.id}”数据有误：${message}`, details);
  };
  const years = def.years.map((y) => y.year);
  if (new Set(years).size !== years.length) invalid('同一年份重复', { years });
  const holidays: string[] = [];
  const makeUp: string[] = [];
  for (const y of def.years) {
    if (y.notice.year !== y.year) invalid('通知年份与数据年份不符', { year: y.year, notice: y.notice });
    for (const p of y.periods) {
      if (yearOf(p.from) !== y.year || yearOf(p.to) !== y.year || toEpochDay(p.to) < toEpochDay(p.from)) {
        invalid(`假期“${p.name}”起止日期无效`, { year: y.year, period: p });
      }
      holidays.push(...datesBetween(p.from, p.to));
    }
    for (const d of y.makeUpWorkdays) {
      if (yearOf(d) !== y.year) invalid(`调休上班日 ${d} 不在 ${y.year} 年`, { date: d });
      if (!isWeekend(d)) invalid(`调休上班日 ${d} 不是周六或周日`, { date: d });
      makeUp.push(d);
    }
  }
  if (new Set(holidays).size !== holidays.length) invalid('假期重叠', { holidays });
  const clash = makeUp.filter((d) => holidays.includes(d));
  if (clash.length > 0) invalid('调休上班日落在假期内', { dates: clash });
  const calendar: WorkingCalendar = {
    id: def.id,
    region: def.region,
    version: def.version,
    utcOffsetMinutes: def.utcOffsetMinutes,
    years: [...years].sort((a, b) => a - b),
    holidays: holidays.sort(),
    makeUpWorkdays: makeUp.sort(),
    workingHours: def.workingHours,
    source: def.years.map((y) => y.notice.title).join('；'),
    holidayPeriods: def.years.flatMap((y) => y.periods),
    notices: def.years.map((y) => y.notice),
  };
  parseWorkingHours(calendar.workingHours);
  return calendar;
}
