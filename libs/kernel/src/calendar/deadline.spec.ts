import fc from 'fast-check';
import { DomainError } from '../domain-error';
import { DeadlineRule } from './calendar.types';
import { CN_NATIONAL_CALENDAR as CN } from './data/china-national';
import { addWorkingTime, computeDeadline, extendDeadline, isBreached, isWarningDue } from './deadline';
import { fromEpochDay, localDateOf, MS, toEpochDay } from './local-date';
import { isWorkingDay } from './working-calendar';

const rule = (unit: DeadlineRule['unit'], duration: number, warnBefore?: number): DeadlineRule => ({
  ruleId: `test.${unit}.${duration}`,
  legalBasis: 'test§1',
  duration,
  unit,
  ...(warnBefore !== undefined ? { warnBefore } : {}),
});

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('computeDeadline: calendar_days (民法典 §201, §203)', () => {
  it('records rule, legal basis and calendar version on the deadline', () => {
    expect(computeDeadline(rule('calendar_days', 3), '2024-03-05T10:00:00+08:00', CN)).toEqual({
      ruleId: 'test.calendar_days.3',
      legalBasis: 'test§1',
      duration: 3,
      unit: 'calendar_days',
      startAt: '2024-03-05T02:00:00.000Z',
      dueAt: '2024-03-08T16:00:00.000Z', // 24:00 Fri 8 Mar, Beijing time
      calendarId: 'CN',
      calendarVersion: '2026-1',
      lastDay: '2024-03-08',
    });
  });

  it('a period whose last day falls in National Day week ends on the first working day after it', () => {
    // Fri 27 Sep 2024 + 7 days = Fri 4 Oct (国庆) → Tue 8 Oct; days off inside the period are counted
    const d = computeDeadline(rule('calendar_days', 7), '2024-09-27T15:00:00+08:00', CN);
    expect(d.lastDay).toBe('2024-10-08');
    expect(d.shiftedFrom).toBe('2024-10-04');
    expect(d.dueAt).toBe('2024-10-08T16:00:00.000Z');
  });

  it('a last day on an ordinary weekend moves to Monday', () => {
    const d = computeDeadline(rule('calendar_days', 4), '2024-03-05T10:00:00+08:00', CN);
    expect([d.shiftedFrom, d.lastDay, d.dueAt]).toEqual(['2024-03-09', '2024-03-11', '2024-03-11T16:00:00.000Z']);
  });

  it('a last day on a make-up workday (调休 Sunday) is not moved', () => {
    const d = computeDeadline(rule('calendar_days', 3), '2024-09-26T10:00:00+08:00', CN);
    expect(d.lastDay).toBe('2024-09-29');
    expect(d.shiftedFrom).toBeUndefined();
    expect(d.dueAt).toBe('2024-09-29T16:00:00.000Z');
  });

  it('the start day is the local (UTC+8) day, not the UTC day', () => {
    // 17:30Z on 26 Sep is 01:30 on 27 Sep in Beijing: the start day is the 27th
    const d = computeDeadline(rule('calendar_days', 3), '2024-09-26T17:30:00Z', CN);
    expect(d.lastDay).toBe('2024-09-30');
    expect(d.dueAt).toBe('2024-09-30T16:00:00.000Z');
  });

  it('warnAt is warnBefore days before the (moved) due time', () => {
    // 1 Mar 2024 + 15 = Sat 16 Mar → Mon 18 Mar; warn 3 days before 24:00 18 Mar
    const d = computeDeadline(rule('calendar_days', 15, 3), '2024-03-01T10:00:00+08:00', CN);
    expect(d.dueAt).toBe('2024-03-18T16:00:00.000Z');
    expect(d.warnAt).toBe('2024-03-15T16:00:00.000Z');
  });
});

