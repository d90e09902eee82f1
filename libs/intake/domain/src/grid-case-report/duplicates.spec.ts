import fc from 'fast-check';
import { DuplicateCandidate, EARTH_RADIUS_METRES, haversineMetres, suggestDuplicates } from './duplicates';

describe('haversineMetres', () => {
  it('one degree along a meridian or the equator is πR/180', () => {
    const degree = (Math.PI * EARTH_RADIUS_METRES) / 180;
    expect(haversineMetres({ lat: 36, lng: 117 }, { lat: 37, lng: 117 })).toBeCloseTo(degree, 3);
    expect(haversineMetres({ lat: 0, lng: 117 }, { lat: 0, lng: 118 })).toBeCloseTo(degree, 3);
  });

  it('a degree of longitude shrinks with the cosine of the latitude (short distances)', () => {
    const d = haversineMetres({ lat: 60, lng: 10 }, { lat: 60, lng: 10.001 });
    expect(d).toBeCloseTo(((Math.PI * EARTH_RADIUS_METRES) / 180) * 0.001 * Math.cos(Math.PI / 3), 1);
  });

  it('Beijing (Tiananmen) to Shanghai (People’s Square) is about 1,067 km', () => {
    const d = haversineMetres({ lat: 39.9087, lng: 116.3975 }, { lat: 31.2304, lng: 121.4737 });
    expect(d / 1000).toBeGreaterThan(1060);
    expect(d / 1000).toBeLessThan(1075);
  });

  const point = fc.record({
    lat: fc.double({ min: -89, max: 89, noNaN: true }),
    lng: fc.double({ min: -179, max: 179, noNaN: true }),
  });
  it('property: zero to itself, symmetric, triangle inequality, at most half the circumference', () => {
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        expect(haversineMetres(a, a)).toBe(0);
        expect(haversineMetres(a, b)).toBeCloseTo(haversineMetres(b, a), 6);
        expect(haversineMetres(a, c)).toBeLessThanOrEqual(haversineMetres(a, b) + haversineMetres(b, c) + 1e-6);
        expect(haversineMetres(a, b)).toBeLessThanOrEqual(Math.PI * EARTH_RADIUS_METRES + 1e-6);
      }),
    );
  });
});

describe('suggestDuplicates', () => {
  // ~0.0009° latitude ≈ 100 m
  const report: DuplicateCandidate = {
    caseId: 'new',
    category: '消防通道占用',
    point: { lat: 36.65, lng: 117.12 },
    reportedAt: '2025-03-03T10:00:00+08:00',
  };
  const near = (caseId: string, dLat: number, reportedAt = '2025-03-03T08:00:00+08:00', category = report.category): DuplicateCandidate => ({
    caseId,
    category,
    point: { lat: 36.65 + dLat, lng: 117.12 },
    reportedAt,
  });
  const policy = { radiusMetres: 200, windowHours: 24 };

  it('suggests same-category reports within radius and window, nearest first', () => {
    const out = suggestDuplicates(report, [near('b', 0.0015), near('a', 0.0005), near('c', -0.001)], policy);
    expect(out.map((s) => s.caseId)).toEqual(['a', 'c', 'b']);
    expect(out[0].distanceMetres).toBeCloseTo(55.6, 0);
    expect(out[0].hoursApart).toBe(2);
  });

  it('leaves out other categories, far reports, reports outside the window, unlocated ones and itself', () => {
    const out = suggestDuplicates(
      report,
      [
        near('other-category', 0.0001, undefined, '占道经营'),
        near('far', 0.003),
        near('old', 0.0001, '2025-03-02T09:59:59+08:00'),
        near('later', 0.0001, '2025-03-04T10:00:00+08:00'),
        { ...near('no-point', 0), point: null },
        { ...report },
      ],
      policy,
    );
    expect(out.map((s) => s.caseId)).toEqual(['later']);
  });

  it('breaks distance ties by time, then case id, and honours the limit', () => {
    const cands = [
      near('z', 0.0005, '2025-03-03T09:00:00+08:00'),
      near('y', 0.0005, '2025-03-03T07:00:00+08:00'),
      near('x', 0.0005, '2025-03-03T09:00:00+08:00'),
    ];
    expect(suggestDuplicates(report, cands, policy).map((s) => s.caseId)).toEqual(['x', 'z', 'y']);
    expect(suggestDuplicates(report, cands, { ...policy, limit: 1 }).map((s) => s.caseId)).toEqual(['x']);
  });

  it('a radius of 0 or a report without a point gives no suggestions; the policy may depend on the category', () => {
    expect(suggestDuplicates(report, [near('a', 0)], { radiusMetres: 0, windowHours: 24 })).toEqual([]);
    expect(suggestDuplicates({ ...report, point: undefined }, [near('a', 0)], policy)).toEqual([]);
    const byCategory = (c: string) => (c === report.category ? { radiusMetres: 50, windowHours: 24 } : policy);
    expect(suggestDuplicates(report, [near('a', 0.0003), near('b', 0.0006)], byCategory).map((s) => s.caseId)).toEqual(['a']);
  });
});
