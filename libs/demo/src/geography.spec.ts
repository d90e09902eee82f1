import { boundaryContains, type Boundary, type Position } from '@fengqiao/identity';
import { bboxOf, boundaryHas, demoGeography, gridAt, pointInGrid } from './index';

const { areaUnits, grids, villages, towns } = demoGeography;
const boundaryOf = (id: string): Boundary => {
  const b = areaUnits.find((u) => u.id === id)?.boundary;
  if (!b) throw new Error(`no boundary for ${id}`);
  return b;
};

/** a closed axis-aligned rectangle ring: returns its box, or null */
function rectangleBox(b: Boundary): [number, number, number, number] | null {
  if (b.type !== 'Polygon' || b.coordinates.length !== 1) return null;
  const ring = b.coordinates[0];
  if (ring.length !== 5) return null;
  const [w, s, e, n] = bboxOf(b);
  const corners = new Set(ring.slice(0, 4).map(([x, y]) => `${x},${y}`));
  const expected = [`${w},${s}`, `${e},${s}`, `${e},${n}`, `${w},${n}`];
  return expected.every((c) => corners.has(c)) && corners.size === 4 && w < e && s < n ? [w, s, e, n] : null;
}

const overlapArea = (a: number[], b: number[]) =>
  Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
const area = (a: number[]) => (a[2] - a[0]) * (a[3] - a[1]);

/** children rectangles tile the parent rectangle: inside it, pairwise disjoint, areas add up */
function expectTiles(parentId: string, childIds: readonly string[]): void {
  const parent = rectangleBox(boundaryOf(parentId));
  expect(parent).not.toBeNull();
  const boxes = childIds.map((id) => rectangleBox(boundaryOf(id)));
  for (const box of boxes) {
    expect(box).not.toBeNull();
    expect(overlapArea(box as number[], parent as number[])).toBeCloseTo(area(box as number[]), 12);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) expect(overlapArea(boxes[i] as number[], boxes[j] as number[])).toBe(0);
  }
  const total = boxes.reduce((sum, b) => sum + area(b as number[]), 0);
  expect(total).toBeCloseTo(area(parent as number[]), 12);
}

describe('demo geography', () => {
  it('places the district around lon 120.2, lat 29.7', () => {
    const [w, s, e, n] = bboxOf(boundaryOf('d-fq'));
    expect((w + e) / 2).toBeCloseTo(120.21, 2);
    expect((s + n) / 2).toBeCloseTo(29.7, 2);
  });

  it('grids tile each village, villages tile each town, towns tile the district', () => {
    for (const v of villages) expectTiles(v.id, v.gridIds);
    for (const t of towns) expectTiles(t.id, t.villageIds);
    expectTiles(
      'd-fq',
      towns.map((t) => t.id),
    );
  });

  it('puts every sampled point of a village, grid edges included, in exactly one grid of that village', () => {
    const N = 16;
    for (const v of villages) {
      const [w, s, e, n] = bboxOf(boundaryOf(v.id));
      const xs = new Set<number>();
      const ys = new Set<number>();
      for (let i = 0; i < N; i++) {
        xs.add(w + ((i + 0.5) * (e - w)) / N);
        ys.add(s + ((i + 0.5) * (n - s)) / N);
      }
      // the inner edges between grids, where a sloppy tiling would double-count or miss points
      for (const id of v.gridIds) {
        const [gw, gs] = bboxOf(boundaryOf(id));
        xs.add(gw);
        ys.add(gs);
      }
      const failures: string[] = [];
      for (const x of xs) {
        for (const y of ys) {
          const p: Position = [x, y];
          const hits = grids.filter((g) => boundaryHas(g.boundary, p));
          if (hits.length !== 1 || hits[0].villageId !== v.id) failures.push(`${x},${y} → ${hits.map((g) => g.id).join('+') || 'none'}`);
          else if (gridAt(x, y) !== hits[0].id) failures.push(`${x},${y}: gridAt ${gridAt(x, y)}`);
          // away from edges the identity lib's test (edges inclusive) agrees
          const onEdge = v.gridIds.some((id) => bboxOf(boundaryOf(id)).some((c, k) => c === (k % 2 === 0 ? x : y)));
          if (!onEdge && hits.length === 1) {
            const inclusive = grids.filter((g) => boundaryContains(g.boundary, p)).map((g) => g.id);
            if (inclusive.length !== 1 || inclusive[0] !== hits[0].id) failures.push(`${x},${y}: boundaryContains ${inclusive.join('+')}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }
  });

  it('gridAt is null outside the district', () => {
    expect(gridAt(120.1, 29.7)).toBeNull();
    expect(gridAt(120.21, 29.8)).toBeNull();
    expect(gridAt(120.27, 29.7)).toBeNull(); // the district's east edge belongs to no grid (half-open)
  });

  it('gridAt(pointInGrid(g)) is g for every grid, at the centre and near the corners', () => {
    for (const g of grids) {
      for (const [fx, fy] of [
        [0.5, 0.5],
        [0.05, 0.05],
        [0.95, 0.95],
        [0.05, 0.95],
      ]) {
        const [lon, lat] = pointInGrid(g.id, fx, fy);
        expect(gridAt(lon, lat)).toBe(g.id);
      }
    }
  });

  it('pointInGrid refuses unknown grids and fractions outside (0, 1)', () => {
    expect(() => pointInGrid('g-0-0-0')).toThrow(expect.objectContaining({ code: 'DEMO.UNKNOWN_GRID' }));
    expect(() => pointInGrid('g-1-1-1', 1, 0.5)).toThrow(expect.objectContaining({ code: 'DEMO.POINT_OUTSIDE_GRID' }));
    expect(() => pointInGrid('g-1-1-1', 0.5, 0)).toThrow(expect.objectContaining({ code: 'DEMO.POINT_OUTSIDE_GRID' }));
  });

  it('boundaryHas handles holes and multipolygons (even–odd)', () => {
    const square = (w: number, s: number, size: number): Position[] => [
      [w, s],
      [w + size, s],
      [w + size, s + size],
      [w, s + size],
      [w, s],
    ];
    const withHole: Boundary = { type: 'Polygon', coordinates: [square(0, 0, 10), square(4, 4, 2)] };
    expect(boundaryHas(withHole, [1, 1])).toBe(true);
    expect(boundaryHas(withHole, [5, 5])).toBe(false);
    const multi: Boundary = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] };
    expect(boundaryHas(multi, [5.5, 5.5])).toBe(true);
    expect(boundaryHas(multi, [3, 3])).toBe(false);
  });
});