describe('computeDeadline: working_days', () => {
  it('crosses National Day 2024 and counts the make-up Sunday', () => {
    // Fri 27 Sep → Sun 29 (1, 调休), Mon 30 (2), Tue 8 Oct (3), Wed 9 (4), Thu 10 (5)
    const d = computeDeadline(rule('working_days', 5, 1), '2024-09-27T10:00:00+08:00', CN);
    expect(d.lastDay).toBe('2024-10-10');
    expect(d.dueAt).toBe('2024-10-10T16:00:00.000Z');
    expect(d.warnAt).toBe('2024-10-09T16:00:00.000Z');
  });

  it('crosses Spring Festival 2025 (除夕 now a statutory day) and its make-up Sunday', () => {
    // Fri 24 Jan → Sun 26 (1, 调休), Mon 27 (2), 28 Jan–4 Feb off, Wed 5 (3), Thu 6 (4), Fri 7 (5)
    const d = computeDeadline(rule('working_days', 5), '2025-01-24T09:00:00+08:00', CN);
    expect(d.lastDay).toBe('2025-02-07');
    expect(d.warnAt).toBeUndefined();
  });

  it('counts a make-up Saturday at the end of the period (2026-02-28)', () => {
    const d = computeDeadline(rule('working_days', 2), '2026-02-26T09:00:00+08:00', CN);
    expect(d.lastDay).toBe('2026-02-28');
    expect(d.dueAt).toBe('2026-02-28T16:00:00.000Z');
  });

  it('does not count the start day, even late at night or on a weekend', () => {
    expect(computeDeadline(rule('working_days', 1), '2024-03-05T23:00:00+08:00', CN).lastDay).toBe('2024-03-06');
    expect(computeDeadline(rule('working_days', 1), '2024-03-09T10:00:00+08:00', CN).lastDay).toBe('2024-03-11');
  });

  it('a deadline running into 2027 is computed on the provisional 2027 calendar and says so', () => {
    const inYear = computeDeadline(rule('working_days', 3), '2026-12-28T10:00:00+08:00', CN);
    expect(inYear.lastDay).toBe('2026-12-31');
    expect(inYear).not.toHaveProperty('provisional');
    expect(inYear.calendarVersion).toBe('2026-1');
    // 2026-12-29, 30, 31 (Tue–Thu), 2027-01-01 is 元旦 (statutory), 01-04 (Mon) is the 4th, 01-05 the 5th
    const d = computeDeadline(rule('working_days', 5), '2026-12-28T10:00:00+08:00', CN);
    expect(d).toMatchObject({
      lastDay: '2027-01-05',
      dueAt: '2027-01-05T16:00:00.000Z',
      calendarId: 'CN',
      calendarVersion: '2026-1+CN-2027-provisional',
      provisional: true,
      provisionalYears: [2027],
    });
  });

  it('a calendar-day deadline ending on a provisional 2027 holiday moves past it', () => {
    // 2026-12-10 + 60 days = 2027-02-08 (正月初三, Mon), the last statutory day of 春节 2027
    const d = computeDeadline(rule('calendar_days', 60), '2026-12-10T09:00:00+08:00', CN);
    expect(d).toMatchObject({ shiftedFrom: '2027-02-08', lastDay: '2027-02-09', provisional: true });
    expect(d.dueAt).toBe('2027-02-09T16:00:00.000Z');
  });

  it('a calendar-day deadline ending in a year before the 2024 amendment without data still throws', () => {
    const e = errorOf(() => computeDeadline(rule('calendar_days', 3), '2023-12-25T10:00:00+08:00', CN));
    expect(e.code).toBe('CALENDAR.YEAR_NOT_COVERED');
    expect(e.details).toMatchObject({ year: 2023 });
  });
});

describe('computeDeadline: working_hours (09:00–12:00, 13:00–18:00 on working days)', () => {
  const due = (hours: number, start: string, warn?: number) => computeDeadline(rule('working_hours', hours, warn), start, CN);

  it('runs from a make-up Sunday into Monday', () => {
    // Sun 29 Sep 2024 (调休) 16:00–18:00 = 2 h, Mon 30 Sep 09:00–11:00 = 2 h
    expect(due(4, '2024-09-29T16:00:00+08:00').dueAt).toBe('2024-09-30T03:00:00.000Z');
  });

  it('skips the National Day week', () => {
    // Mon 30 Sep 17:00–18:00 = 1 h; 1–7 Oct off; Tue 8 Oct 09:00–11:00 = 2 h; warn after 2 h
    const d = due(3, '2024-09-30T17:00:00+08:00', 1);
    expect(d.dueAt).toBe('2024-10-08T03:00:00.000Z');
    expect(d.warnAt).toBe('2024-10-08T02:00:00.000Z');
    expect(d.lastDay).toBeUndefined();
  });

  it('skips the lunch break and starts at the next working period', () => {
    expect(due(2, '2024-03-05T12:30:00+08:00').dueAt).toBe('2024-03-05T07:00:00.000Z'); // 15:00
    expect(due(1, '2024-03-04T22:00:00+08:00').dueAt).toBe('2024-03-05T02:00:00.000Z'); // 10:00 next day
  });

  it('is due at the end of a period when the hours run out exactly there', () => {
    expect(due(3, '2024-03-05T09:00:00+08:00').dueAt).toBe('2024-03-05T04:00:00.000Z'); // 12:00, not 13:00
  });

  it('accepts whole minutes as fractions of an hour', () => {
    expect(due(0.5, '2024-03-05T11:45:00+08:00').dueAt).toBe('2024-03-05T05:15:00.000Z'); // 13:15
  });

  it('refuses a calendar without working hours', () => {
    const noHours = { ...CN, workingHours: [] };
    const e = errorOf(() => computeDeadline(rule('working_hours', 1), '2024-03-05T09:00:00+08:00', noHours));
    expect(e.code).toBe('CALENDAR.NO_WORKING_HOURS');
  });
});

