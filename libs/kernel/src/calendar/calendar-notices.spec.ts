import { DomainError } from '../domain-error';
import {
  CalendarNoticeData,
  calendarsFromNotices,
  calendarVersionOf,
  SHIPPED_CALENDAR_NOTICES,
  validateCalendarNotice,
  validateCalendarNotices,
  withNotice,
} from './calendar-notices';
import { CN_NATIONAL_CALENDAR } from './data/china-national';
import { TEST_NOTICE_2027 } from '../testing/test-notices';
import { computeDeadline } from './deadline';
import { isWorkingDay } from './working-calendar';

const regions = new Set(['CN', 'CN-330681']);

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('calendar notices as data', () => {
  it('the shipped notices build the same calendar as the built-in one, version 2026-1', () => {
    const [cn] = calendarsFromNotices(SHIPPED_CALENDAR_NOTICES, { tableVersion: 1 });
    expect(cn.version).toBe('2026-1');
    expect(cn.version).toBe(CN_NATIONAL_CALENDAR.version);
    expect(cn.years).toEqual(CN_NATIONAL_CALENDAR.years);
    expect(cn.holidays).toEqual(CN_NATIONAL_CALENDAR.holidays);
    expect(cn.makeUpWorkdays).toEqual(CN_NATIONAL_CALENDAR.makeUpWorkdays);
    expect(validateCalendarNotices(SHIPPED_CALENDAR_NOTICES, regions)).toHaveLength(3);
  });

  it('loading the 2027 notice makes 2027 official: the petition of 2026-12-10 moves to Fri 02-12, no longer provisional', () => {
    const table = validateCalendarNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), regions);
    expect(calendarVersionOf(table, 2)).toBe('2027-2');
    const [cn] = calendarsFromNotices(table, { tableVersion: 2 });
    expect(isWorkingDay('2027-01-31', cn)).toBe(true);
    const rule = { ruleId: 'petition.handling', duration: 60, unit: 'calendar_days' as const };
    const d = computeDeadline(rule, '2026-12-10T09:00:00+08:00', cn);
    expect(d).toMatchObject({ lastDay: '2027-02-12', shiftedFrom: '2027-02-08', calendarVersion: '2027-2' });
    expect(d).not.toHaveProperty('provisional');
  });

  it('a regional layer adds local days off and adjusted working days, labelled by jurisdiction', () => {
    const local: CalendarNoticeData = {
      region: 'CN-330681',
      jurisdiction: '诸暨市',
      year: 2026,
      source: { title: '诸暨市关于调整2026年工作日的通知（测试数据）', issuedOn: '2026-03-01' },
      periods: [{ name: '地方节日', from: '2026-03-10', to: '2026-03-10' }],
      makeUpWorkdays: ['2026-03-14'],
    };
    const [cn, regional] = calendarsFromNotices(validateCalendarNotices([...SHIPPED_CALENDAR_NOTICES, local], regions), { tableVersion: 2 });
    expect([regional.id, regional.jurisdiction, regional.version]).toEqual(['CN-330681', '诸暨市', '2026-2']);
    expect([isWorkingDay('2026-03-10', cn), isWorkingDay('2026-03-10', regional)]).toEqual([true, false]);
    expect([isWorkingDay('2026-03-14', cn), isWorkingDay('2026-03-14', regional)]).toEqual([false, true]);
    expect(isWorkingDay('2026-10-01', regional)).toBe(false); // the national holidays still apply
  });

  it.each([
    [{ periods: [{ name: '春节', from: '2027-02-05', to: '2028-02-11' }] }, 'CALENDAR.DATE_OUTSIDE_YEAR', '2028-02-11'],
    [{ makeUpWorkdays: ['2026-12-27'] }, 'CALENDAR.DATE_OUTSIDE_YEAR', '2026-12-27'],
    [{ makeUpWorkdays: ['2027-02-06'] }, 'CALENDAR.HOLIDAY_AND_WORKDAY', '2027-02-06'],
    [{ makeUpWorkdays: ['2027-02-01'] }, 'CALENDAR.MAKE_UP_NOT_WEEKEND', '2027-02-01'],
    [{ periods: [{ name: '春节', from: '2027-02-30', to: '2027-03-01' }] }, 'CALENDAR.INVALID_DATE', '2027-02-30'],
    [{ region: 'CN-999999' }, 'CALENDAR.UNKNOWN_REGION', 'CN-999999'],
  ])('bad input is a 400 that names the day or region: %j', (patch, code, named) => {
    const e = errorOf(() => validateCalendarNotice({ ...TEST_NOTICE_2027, ...patch } as CalendarNoticeData, regions));
    expect([e.code, e.kind]).toEqual([code, 'validation']);
    expect(e.message).toContain(named);
  });

  it('one notice per region and year in a table', () => {
    expect(errorOf(() => validateCalendarNotices([TEST_NOTICE_2027, TEST_NOTICE_2027], regions)).code).toBe('CALENDAR.DUPLICATE_NOTICE');
  });
});
