import { demoDistrict } from '@fengqiao/demo';
import { CommitteeLevel } from '@fengqiao/mediation-domain';

/** A people's mediation committee (人民调解委员会) or mediation centre, attached at a level. */
export interface Committee {
  id: string;
  name: string;
  level: CommitteeLevel;
  /** the district, town or village it is attached to */
  parentId: string;
  /** unit path from the district down to the committee: the jurisdiction of its cases */
  path: string[];
}

/** Where the mediation context finds committees (reference data; the demo district by default). */
export interface CommitteeDirectory {
  committee(id: string): Committee | undefined;
  /**
   * The committee that takes a dispute arising at this unit path (a grid case's location): the
   * committee attached to the deepest unit of the path that has one (village, then town, then district).
   */
  committeeFor(path: readonly string[]): Committee | undefined;
  all(): readonly Committee[];
}

export function committeeDirectoryOf(committees: readonly Committee[]): CommitteeDirectory {
  const byId = new Map(committees.map((c) => [c.id, c]));
  const byParent = new Map<string, Committee>();
  for (const c of committees) if (!byParent.has(c.parentId)) byParent.set(c.parentId, c);
  return {
    committee: (id) => byId.get(id),
    committeeFor(path) {
      for (let i = path.length - 1; i >= 0; i--) {
        const found = byParent.get(path[i]);
        if (found) return found;
      }
      return undefined;
    },
    all: () => committees,
  };
}

/** The demo district's 14 committees (district centre, town centres, every village). */
export function demoCommittees(): CommitteeDirectory {
  return committeeDirectoryOf(
    demoDistrict.committees.map((c) => ({ id: c.id, name: c.name, level: c.level, parentId: c.parentId, path: [...demoDistrict.unitPath(c.id)] })),
  );
}
