import { ValidationError } from '../domain-error';
import { Deadline, DeadlineRule, WorkingCalendar } from './calendar.types';
import { addDays, endOfLocalDay, localDateOf, localMidnight, MS, parseInstant } from './local-date';
import { addDays as addLocalDays, yearOf } from './local-date';
import { addWorkingDays, countWorkingDays, isProvisionalYear, isWorkingDay, workingDayOnOrAfter, workingPeriodsOf } from './working-calendar';

const wholeMinutes = (hours: number): number => Math.round(hours * 60);
const isWholeMinutes = (hours: number): boolean => Math.abs(hours * 60 - wholeMinutes(hours)) < 1e-9;

/**
 * Computes when a deadline falls due under a rule, on a working-day calendar that is data.
 *
 * Semantics (Chinese law on periods: 民法典 §200–§204; 民事诉讼法 (2023) §85), in the calendar's
 * local time (its fixed UTC offset, China +08:00):
 *
 * - `calendar_days`: the start day is not counted (民法典 §201 ¶1, 民诉法 §85 ¶2); day 1 is the local
 *   day after `startAt`, the last day is start day + duration. If the last day is a statutory day off
 *   (法定休假日: a day of a holiday period or a weekend that is not a make-up workday), the period
 *   ends on the first working day after it (民法典 §203 ¶1, 民诉法 §85 ¶3); `shiftedFrom` records
 *   the original last day. Days off inside the period are counted.
 * - `working_days`: only working days are counted (Monday–Friday not in a holiday period, plus
 *   make-up workdays 调休上班); the start day is not counted even if it is a working day, so a case
 *   started on a Saturday counts from Monday. The last day is always a working day.
 * - Both day units end at 24:00 of the last day (民法典 §203 ¶2), i.e. `dueAt` is 00:00 local of the
 *   following day. The "close of business" variant of §203 ¶2 is not applied.
 * - `working_hours`: counted from the exact `startAt` (民法典 §201 ¶2: a period in hours runs from
 *   the stated time), only inside the calendar's `workingHours` on working days; time outside them
 *   (nights, lunch, days off) does not count. A start outside working hours counts from the next
 *   working period; a deadline reached exactly at the end of a period is due at that end.
 *   `duration` may be fractional if it is a whole number of minutes (0.5 = 30 minutes).
 * - `warnAt` (when the rule has `warnBefore`): the instant `warnBefore` units before `dueAt`,
 *   counted in the same unit: calendar days → `dueAt` − warnBefore days; working days → 24:00 of the
 *   working day `warnBefore` working days before the last day; working hours → when
 *   `duration − warnBefore` working hours have run. `warnBefore` must be > 0 and < `duration`.
 *
 * A day in a year the calendar holds no notice for is counted on the provisional calendar of that
 * year (statutory holidays and weekends, no 调休; working-calendar.ts). When any day the period
 * counts or ends on lies in such a year, the deadline is `provisional: true`, lists those
 * `provisionalYears`, and its `calendarVersion` names them after the data version, e.g.
 * `2026-1+CN-2027-provisional`. Only a year the statutory rules cannot compute throws
 * `CALENDAR.YEAR_NOT_COVERED`.
 * Instants in the result are UTC ISO strings (`toISOString()`).
 */
export function computeDeadline(rule: DeadlineRule, startAt: string, calendar: WorkingCalendar): Deadline {
  return markProvisional(computeOnCalendar(rule, startAt, calendar), calendar);
}

/** Calendar version of a computation that counted days of `provisionalYears` provisionally. */
export function provisionalCalendarVersion(calendar: WorkingCalendar, provisionalYears: readonly number[]): string {
  return [calendar.version, ...provisionalYears.map((y) => `${calendar.id}-${y}-provisional`)].join('+');
}

/**
 * Years whose days the computation looked at: from the first day counted (or, for calendar days,
 * the nominal last day, the first day whose kind matters) to the last day (or the day of `dueAt`).
 */
function markProvisional(deadline: Deadline, calendar: WorkingCalendar): Deadline {
  const offset = calendar.utcOffsetMinutes;
  const startDay = localDateOf(parseInstant(deadline.startAt), offset);
  const from =
    deadline.unit === 'calendar_days'
      ? (deadline.shiftedFrom ?? deadline.lastDay ?? startDay)
      : deadline.unit === 'working_days'
        ? addLocalDays(startDay, 1)
        : startDay;
  const to = deadline.lastDay ?? localDateOf(parseInstant(deadline.dueAt), offset);
  const years: number[] = [];
  for (let y = yearOf(from); y <= yearOf(to); y++) if (isProvisionalYear(calendar, y)) years.push(y);
  // a working-days warning day is counted back from the last day, so it lies in [from, to] already
  if (years.length === 0) return deadline;
  return { ...deadline, calendarVersion: provisionalCalendarVersion(calendar, years), provisional: true, provisionalYears: years };
}

