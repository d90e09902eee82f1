import { ValidationError } from '@fengqiao/kernel';
import type { ChangeMeta, Directory, DirectoryChange, DirectoryEntry, NewUnit, NewUser } from './directory';

/** Reference data to load into an empty directory (demo district, test fixtures, a new deployment). */
export interface DirectorySeed {
  /** in any order: parents are added before their children */
  units: NewUnit[];
  users: NewUser[];
}

/** Orders units so that every parent comes before its children (stable otherwise). */
export function parentsFirst(units: readonly NewUnit[]): NewUnit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const done = new Set<string>();
  const out: NewUnit[] = [];
  const visit = (u: NewUnit, trail: Set<string>) => {
    if (done.has(u.id)) return;
    if (trail.has(u.id)) throw new ValidationError('DIRECTORY.SEED_CYCLE', `种子数据中的单位形成环：${[...trail, u.id].join(' → ')}`);
    trail.add(u.id);
    const parent = u.parentId === null ? undefined : byId.get(u.parentId);
    if (parent) visit(parent, trail);
    trail.delete(u.id);
    done.add(u.id);
    out.push(u);
  };
  for (const u of units) visit(u, new Set());
  return out;
}

/**
 * Loads `seed` into the directory as one atomic batch of changes, if the directory is empty.
 * Returns the entries written, or `[]` when the directory already had data (a restart).
 */
export function seedDirectory(directory: Directory, seed: DirectorySeed, meta: ChangeMeta): DirectoryEntry[] {
  if (directory.version > 0) return [];
  const changes: DirectoryChange[] = [
    ...parentsFirst(seed.units).map((unit): DirectoryChange => ({ type: 'UnitAdded', unit })),
    ...seed.users.map((user): DirectoryChange => ({ type: 'UserAdded', user })),
  ];
  return directory.applyAll(changes, meta);
}
