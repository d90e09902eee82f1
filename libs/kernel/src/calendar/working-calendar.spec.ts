import fc from 'fast-check';
import { DomainError } from '../domain-error';
import { CalendarYearData, WorkingCalendar } from './calendar.types';
import { CalendarRegistry, calendarFor, defaultCalendarRegistry } from './calendar-registry';
import { CN_NATIONAL_CALENDAR as CN } from './data/china-national';
import { addDays, datesBetween, fromEpochDay, isWeekend, toEpochDay } from './local-date';
import { addWorkingDays, countWorkingDays, coversYear, defineCalendar, isProvisionalYear, isWorkingDay, workingDayOnOrAfter } from './working-calendar';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('China national calendar data', () => {
  it.each([
    // date, working?, why
    ['2024-02-04', true, '2024 春节调休: Sunday worked'],
    ['2024-02-18', true, '2024 春节调休: Sunday worked'],
    ['2024-02-09', true, '2024 除夕 is only "encouraged" off, not a day off'],
    ['2024-02-12', false, '2024 春节 Monday'],
    ['2024-02-17', false, '2024 春节 last day (Saturday)'],
    ['2024-06-10', false, '2024 端午 Monday'],
    ['2024-09-14', true, '2024 中秋调休 Saturday'],
    ['2024-09-29', true, '2024 国庆调休 Sunday'],
    ['2024-10-07', false, '2024 国庆 Monday'],
    ['2024-10-08', true, 'first day after 2024 国庆'],
    ['2024-10-12', true, '2024 国庆调休 Saturday'],
    ['2024-10-13', false, 'an ordinary Sunday'],
    ['2025-01-28', false, '2025 除夕 (new statutory day)'],
    ['2025-01-26', true, '2025 春节调休 Sunday'],
    ['2025-02-08', true, '2025 春节调休 Saturday'],
    ['2025-05-02', false, '2025 劳动节 second statutory day'],
    ['2025-10-08', false, '2025 国庆中秋 eighth day'],
    ['2025-10-11', true, '2025 国庆调休 Saturday'],
    ['2026-01-04', true, '2026 元旦调休 Sunday'],
    ['2026-02-23', false, '2026 春节 ninth day (Monday)'],
    ['2026-02-28', true, '2026 春节调休 Saturday'],
    ['2026-05-09', true, '2026 劳动节调休 Saturday'],
    ['2026-09-20', true, '2026 国庆调休 Sunday'],
    ['2026-10-10', true, '2026 国庆调休 Saturday'],
    ['2026-09-25', false, '2026 中秋 Friday'],
  ])('%s working=%s (%s)', (date, working) => {
    expect(isWorkingDay(date, CN)).toBe(working);
  });

  it.each([
    // weekdays off minus make-up workdays = the statutory days of 《全国年节及纪念日放假办法》
    // (11 under the 2013 text for 2024, 13 after the 2024 revision); working days per year.
    [2024, 11, 251],
    [2025, 13, 248],
    [2026, 13, 248],
  ])('%i: net statutory days off = %i, working days = %i', (year, statutory, workingDays) => {
    const days = datesBetween(`${year}-01-01`, `${year}-12-31`);
    const weekdaysOff = days.filter((d) => !isWeekend(d) && !isWorkingDay(d, CN)).length;
    const makeUp = days.filter((d) => isWeekend(d) && isWorkingDay(d, CN)).length;
    expect(weekdaysOff - makeUp).toBe(statutory);
    expect(days.filter((d) => isWorkingDay(d, CN)).length).toBe(workingDays);
  });

  it('keeps the source notice of every covered year', () => {
    expect(CN.years).toEqual([2024, 2025, 2026]);
    expect(CN.notices?.map((n) => [n.year, n.title])).toEqual([
      [2024, '国务院办公厅关于2024年部分节假日安排的通知'],
      [2025, '国务院办公厅关于2025年部分节假日安排的通知'],
      [2026, '国务院办公厅关于2026年部分节假日安排的通知'],
    ]);
    expect(CN.utcOffsetMinutes).toBe(480);
  });
});

