import type { UserRole } from '../roles';
import type { Boundary } from './geo';

/** Levels of the hierarchy (DESIGN §1) and the bodies attached at a level. */
export const UNIT_KINDS = ['district', 'town', 'village', 'grid', 'department', 'mediation_committee'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Which kind of unit each kind may hang under (`null`: it is the root). */
export const ALLOWED_PARENTS: Readonly<Record<UnitKind, readonly (UnitKind | null)[]>> = {
  district: [null],
  town: ['district'],
  village: ['town'],
  grid: ['village'],
  // functional departments and mediation committees are attached at a level (区 / 街镇 / 村居)
  department: ['district', 'town', 'village'],
  mediation_committee: ['district', 'town', 'village'],
};

/**
 * Unit ids from the district down to a unit, the unit itself last, e.g.
 * `['d-1', 't-3', 'v-12', 'g-40']`. Events and read models store it as `jurisdiction`.
 */
export type UnitPath = readonly string[];

export interface UnitRecord {
  id: string;
  kind: UnitKind;
  /** Chinese name, e.g. 枫源村 */
  name: string;
  parentId: string | null;
  /** grids (and optionally other units) have a GeoJSON boundary */
  boundary?: Boundary;
  /** a retired unit keeps its place in history but takes no new users or children */
  retired: boolean;
}

export interface Unit extends UnitRecord {
  path: string[];
}

/**
 * What an auditor may read (DESIGN §1: "an auditor's scope is set explicitly"): the subtrees under
 * `unitIds`, and personal data only in the subtrees under `personalDataUnitIds` (each of which must
 * lie inside `unitIds`).
 */
export interface AuditScope {
  unitIds: string[];
  personalDataUnitIds: string[];
}

export interface DirectoryUser {
  id: string;
  /** login name, unique without regard to case */
  username: string;
  /** staff name shown in the console (staff, not parties: not masked) */
  displayName: string;
  unitId: string;
  roles: UserRole[];
  auditScope?: AuditScope;
  disabled: boolean;
}

/** Whether a unit path lies in the subtree of `scopeUnitId` (the unit itself included). */
export function isWithin(unitPath: UnitPath, scopeUnitId: string): boolean {
  return unitPath.includes(scopeUnitId);
}

/** Whether a unit path lies in the subtree of any of the given units. */
export function isWithinAny(unitPath: UnitPath, scopeUnitIds: readonly string[]): boolean {
  return scopeUnitIds.some((id) => unitPath.includes(id));
}