function computeOnCalendar(rule: DeadlineRule, startAt: string, calendar: WorkingCalendar): Deadline {
  validateRule(rule);
  const startMs = parseInstant(startAt);
  const base = {
    ruleId: rule.ruleId,
    ...(rule.legalBasis !== undefined ? { legalBasis: rule.legalBasis } : {}),
    duration: rule.duration,
    unit: rule.unit,
    startAt: new Date(startMs).toISOString(),
    calendarId: calendar.id,
    calendarVersion: calendar.version,
  };
  const offset = calendar.utcOffsetMinutes;
  const iso = (ms: number) => new Date(ms).toISOString();
  const warn = rule.warnBefore;

  switch (rule.unit) {
    case 'calendar_days': {
      const startDay = localDateOf(startMs, offset);
      const nominal = addDays(startDay, rule.duration);
      const lastDay = workingDayOnOrAfter(nominal, calendar);
      const dueMs = endOfLocalDay(lastDay, offset);
      return {
        ...base,
        dueAt: iso(dueMs),
        ...(warn !== undefined ? { warnAt: iso(dueMs - warn * MS.day) } : {}),
        lastDay,
        ...(lastDay !== nominal ? { shiftedFrom: nominal } : {}),
      };
    }
    case 'working_days': {
      const startDay = localDateOf(startMs, offset);
      const lastDay = addWorkingDays(startDay, rule.duration, calendar);
      return {
        ...base,
        dueAt: iso(endOfLocalDay(lastDay, offset)),
        ...(warn !== undefined ? { warnAt: iso(endOfLocalDay(addWorkingDays(lastDay, -warn, calendar), offset)) } : {}),
        lastDay,
      };
    }
    case 'working_hours': {
      const dueMs = addWorkingTime(startMs, wholeMinutes(rule.duration) * MS.minute, calendar);
      return {
        ...base,
        dueAt: iso(dueMs),
        ...(warn !== undefined ? { warnAt: iso(addWorkingTime(startMs, (wholeMinutes(rule.duration) - wholeMinutes(warn)) * MS.minute, calendar)) } : {}),
      };
    }
    default: {
      const unknown: never = rule.unit;
      throw new ValidationError('DEADLINE.INVALID_UNIT', `期限单位无效：${String(unknown)}`, { rule });
    }
  }
}

/**
 * The instant at which `amountMs` of working time has run from `fromMs`, counting only inside the
 * calendar's working hours on working days.
 */
export function addWorkingTime(fromMs: number, amountMs: number, calendar: WorkingCalendar): number {
  if (!(Number.isFinite(amountMs) && amountMs >= 0)) {
    throw new ValidationError('CALENDAR.INVALID_DURATION', `工作时长无效：${amountMs}`, { amountMs });
  }
  const periods = workingPeriodsOf(calendar);
  if (periods.length === 0) {
    throw new ValidationError('CALENDAR.NO_WORKING_HOURS', `工作日历“${calendar.id}”未设置工作时段，无法按工作小时计算期限`, {
      calendarId: calendar.id,
    });
  }
  const offset = calendar.utcOffsetMinutes;
  let remaining = amountMs;
  let cursor = fromMs;
  for (let day = localDateOf(fromMs, offset); ; day = addDays(day, 1)) {
    if (isWorkingDay(day, calendar)) {
      const midnight = localMidnight(day, offset);
      for (const p of periods) {
        const pStart = midnight + p.start * MS.minute;
        const pEnd = midnight + p.end * MS.minute;
        if (cursor >= pEnd) continue;
        const from = Math.max(cursor, pStart);
        if (remaining <= pEnd - from) return from + remaining;
        remaining -= pEnd - from;
        cursor = pEnd;
      }
    }
  }
}

/** Whether the deadline's warning is due at `now` (false when the deadline has no warning). */
export function isWarningDue(deadline: Deadline, now: string): boolean {
  return deadline.warnAt !== undefined && parseInstant(now) >= parseInstant(deadline.warnAt);
}

/** Whether the deadline has passed at `now` (due at `dueAt` exactly). */
export function isBreached(deadline: Deadline, now: string): boolean {
  return parseInstant(now) >= parseInstant(deadline.dueAt);
}

function validateRule(rule: DeadlineRule): void {
  const fail = (message: string): never => {
    throw new ValidationError('DEADLINE.INVALID_RULE', `期限规则“${rule.ruleId}”无效：${message}`, { rule });
  };
  if (!(Number.isFinite(rule.duration) && rule.duration > 0)) fail('时长须为正数');
  if (rule.unit === 'working_hours') {
    if (!isWholeMinutes(rule.duration)) fail('工作小时时长须为整分钟');
    if (rule.warnBefore !== undefined && !isWholeMinutes(rule.warnBefore)) fail('工作小时预警量须为整分钟');
  } else if (!Number.isInteger(rule.duration)) {
    fail('按日计算的时长须为整数');
  }
  if (rule.warnBefore !== undefined) {
    if (!(rule.warnBefore > 0 && rule.warnBefore < rule.duration)) fail('提前预警量须大于 0 且小于时长');
    if (rule.unit !== 'working_hours' && !Number.isInteger(rule.warnBefore)) fail('按日计算的预警量须为整数');
  }
}