describe('years without a notice', () => {
  it('a year before the 2024 amendment without data throws CALENDAR.YEAR_NOT_COVERED', () => {
    const e = errorOf(() => isWorkingDay('2023-12-29', CN));
    expect(e.code).toBe('CALENDAR.YEAR_NOT_COVERED');
    expect(e.details).toMatchObject({ calendarId: 'CN', year: 2023 });
    expect(e.message).toContain('2023');
  });

  it('2027 is provisional: statutory holidays and weekends off, no 调休', () => {
    expect(coversYear(CN, 2027)).toBe(false);
    expect(isProvisionalYear(CN, 2027)).toBe(true);
    expect(isProvisionalYear(CN, 2026)).toBe(false);
    expect(isWorkingDay('2027-01-01', CN)).toBe(false); // 元旦 (Fri)
    expect(isWorkingDay('2027-01-04', CN)).toBe(true); // Mon
    expect(isWorkingDay('2027-02-05', CN)).toBe(false); // 除夕 (Fri)
    expect(isWorkingDay('2027-02-08', CN)).toBe(false); // 正月初三 (Mon)
    expect(isWorkingDay('2027-02-09', CN)).toBe(true); // Tue: no bridging days without the notice
    expect(isWorkingDay('2027-02-06', CN)).toBe(false); // Saturday
  });

  it('addWorkingDays walks into 2027 on the provisional calendar', () => {
    expect(addWorkingDays('2026-12-28', 3, CN)).toBe('2026-12-31');
    expect(addWorkingDays('2026-12-28', 4, CN)).toBe('2027-01-04');
  });

  it('the registry finds a calendar by id and year, and refuses unknown ids and uncomputable years', () => {
    expect(calendarFor('CN', 2025)).toBe(CN);
    expect(calendarFor('CN', 2027)).toBe(CN);
    expect(defaultCalendarRegistry.ids()).toEqual(['CN']);
    expect(errorOf(() => calendarFor('CN', 2023)).code).toBe('CALENDAR.YEAR_NOT_COVERED');
    const notFound = errorOf(() => calendarFor('CN-370100', 2025));
    expect([notFound.code, notFound.kind]).toEqual(['CALENDAR.NOT_FOUND', 'not_found']);
    expect(errorOf(() => new CalendarRegistry([CN, CN])).code).toBe('CALENDAR.DUPLICATE_ID');
  });
});

