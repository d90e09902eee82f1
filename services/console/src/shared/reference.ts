import { get } from '../api/client';
import type { Category, Unit } from '../api/types';

/** Reference data every page shares (the directory's units with their GeoJSON, the case categories), loaded once per session. */
let units: Promise<Unit[]> | null = null;
let categories: Promise<Category[]> | null = null;

export function loadUnits(): Promise<Unit[]> {
  units ??= get<{ units: Unit[] }>('/directory/units').then((a) => a.units.filter((u) => !u.retired));
  units.catch(() => (units = null));
  return units;
}

export function loadCategories(): Promise<Category[]> {
  // every category (the public Open311 list leaves out disputes and public-security leads)
  categories ??= get<Category[]>('/intake/categories');
  categories.catch(() => (categories = null));
  return categories;
}

export function forgetReference(): void {
  units = null;
  categories = null;
}

export const UNIT_KIND_LABEL: Record<string, string> = {
  district: '区',
  town: '街镇',
  village: '村居',
  grid: '网格',
  department: '职能部门',
  committee: '调解委员会',
  mediation_committee: '调解委员会',
};

/** The centre of a unit's boundary (the middle of its bounding box), as [lng, lat]. */
export function centreOf(unit: Unit): [number, number] | null {
  const ring =
    unit.boundary?.type === 'Polygon'
      ? (unit.boundary.coordinates as number[][][])[0]
      : unit.boundary?.type === 'MultiPolygon'
        ? (unit.boundary.coordinates as number[][][][])[0][0]
        : null;
  if (!ring?.length) return null;
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}
