import type { DirectorySnapshot } from './directory';

/**
 * The `jurisdiction` array of a case: the unit path of where the case is, followed by the ids of
 * the units handling it that are not on that path (a district department it was dispatched to,
 * the mediation committee that took it), with the paths above them. Whoever's unit appears in it
 * may act on the case (subject to the role × action table), and the read-store filter
 * `{ jurisdiction: { $in: scopeUnitIds } }` finds exactly those cases.
 */
export function jurisdictionOf(snapshot: DirectorySnapshot, locationUnitId: string, ...handlingUnitIds: string[]): string[] {
  const out: string[] = [];
  for (const id of [locationUnitId, ...handlingUnitIds]) {
    const path = snapshot.pathOf(id);
    if (path.length === 0) snapshot.requireUnit(id);
    for (const step of path) if (!out.includes(step)) out.push(step);
  }
  return out;
}