describe('working-day arithmetic', () => {
  it('does not count the start day and skips the 2024 National Day week, counting the make-up Sunday', () => {
    // Fri 27 Sep → Sun 29 (调休, 1), Mon 30 (2), Oct 1–7 off, Tue 8 (3), Wed 9 (4), Thu 10 (5)
    expect(addWorkingDays('2024-09-27', 5, CN)).toBe('2024-10-10');
    expect(countWorkingDays('2024-09-27', '2024-10-10', CN)).toBe(5);
  });

  it('counts backwards with a negative n', () => {
    expect(addWorkingDays('2024-10-08', -1, CN)).toBe('2024-09-30');
    expect(addWorkingDays('2024-10-08', -2, CN)).toBe('2024-09-29');
  });

  it('n = 0 returns the date itself', () => {
    expect(addWorkingDays('2024-10-05', 0, CN)).toBe('2024-10-05');
  });

  it('workingDayOnOrAfter keeps a working day and moves a day off to the next working day', () => {
    expect(workingDayOnOrAfter('2024-09-29', CN)).toBe('2024-09-29');
    expect(workingDayOnOrAfter('2024-10-01', CN)).toBe('2024-10-08');
  });

  it('rejects a malformed date and a fractional n', () => {
    expect(errorOf(() => isWorkingDay('2024-02-30', CN)).code).toBe('CALENDAR.INVALID_DATE');
    expect(errorOf(() => addWorkingDays('2024-02-01', 1.5, CN)).code).toBe('CALENDAR.INVALID_DAYS');
  });

  const firstDay = toEpochDay('2024-01-01');
  // stay far enough from the end of 2026 that 60 working days never leave the covered years
  const lastStart = toEpochDay('2026-09-30');
  const anyDate = fc.integer({ min: firstDay, max: lastStart }).map(fromEpochDay);

  it('property: n working days after any date is a working day, with exactly n working days in between', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 30 }), (date, n) => {
        const result = addWorkingDays(date, n, CN);
        expect(isWorkingDay(result, CN)).toBe(true);
        expect(countWorkingDays(date, result, CN)).toBe(n);
        expect(toEpochDay(result)).toBeGreaterThan(toEpochDay(date));
      }),
    );
  });

  it('property: adding n then m working days equals adding n + m', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (date, n, m) => {
        expect(addWorkingDays(addWorkingDays(date, n, CN), m, CN)).toBe(addWorkingDays(date, n + m, CN));
      }),
    );
  });

  it('property: going n working days forward then n back returns to the working day on or before', () => {
    fc.assert(
      fc.property(
        anyDate.filter((d) => isWorkingDay(d, CN)),
        fc.integer({ min: 1, max: 30 }),
        (date, n) => {
          expect(addWorkingDays(addWorkingDays(date, n, CN), -n, CN)).toBe(date);
        },
      ),
    );
  });
});

describe('defineCalendar checks its data', () => {
  const year = (over: Partial<CalendarYearData>): CalendarYearData => ({
    year: 2030,
    notice: { year: 2030, title: 'test notice', issuedOn: '2029-11-01' },
    periods: [{ name: '国庆节', from: '2030-10-01', to: '2030-10-07' }],
    makeUpWorkdays: ['2030-09-29'],
    ...over,
  });
  const define = (years: CalendarYearData[]): WorkingCalendar =>
    defineCalendar({ id: 'T', region: 'T', version: '1', utcOffsetMinutes: 480, workingHours: [], years });

  it('accepts consistent data and expands periods into days off', () => {
    const cal = define([year({})]);
    expect(cal.holidays).toEqual(datesBetween('2030-10-01', '2030-10-07'));
    expect(isWorkingDay('2030-09-29', cal)).toBe(true);
    expect(isWorkingDay(addDays('2030-10-07', 1), cal)).toBe(true);
  });

  it.each<[string, Partial<CalendarYearData>]>([
    ['a make-up workday on a weekday', { makeUpWorkdays: ['2030-09-30'] }],
    ['a make-up workday inside a holiday period', { makeUpWorkdays: ['2030-10-05'] }],
    [
      'overlapping periods',
      {
        periods: [
          { name: 'a', from: '2030-10-01', to: '2030-10-03' },
          { name: 'b', from: '2030-10-03', to: '2030-10-04' },
        ],
      },
    ],
    ['a period in another year', { periods: [{ name: 'a', from: '2031-01-01', to: '2031-01-01' }] }],
    ['a period ending before it starts', { periods: [{ name: 'a', from: '2030-10-03', to: '2030-10-01' }] }],
    ['a notice of another year', { notice: { year: 2031, title: 'x', issuedOn: '2030-01-01' } }],
  ])('refuses %s with CALENDAR.INVALID_DATA', (_what, over) => {
    expect(errorOf(() => define([year(over)])).code).toBe('CALENDAR.INVALID_DATA');
  });

  it('refuses the same year twice and overlapping working hours', () => {
    expect(errorOf(() => define([year({}), year({})])).code).toBe('CALENDAR.INVALID_DATA');
    expect(
      errorOf(() =>
        defineCalendar({
          id: 'T',
          region: 'T',
          version: '1',
          utcOffsetMinutes: 480,
          workingHours: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
          years: [year({})],
        }),
      ).code,
    ).toBe('CALENDAR.INVALID_WORKING_HOURS');
  });
});
