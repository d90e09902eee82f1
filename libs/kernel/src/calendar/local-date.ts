import { ValidationError } from '../domain-error';

/**
 * Plain local dates ('YYYY-MM-DD') and instants in a region with a fixed UTC offset.
 * No `Date.now()`, no host time zone: every conversion takes the offset explicitly.
 */
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO-8601 instant with an explicit zone designator (Z or ±HH:MM). */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const HHMM_RE = /^(\d{2}):(\d{2})$/;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; throws CALENDAR.INVALID_DATE if it is not a real date. */
export function toEpochDay(date: string): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return Math.round(ms / DAY_MS);
    }
  }
  throw new ValidationError('CALENDAR.INVALID_DATE', `日期格式无效：${date}（应为 YYYY-MM-DD）`, { date });
}

export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

export function yearOf(date: string): number {
  toEpochDay(date);
  return Number(date.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(toEpochDay(date) * DAY_MS).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const a = toEpochDay(from);
  const b = toEpochDay(to);
  const out: string[] = [];
  for (let d = a; d <= b; d++) out.push(fromEpochDay(d));
  return out;
}

/** Milliseconds since the epoch of an ISO instant with a zone; throws CALENDAR.INVALID_INSTANT otherwise. */
export function parseInstant(instant: string): number {
  const ms = INSTANT_RE.test(instant) ? Date.parse(instant) : NaN;
  if (Number.isNaN(ms)) {
    throw new ValidationError('CALENDAR.INVALID_INSTANT', `时间格式无效：${instant}（应为带时区的 ISO-8601 时间）`, { instant });
  }
  return ms;
}

/** The local calendar date of an instant in a region `utcOffsetMinutes` east of UTC. */
export function localDateOf(instantMs: number, utcOffsetMinutes: number): string {
  return fromEpochDay(Math.floor((instantMs + utcOffsetMinutes * MINUTE_MS) / DAY_MS));
}

/** The instant of 00:00 local time on `date`. */
export function localMidnight(date: string, utcOffsetMinutes: number): number {
  return toEpochDay(date) * DAY_MS - utcOffsetMinutes * MINUTE_MS;
}

/** The instant of 24:00 local time on `date` (= 00:00 of the next day). */
export function endOfLocalDay(date: string, utcOffsetMinutes: number): number {
  return localMidnight(date, utcOffsetMinutes) + DAY_MS;
}

/** Minutes after midnight of an 'HH:MM' time (24:00 allowed as the end of a day). */
export function minutesOfDay(hhmm: string): number {
  const m = HHMM_RE.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) {
    throw new ValidationError('CALENDAR.INVALID_TIME', `时刻格式无效：${hhmm}（应为 HH:MM）`, { time: hhmm });
  }
  return minutes;
}

export const MS = { day: DAY_MS, minute: MINUTE_MS, hour: 60 * MINUTE_MS } as const;
