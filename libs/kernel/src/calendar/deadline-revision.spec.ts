import { TEST_NOTICE_2027 } from '../testing/test-notices';
import { calendarsFromNotices, SHIPPED_CALENDAR_NOTICES, withNotice } from './calendar-notices';
import { DeadlineRule } from './calendar.types';
import { CN_NATIONAL_CALENDAR as CN } from './data/china-national';
import { computeDeadline, reviseDeadline, ruleOfDeadline } from './deadline';

const [withNotice2027] = calendarsFromNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), { tableVersion: 2 });

describe('reviseDeadline', () => {
  const rules: DeadlineRule[] = [
    { ruleId: 'r.cd', duration: 60, unit: 'calendar_days', warnBefore: 10 },
    { ruleId: 'r.wd', duration: 15, unit: 'working_days', warnBefore: 3 },
    { ruleId: 'r.wh', duration: 16, unit: 'working_hours', warnBefore: 4.5 },
    { ruleId: 'r.plain', duration: 5, unit: 'working_days' },
  ];
  it.each(rules)('reads the rule back from a deadline it computed ($ruleId), so the same calendar revises nothing', (rule) => {
    for (const start of ['2025-09-20T10:00:00+08:00', '2026-12-10T09:00:00+08:00', '2026-12-30T17:30:00+08:00']) {
      const d = computeDeadline(rule, start, CN);
      expect(ruleOfDeadline(d, CN)).toEqual(rule);
      expect(reviseDeadline(d, CN)).toBeNull();
    }
  });

  it('the 2027 notice revises a provisional deadline whose dates change, and only once', () => {
    const before = computeDeadline(rules[0], '2026-12-10T09:00:00+08:00', CN);
    const after = reviseDeadline(before, withNotice2027);
    expect(after).toMatchObject({ lastDay: '2027-02-12', dueAt: '2027-02-12T16:00:00.000Z', calendarVersion: '2027-2', startAt: before.startAt });
    expect(after).not.toHaveProperty('provisional');
    expect(reviseDeadline(after!, withNotice2027)).toBeNull();
  });

  it('a provisional deadline whose dates stay the same is still revised: it is no longer provisional', () => {
    // 30 days from 2026-12-01: 2026-12-31, a working day in 2026; 40 days: Sun 2027-01-10 → Mon 01-11 either way
    const d = computeDeadline({ ruleId: 'r', duration: 40, unit: 'calendar_days' }, '2026-12-01T09:00:00+08:00', CN);
    expect(d.provisional).toBe(true);
    expect(reviseDeadline(d, withNotice2027)).toMatchObject({ lastDay: d.lastDay, dueAt: d.dueAt, calendarVersion: '2027-2' });
  });

  it('a deadline wholly in 2026 is not touched by the 2027 notice, nor one on another calendar', () => {
    const d = computeDeadline(rules[1], '2026-06-01T09:00:00+08:00', CN);
    expect(reviseDeadline(d, withNotice2027)).toBeNull();
    expect(reviseDeadline({ ...computeDeadline(rules[0], '2026-12-10T09:00:00+08:00', CN), calendarId: 'CN-330681' }, withNotice2027)).toBeNull();
  });
});