/**
 * A new deadline that runs on from the end of `previous` (an extension 延期): for day units the
 * previous last day is the (uncounted) start day, so n more days follow it; for working hours the
 * count starts at the previous `dueAt`. The recorded `startAt` is the instant used (for day units
 * the last millisecond of the previous period), so `computeDeadline(rule, startAt)` reproduces it.
 */
export function extendDeadline(previous: Deadline, rule: DeadlineRule, calendar: WorkingCalendar): Deadline {
  const dueMs = parseInstant(previous.dueAt);
  const startMs = rule.unit === 'working_hours' ? dueMs : dueMs - 1;
  return computeDeadline(rule, new Date(startMs).toISOString(), calendar);
}

/**
 * The rule a recorded deadline was computed with, read back from the deadline itself (its
 * `warnBefore` is not recorded, so it is taken from the distance between `warnAt` and `dueAt`:
 * in days for calendar days, in working days / working hours on `calendar` for the other units).
 */
export function ruleOfDeadline(deadline: Deadline, calendar: WorkingCalendar): DeadlineRule {
  const rule: DeadlineRule = {
    ruleId: deadline.ruleId,
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
    duration: deadline.duration,
    unit: deadline.unit,
  };
  if (deadline.warnAt === undefined) return rule;
  const dueMs = parseInstant(deadline.dueAt);
  const warnMs = parseInstant(deadline.warnAt);
  const offset = calendar.utcOffsetMinutes;
  let warnBefore: number;
  switch (deadline.unit) {
    case 'calendar_days':
      warnBefore = Math.round((dueMs - warnMs) / MS.day);
      break;
    case 'working_days': {
      const warnDay = localDateOf(warnMs - 1, offset);
      warnBefore = deadline.lastDay ? countWorkingDays(warnDay, deadline.lastDay, calendar) : Math.round((dueMs - warnMs) / MS.day);
      break;
    }
    case 'working_hours':
      warnBefore = deadline.duration - workingMinutesBetween(parseInstant(deadline.startAt), warnMs, calendar) / 60;
      break;
  }
  return warnBefore > 0 && warnBefore < deadline.duration ? { ...rule, warnBefore } : rule;
}

/** Minutes of working time (inside the calendar's working hours on working days) between two instants. */
export function workingMinutesBetween(fromMs: number, toMs: number, calendar: WorkingCalendar): number {
  let minutes = 0;
  const offset = calendar.utcOffsetMinutes;
  for (let day = localDateOf(fromMs, offset); localMidnight(day, offset) < toMs; day = addDays(day, 1)) {
    if (!isWorkingDay(day, calendar)) continue;
    const midnight = localMidnight(day, offset);
    for (const p of workingPeriodsOf(calendar)) {
      const from = Math.max(fromMs, midnight + p.start * MS.minute);
      const to = Math.min(toMs, midnight + p.end * MS.minute);
      if (to > from) minutes += (to - from) / MS.minute;
    }
  }
  return Math.round(minutes);
}

/**
 * The calendar as the deadline saw it, as far as it can be rebuilt: its provisional years were
 * counted without their notice, so they are taken out of `calendar` again (a year corrected after
 * an official notice cannot be rebuilt and is read on the newer data).
 */
function calendarSeenBy(deadline: Deadline, calendar: WorkingCalendar): WorkingCalendar {
  const years = deadline.provisionalYears ?? [];
  if (!years.some((y) => calendar.years.includes(y))) return calendar;
  const drop = (d: string) => years.includes(yearOf(d));
  return {
    ...calendar,
    years: calendar.years.filter((y) => !years.includes(y)),
    holidays: calendar.holidays.filter((d) => !drop(d)),
    makeUpWorkdays: calendar.makeUpWorkdays.filter((d) => !drop(d)),
  };
}

/**
 * A recorded deadline recomputed on a newer calendar (a notice loaded, a year no longer
 * provisional, a correction): the same rule from the same start. Returns null when nothing that
 * matters changed (due, warning, last day, provisional or not), so revising twice changes nothing
 * (a new table version that leaves the dates alone revises nothing either); also null for a
 * deadline kept on another calendar.
 */
export function reviseDeadline(previous: Deadline, calendar: WorkingCalendar): Deadline | null {
  if (previous.calendarId !== calendar.id) return null;
  const next = computeDeadline(ruleOfDeadline(previous, calendarSeenBy(previous, calendar)), previous.startAt, calendar);
  const same =
    next.dueAt === previous.dueAt &&
    next.warnAt === previous.warnAt &&
    next.lastDay === previous.lastDay &&
    (next.provisional ?? false) === (previous.provisional ?? false);
  return same ? null : next;
}
