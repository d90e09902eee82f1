import { parseInstant } from '@fengqiao/kernel';
import { GeoPoint } from './grid-case-report.types';

/**
 * Duplicate suggestion (DESIGN §5.1; FixMyStreet `nearby.json`): reports of the same category within
 * a radius in metres and a time window are suggested to the operator, nearest first. Suggestion
 * only: an operator merges (`MergeAsDuplicate`). Pure functions; the caller supplies the candidates
 * (e.g. open cases of the category from a read model).
 */

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METRES = 6_371_008.8;

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance between two WGS84 points by the haversine formula, in metres. */
export function haversineMetres(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface DuplicateCandidate {
  caseId: string;
  category: string;
  /** cases located only by address cannot be compared and are never suggested */
  point?: GeoPoint | null;
  /** ISO instant with zone */
  reportedAt: string;
}

export interface DuplicatePolicy {
  /** 0 disables suggestions for the category */
  radiusMetres: number;
  /** reports this many hours before or after count */
  windowHours: number;
  /** at most this many suggestions (default 5, as FixMyStreet) */
  limit?: number;
}

export interface DuplicateSuggestion {
  caseId: string;
  distanceMetres: number;
  hoursApart: number;
}

/**
 * Earlier or later reports that may describe the same matter as `report`: same category, both
 * located by a point, at most `radiusMetres` apart, reported at most `windowHours` apart; nearest
 * first, then closest in time, then by case id; the report itself is never suggested.
 * `policy` may depend on the category (a per-category radius, as FixMyStreet).
 */
export function suggestDuplicates(
  report: DuplicateCandidate,
  candidates: readonly DuplicateCandidate[],
  policy: DuplicatePolicy | ((category: string) => DuplicatePolicy),
): DuplicateSuggestion[] {
  const p = typeof policy === 'function' ? policy(report.category) : policy;
  if (!report.point || p.radiusMetres <= 0) return [];
  const at = parseInstant(report.reportedAt);
  const out: DuplicateSuggestion[] = [];
  for (const c of candidates) {
    if (c.caseId === report.caseId || c.category !== report.category || !c.point) continue;
    const hoursApart = Math.abs(parseInstant(c.reportedAt) - at) / 3_600_000;
    if (hoursApart > p.windowHours) continue;
    const distanceMetres = haversineMetres(report.point, c.point);
    if (distanceMetres > p.radiusMetres) continue;
    out.push({ caseId: c.caseId, distanceMetres, hoursApart });
  }
  out.sort((a, b) => a.distanceMetres - b.distanceMetres || a.hoursApart - b.hoursApart || a.caseId.localeCompare(b.caseId));
  return out.slice(0, p.limit ?? 5);
}
