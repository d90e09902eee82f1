import type { Directory } from '@fengqiao/identity';
import { demoDistrict } from '@fengqiao/demo';
import { ValidationError } from '@fengqiao/kernel';

/** What petitions needs of a unit: its name, kind and path from the district down (itself last). */
export interface PetitionUnit {
  id: string;
  name: string;
  kind: string;
  path: string[];
}

/**
 * Units for jurisdiction paths and names on documents. In standalone mode the built-in issuer's
 * directory of the same process; a distributed replica has no directory and uses the demo
 * district's units where the demo is loaded, else trusts ids as given (path = the id alone).
 */
export class PetitionUnits {
  constructor(
    private readonly directory: () => Pick<Directory, 'current'> | undefined,
    private readonly demo: () => boolean,
  ) {}

  unit(id: string): PetitionUnit | undefined {
    const dir = this.directory();
    if (dir) {
      const u = dir.current().unit(id);
      return u && !u.retired ? { id: u.id, name: u.name, kind: u.kind, path: [...u.path] } : undefined;
    }
    if (this.demo()) {
      try {
        const path = demoDistrict.unitPath(id);
        return { id, name: demoUnitName(id), kind: demoDistrict.directory.units.find((u) => u.id === id)?.kind ?? 'unit', path };
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** Whether units can be checked at all (a directory or the demo). */
  get known(): boolean {
    return this.directory() !== undefined || this.demo();
  }

  pathOf(id: string): string[] {
    return this.unit(id)?.path ?? [id];
  }

  nameOf(id: string): string {
    return this.unit(id)?.name ?? id;
  }

  /** 400 `PETITIONS.UNKNOWN_UNIT` naming the field, when units are known and this one is not. */
  require(id: string, field: string): void {
    if (this.known && !this.unit(id)) throw new ValidationError('PETITIONS.UNKNOWN_UNIT', `单位不存在：${id}`, { field, unitId: id });
  }

  /** Union of the paths of `ids`, in order, without repeats. */
  jurisdictionOf(...ids: (string | undefined)[]): string[] {
    const out: string[] = [];
    for (const id of ids) if (id) for (const step of this.pathOf(id)) if (!out.includes(step)) out.push(step);
    return out;
  }
}

function demoUnitName(id: string): string {
  return demoDistrict.directory.units.find((u) => u.id === id)?.name ?? id;
}
