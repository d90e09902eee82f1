import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { ValidationError } from '@fengqiao/kernel';

/** GeoJSON (RFC 7946) positions are [longitude, latitude] in WGS 84. */
export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
/** The boundary of a grid (or of any unit that has one). */
export type Boundary = PolygonGeometry | MultiPolygonGeometry;

function invalid(reason: string): never {
  throw new ValidationError('DIRECTORY.INVALID_BOUNDARY', `网格边界不是有效的 GeoJSON 多边形：${reason}`, { reason });
}

function checkRing(ring: unknown, where: string): void {
  if (!Array.isArray(ring) || ring.length < 4) invalid(`${where} 至少需要 4 个坐标点（首尾相同）`);
  for (const p of ring) {
    if (!Array.isArray(p) || p.length < 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      invalid(`${where} 含有无效坐标`);
    }
    const [lon, lat] = p as number[];
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) invalid(`${where} 坐标超出经纬度范围`);
  }
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) invalid(`${where} 首尾坐标必须相同（闭合）`);
}

function checkPolygon(rings: unknown, where: string): void {
  if (!Array.isArray(rings) || rings.length === 0) invalid(`${where} 没有外环`);
  rings.forEach((ring, i) => checkRing(ring, `${where} 第 ${i + 1} 环`));
}

/** Throws `DIRECTORY.INVALID_BOUNDARY` unless `value` is a well-formed Polygon or MultiPolygon. */
export function assertBoundary(value: unknown): asserts value is Boundary {
  if (typeof value !== 'object' || value === null) invalid('不是对象');
  const g = value as { type?: unknown; coordinates?: unknown };
  if (g.type === 'Polygon') return checkPolygon(g.coordinates, '多边形');
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) invalid('多多边形为空');
    g.coordinates.forEach((poly, i) => checkPolygon(poly, `第 ${i + 1} 个多边形`));
    return;
  }
  invalid(`类型必须是 Polygon 或 MultiPolygon，而不是 ${String(g.type)}`);
}

/** Whether the point [lon, lat] lies inside the boundary (edges count as inside). */
export function boundaryContains(boundary: Boundary, point: Position): boolean {
  return booleanPointInPolygon(point, boundary);
}
