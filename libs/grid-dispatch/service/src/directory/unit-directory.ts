import type { Directory } from '@fengqiao/identity';
import { ValidationError } from '@fengqiao/kernel';

/** What grid-dispatch needs to know of a unit: its kind and its path from the district down. */
export interface DirectoryUnit {
  id: string;
  kind: string;
  name: string;
  /** unit ids from the district down to this unit, the unit itself last */
  path: string[];
  retired: boolean;
}

/**
 * The units of the district, for routing rules (do the scope and the responsible unit exist?) and
 * for the `jurisdiction` of a case (the path of the unit handling it). In standalone mode it is
 * the built-in issuer's directory in the same process; a distributed replica without a directory
 * trusts unit ids as given and records only the unit's own id for the handling unit.
 */
export interface UnitDirectory {
  unit(id: string): DirectoryUnit | undefined;
  /** every unit (for the routing table's coverage check); absent: coverage is checked by category only */
  units?(): DirectoryUnit[];
}

/** The live directory of @fengqiao/identity (changes are seen at once). */
export function unitDirectoryOf(directory: Pick<Directory, 'current'>): UnitDirectory {
  return {
    unit(id) {
      const u = directory.current().unit(id);
      return u ? { id: u.id, kind: u.kind, name: u.name, path: [...u.path], retired: u.retired } : undefined;
    },
    units() {
      return directory
        .current()
        .units()
        .map((u) => ({ id: u.id, kind: u.kind, name: u.name, path: [...u.path], retired: u.retired }));
    },
  };
}

/** Unit path of `unitId`: from the directory when it knows the unit, else the id alone. */
export function pathOfUnit(directory: UnitDirectory | undefined, unitId: string): string[] {
  return directory?.unit(unitId)?.path ?? [unitId];
}

/** Refuses a unit the directory does not know or has retired (no check without a directory). */
export function assertKnownUnit(directory: UnitDirectory | undefined, unitId: string, field: string, kinds?: readonly string[]): void {
  if (!directory) return;
  const unit = directory.unit(unitId);
  if (!unit) throw new ValidationError('GRID_DISPATCH.UNKNOWN_UNIT', `单位不存在：${unitId}`, { field, unitId });
  if (unit.retired) throw new ValidationError('GRID_DISPATCH.RETIRED_UNIT', `单位已撤销：${unit.name}（${unitId}）`, { field, unitId });
  if (kinds && !kinds.includes(unit.kind)) {
    throw new ValidationError('GRID_DISPATCH.WRONG_UNIT_KIND', `单位 ${unit.name}（${unitId}）的类型不能用于此处`, {
      field,
      unitId,
      kind: unit.kind,
      expected: kinds,
    });
  }
}

/** Union of unit paths, in order, without repeats. */
export function unionPaths(...paths: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const path of paths) for (const id of path) if (!out.includes(id)) out.push(id);
  return out;
}
