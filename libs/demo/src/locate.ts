/** Pure look-ups over the demo district's units and grid boundaries. */
import type { NewUnit, Position } from '@fengqiao/identity';
import { NotFoundError, ValidationError } from '@fengqiao/kernel';
import { bboxOf, boundaryHas, demoGeography } from './geography';
import { organisationUnits } from './organisation';

export const demoUnits: readonly NewUnit[] = [...demoGeography.areaUnits, ...organisationUnits];
const unitById = new Map(demoUnits.map((u) => [u.id, u]));

/**
 * The grid containing [lon, lat], or null outside every grid. A point on an edge shared by two
 * grids belongs to exactly one of them (half-open test, see `boundaryHas`).
 */
export function gridAt(lon: number, lat: number): string | null {
  const point: Position = [lon, lat];
  return demoGeography.grids.find((g) => boundaryHas(g.boundary, point))?.id ?? null;
}

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * A point [lon, lat] inside a grid: by default the middle of its bounding box, or the point at
 * fractions (fx, fy) of the box from its south-west corner (0 < fx, fy < 1). Coordinates are
 * rounded to 6 decimals (about 0.1 m). Throws for an unknown grid or a point that falls outside.
 */
export function pointInGrid(gridId: string, fx = 0.5, fy = 0.5): Position {
  const grid = demoGeography.grids.find((g) => g.id === gridId);
  if (!grid) throw new NotFoundError('DEMO.UNKNOWN_GRID', `示范区没有网格：${gridId}`, { gridId });
  if (!(fx > 0 && fx < 1 && fy > 0 && fy < 1)) {
    throw new ValidationError('DEMO.POINT_OUTSIDE_GRID', '网格内取点的比例须在 0 与 1 之间（不含端点）', { gridId, fx, fy });
  }
  const [w, s, e, n] = bboxOf(grid.boundary);
  const point: Position = [round6(w + fx * (e - w)), round6(s + fy * (n - s))];
  if (!boundaryHas(grid.boundary, point)) {
    throw new ValidationError('DEMO.POINT_OUTSIDE_GRID', `所取的点不在网格 ${gridId} 内`, { gridId, fx, fy });
  }
  return point;
}

/** Unit ids from the district down to `unitId`, the unit itself last (identity's `UnitPath`). */
export function unitPath(unitId: string): string[] {
  const path: string[] = [];
  let unit = unitById.get(unitId);
  if (!unit) throw new NotFoundError('DEMO.UNKNOWN_UNIT', `示范区没有单位：${unitId}`, { unitId });
  while (unit) {
    path.unshift(unit.id);
    unit = unit.parentId === null ? undefined : unitById.get(unit.parentId);
  }
  return path;
}
