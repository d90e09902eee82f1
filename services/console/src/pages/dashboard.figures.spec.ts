import { photoProblem } from '../cases/photo-limits';
import { overall, type FigureRow } from './dashboard.figures';

const row = (over: Partial<FigureRow>): FigureRow => ({
  key: '2026-11',
  taken: 0,
  filed: 0,
  closed: 0,
  onTime: 0,
  overdue: 0,
  closedRate: 0,
  onTimeRate: 0,
  satisfaction: null,
  rated: 0,
  ...over,
});

describe('dashboard totals', () => {
  it('sums the months, takes rates from the sums and weighs satisfaction by the number of ratings', () => {
    const t = overall([
      row({ taken: 10, filed: 8, closed: 6, onTime: 3, satisfaction: 5, rated: 1 }),
      row({ key: '2026-12', taken: 2, filed: 2, closed: 2, onTime: 2, satisfaction: 2, rated: 3 }),
    ]);
    expect(t).toMatchObject({ taken: 12, filed: 10, closed: 8 });
    expect(t.closedRate).toBeCloseTo(0.8);
    expect(t.onTimeRate).toBeCloseTo(5 / 8);
    expect(t.satisfaction).toBeCloseTo((5 + 6) / 4);
  });

  it('has no satisfaction without ratings and zero rates without cases', () => {
    expect(overall([])).toEqual({ taken: 0, filed: 0, closed: 0, closedRate: 0, onTimeRate: 0, satisfaction: null });
  });
});

describe('photo checks before upload', () => {
  it('takes JPEG, PNG and WebP up to 5 MB', () => {
    expect(photoProblem({ type: 'image/jpeg', size: 5 * 1024 * 1024 })).toBeUndefined();
    expect(photoProblem({ type: 'image/webp', size: 5 * 1024 * 1024 + 1 })).toBe('图片不能超过 5 MB');
    expect(photoProblem({ type: 'image/gif', size: 10 })).toBe('只能上传 JPEG、PNG 或 WebP 图片');
  });
});
