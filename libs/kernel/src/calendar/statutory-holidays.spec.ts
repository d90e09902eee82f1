import { HolidayPeriod } from './calendar.types';
import { CN_2024 } from './data/cn-2024';
import { CN_2025 } from './data/cn-2025';
import { CN_2026 } from './data/cn-2026';
import { datesBetween } from './local-date';
import { qingmingOf, solarOfLunar, statutoryHolidays, statutoryRulesCover } from './statutory-holidays';

const daysOf = (periods: readonly HolidayPeriod[]): string[] => periods.flatMap((p) => datesBetween(p.from, p.to));

describe('statutory holidays (全国年节及纪念日放假办法, 2024 amendment)', () => {
  it('2027, as the library computes it before the notice', () => {
    expect(statutoryHolidays(2027)).toEqual([
      { name: '元旦', from: '2027-01-01', to: '2027-01-01' },
      { name: '春节', from: '2027-02-05', to: '2027-02-08' },
      { name: '清明节', from: '2027-04-05', to: '2027-04-05' },
      { name: '劳动节', from: '2027-05-01', to: '2027-05-02' },
      { name: '端午节', from: '2027-06-09', to: '2027-06-09' },
      { name: '中秋节', from: '2027-09-15', to: '2027-09-15' },
      { name: '国庆节', from: '2027-10-01', to: '2027-10-03' },
    ]);
    expect(daysOf(statutoryHolidays(2027))).toHaveLength(13);
  });

  it.each([CN_2025, CN_2026])('every statutory day of $year lies inside a holiday period of its official notice', (data) => {
    const official = new Set(daysOf(data.periods));
    const statutory = daysOf(statutoryHolidays(data.year));
    expect(statutory.filter((d) => !official.has(d))).toEqual([]);
    expect(statutory).toHaveLength(13);
  });

  it('2024 (still under the 2013 rules): the lunar and solar-term days lie inside the official periods', () => {
    const official = new Set(daysOf(CN_2024.periods));
    const lunarDays = [
      solarOfLunar(2024, 1, 1),
      solarOfLunar(2024, 1, 2),
      solarOfLunar(2024, 1, 3),
      qingmingOf(2024),
      solarOfLunar(2024, 5, 5),
      solarOfLunar(2024, 8, 15),
    ];
    expect(lunarDays).toEqual(['2024-02-10', '2024-02-11', '2024-02-12', '2024-04-04', '2024-06-10', '2024-09-17']);
    expect(lunarDays.filter((d) => !official.has(d))).toEqual([]);
  });

  it('the 2026 dates the notice is built around: 除夕 2-16, 清明 4-5, 端午 6-19, 中秋 9-25', () => {
    expect(statutoryHolidays(2026).map((p) => p.from)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-04-05',
      '2026-05-01',
      '2026-06-19',
      '2026-09-25',
      '2026-10-01',
    ]);
  });

  it('covers the years from the amendment on, up to the library range kept', () => {
    expect([2024, 2025, 2099, 2100, 2027.5].map(statutoryRulesCover)).toEqual([false, true, true, false, false]);
  });
});
