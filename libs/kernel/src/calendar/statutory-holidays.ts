import { Lunar } from 'lunar-typescript';
import { HolidayPeriod } from './calendar.types';
import { addDays } from './local-date';

/**
 * The statutory holidays of 《全国年节及纪念日放假办法》 as amended by the State Council on
 * 2024-11-10 (in force 2025-01-01), Article 2: 元旦 1 day (1 Jan); 春节 4 days (除夕 to 正月初三);
 * 清明节 1 day (the day of the 清明 solar term); 劳动节 2 days (1–2 May); 端午节 1 day (五月初五);
 * 中秋节 1 day (八月十五); 国庆节 3 days (1–3 October). 13 days in all.
 *
 * These are the days off the law fixes for every year. The yearly notice of the 国务院办公厅 adds
 * the bridging days and make-up workdays (调休); until it is published a year is computed from
 * these days plus weekends only, and every deadline computed on it is marked provisional.
 *
 * Lunar dates and the 清明 term come from `lunar-typescript` (6tail's lunar library, which carries
 * the 紫金山天文台 tables); no astronomy is done here.
 */

/** First year the 2024 amendment governs; earlier years followed the 2013 rules (除夕, 5月2日 not off). */
export const STATUTORY_RULES_FIRST_YEAR = 2025;
/** Last year the lunar library is relied on for (its tables and algorithms cover far more). */
export const STATUTORY_RULES_LAST_YEAR = 2099;

/** Legal basis recorded on provisional calendar data. */
export const STATUTORY_HOLIDAYS_BASIS = '全国年节及纪念日放假办法（2024年修订）第二条';

const ymd = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** Gregorian 'YYYY-MM-DD' of a lunar date (month 1–12, not a leap month) in lunar year `lunarYear`. */
export function solarOfLunar(lunarYear: number, lunarMonth: number, lunarDay: number): string {
  const s = Lunar.fromYmd(lunarYear, lunarMonth, lunarDay).getSolar();
  return ymd(s.getYear(), s.getMonth(), s.getDay());
}

/** Gregorian 'YYYY-MM-DD' of the 清明 solar term in Gregorian year `year` (Beijing time). */
export function qingmingOf(year: number): string {
  // 清明 (early April) always falls in the lunar year that began in the same Gregorian year.
  const term = Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明'];
  if (!term) throw new Error(`lunar-typescript has no 清明 for ${year}`);
  return ymd(term.getYear(), term.getMonth(), term.getDay());
}

/** Whether `year` can be computed from the statutory rules (the amendment applies and the library is relied on). */
export function statutoryRulesCover(year: number): boolean {
  return Number.isInteger(year) && year >= STATUTORY_RULES_FIRST_YEAR && year <= STATUTORY_RULES_LAST_YEAR;
}

/**
 * The statutory holiday days of Gregorian year `year` as named periods (春节 counted in the year
 * its 正月初一 falls in; 除夕 then lies in the same Gregorian year, as it does for every year in
 * range: 春节 is never earlier than 21 January). Only for years `statutoryRulesCover` accepts.
 */
export function statutoryHolidays(year: number): HolidayPeriod[] {
  const newYear = solarOfLunar(year, 1, 1);
  const eve = addDays(newYear, -1);
  const day = (name: string, date: string): HolidayPeriod => ({ name, from: date, to: date });
  return [
    day('元旦', ymd(year, 1, 1)),
    { name: '春节', from: eve, to: addDays(newYear, 2) },
    day('清明节', qingmingOf(year)),
    { name: '劳动节', from: ymd(year, 5, 1), to: ymd(year, 5, 2) },
    day('端午节', solarOfLunar(year, 5, 5)),
    day('中秋节', solarOfLunar(year, 8, 15)),
    { name: '国庆节', from: ymd(year, 10, 1), to: ymd(year, 10, 3) },
  ];
}
