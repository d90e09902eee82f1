import { CaseFacts, emptyFacts, monthOf } from '../figures/case-facts.projection';
import { categorySurge, overdueRising, petitionEscalating, repeatedPlace } from './early-warning.rules';

const J = ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'];
let n = 0;
function fact(day: string, over: Partial<CaseFacts> = {}): CaseFacts {
  const reportedAt = `${day}T09:00:00+08:00`;
  return {
    ...emptyFacts(`c-${++n}`),
    reportedAt,
    month: monthOf(reportedAt),
    category: 'garbage',
    gridId: 'g-1-1-1',
    jurisdiction: J,
    placeKey: 'addr:枫源村3组',
    filed: true,
    ...over,
  };
}

describe('early-warning rules', () => {
  it('EW.REPEATED_PLACE: the third report at one place within 30 days, not two, not spread over more', () => {
    const a = fact('2026-03-01');
    const b = fact('2026-03-10');
    const c = fact('2026-03-25');
    expect(repeatedPlace(b, [a, b])).toBeUndefined();
    const w = repeatedPlace(c, [a, b, c]);
    expect(w).toMatchObject({ rule: 'EW.REPEATED_PLACE', count: 3, caseIds: [a.caseId, b.caseId, c.caseId].sort(), place: '枫源村3组' });
    expect(w?.explanation).toContain('30 天内已上报 3 件事件');
    const late = fact('2026-04-05');
    expect(repeatedPlace(late, [a, b, c, late])?.count).toBe(2 + 1); // b, c, late: a is outside the window
    expect(repeatedPlace(fact('2026-05-20'), [a, b, c])).toBeUndefined();
  });

  it('EW.CATEGORY_SURGE: a week at twice the grid’s own 8-week average, at least 3', () => {
    const baseline = ['2026-02-01', '2026-02-08', '2026-02-15', '2026-02-22', '2026-01-20', '2026-01-27', '2026-02-03', '2026-02-10'].map((d) =>
      fact(d, { placeKey: null }),
    );
    const week = ['2026-03-20', '2026-03-21', '2026-03-22'].map((d) => fact(d, { placeKey: null }));
    // baseline: 8 cases in 8 weeks = 1/week; 3 this week ≥ 2 → surge
    expect(categorySurge(week[2], [...baseline, ...week])).toMatchObject({ rule: 'EW.CATEGORY_SURGE', count: 3, baselinePerWeek: 1 });
    // a busier baseline (2/week): 3 is not twice that
    const busy = [...baseline, ...baseline.map((f) => ({ ...f, caseId: `${f.caseId}b` }))];
    expect(categorySurge(week[2], [...busy, ...week])).toBeUndefined();
    expect(categorySurge(week[1], [...baseline, ...week.slice(0, 2)])).toBeUndefined();
  });

  it('EW.CATEGORY_SURGE explains itself with the category’s name where intake published one, the code otherwise', () => {
    const baseline = ['2026-02-01', '2026-02-08', '2026-02-15', '2026-02-22'].map((d) => fact(d, { placeKey: null }));
    const week = ['2026-03-20', '2026-03-21', '2026-03-22'].map((d) => fact(d, { placeKey: null, categoryName: '生活垃圾乱堆乱放' }));
    const named = categorySurge(week[2]!, [...baseline, ...week]);
    expect(named?.explanation).toContain('“生活垃圾乱堆乱放”类事件');
    expect(named?.explanation).not.toContain('garbage');
    const unnamed = categorySurge({ ...week[2]!, categoryName: null }, [...baseline, ...week]);
    expect(unnamed?.explanation).toContain('“garbage”类事件');
  });

  it('EW.OVERDUE_RISING: a village’s overdue share this month 20 points above last month’s', () => {
    const march = [fact('2026-03-02'), fact('2026-03-03'), fact('2026-03-04', { breached: true }), fact('2026-03-05', { breached: true })];
    const feb = [fact('2026-02-02'), fact('2026-02-03'), fact('2026-02-04'), fact('2026-02-05', { breached: true })];
    const w = overdueRising(march[3], [...feb, ...march]);
    expect(w).toMatchObject({ rule: 'EW.OVERDUE_RISING', unitId: 'v-1-1', shareThisMonth: 0.5, shareLastMonth: 0.25, count: 2 });
    const calmer = [fact('2026-03-02'), fact('2026-03-03'), fact('2026-03-04'), fact('2026-03-05', { breached: true })];
    expect(overdueRising(calmer[3], [...feb, ...calmer])).toBeUndefined();
  });

  it('EW.PETITION_ESCALATING: a group visit of 5 or more at once; otherwise 2 escalation steps within 90 days', () => {
    const T = ['d-fq', 't-1'];
    expect(petitionEscalating('p1', T, [{ petitionId: 'p1', kind: 'group_visit', at: '2026-03-01T09:00:00+08:00', visitors: 4 }])).toBeUndefined();
    const group = petitionEscalating('p1', T, [{ petitionId: 'p1', kind: 'group_visit', at: '2026-03-01T09:00:00+08:00', visitors: 6 }]);
    expect(group).toMatchObject({ rule: 'EW.PETITION_ESCALATING', matterId: 'p1', caseIds: ['p1'], count: 1, jurisdiction: T });
    expect(group?.explanation).toContain('集体访（6 人）');
    const review = { petitionId: 'p1', kind: 'review' as const, at: '2026-06-01T09:00:00+08:00' };
    expect(petitionEscalating('p1', T, [review])).toBeUndefined();
    const repeat = { petitionId: 'p2', kind: 'repeat' as const, at: '2026-04-01T09:00:00+08:00' };
    expect(petitionEscalating('p1', T, [repeat, review])).toMatchObject({ caseIds: ['p1', 'p2'], count: 2 });
    // the repeat 120 days before the review is outside the window
    expect(petitionEscalating('p1', T, [{ ...repeat, at: '2026-02-01T09:00:00+08:00' }, review])).toBeUndefined();
  });
});