describe('computeDeadline: invalid input', () => {
  it.each<[string, DeadlineRule]>([
    ['zero duration', rule('calendar_days', 0)],
    ['fractional days', rule('working_days', 1.5)],
    ['warnBefore not below duration', rule('working_days', 3, 3)],
    ['warnBefore zero', rule('working_days', 3, 0)],
    ['hours not in whole minutes', rule('working_hours', 0.01)],
  ])('%s → DEADLINE.INVALID_RULE', (_what, r) => {
    const e = errorOf(() => computeDeadline(r, '2024-03-05T09:00:00+08:00', CN));
    expect([e.code, e.kind]).toEqual(['DEADLINE.INVALID_RULE', 'validation']);
  });

  it('refuses an instant without a time zone', () => {
    expect(errorOf(() => computeDeadline(rule('calendar_days', 1), '2024-03-05T09:00:00', CN)).code).toBe('CALENDAR.INVALID_INSTANT');
  });
});

describe('isWarningDue / isBreached', () => {
  const d = computeDeadline(rule('working_days', 5, 1), '2024-09-27T10:00:00+08:00', CN);
  it('compare instants, whatever their offset', () => {
    expect(isWarningDue(d, '2024-10-09T23:59:59+08:00')).toBe(false);
    expect(isWarningDue(d, '2024-10-10T00:00:00+08:00')).toBe(true);
    expect(isBreached(d, '2024-10-10T15:59:59.999Z')).toBe(false);
    expect(isBreached(d, '2024-10-11T00:00:00+08:00')).toBe(true);
    expect(isWarningDue({ ...d, warnAt: undefined }, '2030-01-01T00:00:00Z')).toBe(false);
  });
});

describe('properties', () => {
  const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
  const day = fc.integer({ min: toEpochDay('2024-01-01'), max: toEpochDay('2026-09-30') }).map(fromEpochDay);
  const instant = fc.tuple(day, minute).map(([d, m]) => `${d}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00+08:00`);

  it('a working-day deadline always ends at 24:00 of a working day after the start day', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), (start, n) => {
        const d = computeDeadline(rule('working_days', n), start, CN);
        expect(isWorkingDay(d.lastDay!, CN)).toBe(true);
        expect(localDateOf(Date.parse(d.dueAt) - 1, 480)).toBe(d.lastDay);
        expect(localDateOf(Date.parse(d.dueAt), 480)).not.toBe(d.lastDay);
        expect(toEpochDay(d.lastDay!)).toBeGreaterThan(toEpochDay(start.slice(0, 10)));
      }),
    );
  });

  it('a calendar-day deadline ends on a working day no earlier than start + n, moved only off a day off', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), (start, n) => {
        const d = computeDeadline(rule('calendar_days', n), start, CN);
        const nominal = toEpochDay(start.slice(0, 10)) + n;
        expect(isWorkingDay(d.lastDay!, CN)).toBe(true);
        if (!d.shiftedFrom) {
          expect(toEpochDay(d.lastDay!)).toBe(nominal);
        } else {
          expect(toEpochDay(d.shiftedFrom)).toBe(nominal);
          expect(isWorkingDay(d.shiftedFrom, CN)).toBe(false);
          for (let x = nominal; x < toEpochDay(d.lastDay!); x++) expect(isWorkingDay(fromEpochDay(x), CN)).toBe(false);
        }
      }),
    );
  });

  it('working time composes: a hours then b hours = a + b hours', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 * 40 }), fc.integer({ min: 1, max: 60 * 40 }), (start, a, b) => {
        const s = Date.parse(start);
        const ab = addWorkingTime(s, (a + b) * MS.minute, CN);
        expect(addWorkingTime(addWorkingTime(s, a * MS.minute, CN), b * MS.minute, CN)).toBe(ab);
        expect(ab - s).toBeGreaterThanOrEqual((a + b) * MS.minute);
      }),
    );
  });

  it('a longer rule never falls due earlier', () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom<DeadlineRule['unit']>('calendar_days', 'working_days', 'working_hours'),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 10 }),
        (start, unit, n, extra) => {
          const a = Date.parse(computeDeadline(rule(unit, n), start, CN).dueAt);
          const b = Date.parse(computeDeadline(rule(unit, n + extra), start, CN).dueAt);
          expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
    );
  });
});

describe('extendDeadline', () => {
  const first = computeDeadline(rule('working_days', 5), '2024-09-27T10:00:00+08:00', CN); // last day Thu 10 Oct

  it('day units continue after the previous last day (Fri 11, make-up Sat 12 Oct 2024)', () => {
    const ext = extendDeadline(first, rule('working_days', 2), CN);
    expect(ext.lastDay).toBe('2024-10-12');
    expect(ext.dueAt).toBe('2024-10-12T16:00:00.000Z');
    expect(computeDeadline(rule('working_days', 2), ext.startAt, CN)).toEqual(ext);
  });

  it('calendar days continue after the previous last day too', () => {
    expect(extendDeadline(first, rule('calendar_days', 1), CN).lastDay).toBe('2024-10-11');
  });

  it('working hours start at the previous due time', () => {
    expect(extendDeadline(first, rule('working_hours', 2), CN).dueAt).toBe('2024-10-11T03:00:00.000Z'); // Fri 11:00
  });
});
