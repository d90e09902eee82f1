/**
 * Reads a directory change from untrusted input (an admin's HTTP request): checks the shape and
 * keeps only the known fields, so `Directory.apply` sees a well-typed change. Business rules
 * (parents, uniqueness, scopes) are checked by the Directory itself.
 */
import { assertNever, ValidationError } from '@fengqiao/kernel';
import type { AuditScope } from './unit';
import type { DirectoryChange, DirectorySnapshot, NewUnit, NewUser } from './directory';
import type { UserRole } from '../roles';
import type { Boundary } from './geo';

type Obj = Record<string, unknown>;

function fail(field: string, what: string): never {
  throw new ValidationError('DIRECTORY.INVALID_CHANGE', `变更内容有误：${field} ${what}`, { field });
}
function obj(v: unknown, field: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, '必须是对象');
  return v as Obj;
}
function str(o: Obj, key: string, field: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${field}.${key}`, '必须是文字');
  return v;
}
function optStr(o: Obj, key: string, field: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, field);
}
function strList(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(field, '必须是文字列表');
  return [...(v as string[])];
}
function scope(v: unknown, field: string): AuditScope {
  const o = obj(v, field);
  return { unitIds: strList(o['unitIds'], `${field}.unitIds`), personalDataUnitIds: strList(o['personalDataUnitIds'] ?? [], `${field}.personalDataUnitIds`) };
}

export function parseDirectoryChange(input: unknown): DirectoryChange {
  const c = obj(input, 'change');
  const type = c['type'];
  switch (type) {
    case 'UnitAdded': {
      const u = obj(c['unit'], 'change.unit');
      const parentId = u['parentId'] === null ? null : str(u, 'parentId', 'change.unit');
      const unit: NewUnit = {
        id: str(u, 'id', 'change.unit'),
        kind: str(u, 'kind', 'change.unit') as NewUnit['kind'],
        name: str(u, 'name', 'change.unit'),
        parentId,
      };
      if (u['boundary'] !== undefined) unit.boundary = obj(u['boundary'], 'change.unit.boundary') as unknown as Boundary;
      return { type, unit };
    }
    case 'UnitRenamed':
      return { type, unitId: str(c, 'unitId', 'change'), name: str(c, 'name', 'change') };
    case 'UnitMoved':
      return { type, unitId: str(c, 'unitId', 'change'), parentId: str(c, 'parentId', 'change') };
    case 'UnitBoundarySet':
      return {
        type,
        unitId: str(c, 'unitId', 'change'),
        boundary: c['boundary'] === null ? null : (obj(c['boundary'], 'change.boundary') as unknown as Boundary),
      };
    case 'UnitRetired':
      return { type, unitId: str(c, 'unitId', 'change') };
    case 'UserAdded': {
      const u = obj(c['user'], 'change.user');
      const user: NewUser = {
        id: str(u, 'id', 'change.user'),
        username: str(u, 'username', 'change.user'),
        displayName: str(u, 'displayName', 'change.user'),
        unitId: str(u, 'unitId', 'change.user'),
        roles: strList(u['roles'], 'change.user.roles') as UserRole[],
      };
      if (u['auditScope'] !== undefined) user.auditScope = scope(u['auditScope'], 'change.user.auditScope');
      return { type, user };
    }
    case 'UserChanged': {
      const displayName = optStr(c, 'displayName', 'change');
      const unitId = optStr(c, 'unitId', 'change');
      return {
        type,
        userId: str(c, 'userId', 'change'),
        ...(displayName !== undefined ? { displayName } : {}),
        ...(unitId !== undefined ? { unitId } : {}),
        ...(c['roles'] !== undefined ? { roles: strList(c['roles'], 'change.roles') as UserRole[] } : {}),
        ...(c['auditScope'] !== undefined ? { auditScope: c['auditScope'] === null ? null : scope(c['auditScope'], 'change.auditScope') } : {}),
      };
    }
    case 'UserDisabled':
    case 'UserEnabled':
      return { type, userId: str(c, 'userId', 'change') };
    default:
      return fail('change.type', `未知的变更类型 ${String(type)}`);
  }
}

/**
 * The unit paths a change touches, for the jurisdiction check of whoever makes it: an admin may
 * change only what lies in their own unit's subtree (before and after the change). Unknown ids give
 * empty paths, which no scope contains; the Directory reports them as not found.
 */
export function affectedUnitPaths(snapshot: DirectorySnapshot, change: DirectoryChange): string[][] {
  const userUnit = (userId: string) => snapshot.pathOf(snapshot.user(userId)?.unitId ?? '');
  switch (change.type) {
    case 'UnitAdded':
      return [change.unit.parentId === null ? [change.unit.id] : snapshot.pathOf(change.unit.parentId)];
    case 'UnitRenamed':
    case 'UnitBoundarySet':
    case 'UnitRetired':
      return [snapshot.pathOf(change.unitId)];
    case 'UnitMoved':
      return [snapshot.pathOf(change.unitId), snapshot.pathOf(change.parentId)];
    case 'UserAdded':
      return [snapshot.pathOf(change.user.unitId), ...(change.user.auditScope?.unitIds ?? []).map((id) => snapshot.pathOf(id))];
    case 'UserChanged':
      return [
        userUnit(change.userId),
        ...(change.unitId !== undefined ? [snapshot.pathOf(change.unitId)] : []),
        ...(change.auditScope ? change.auditScope.unitIds.map((id) => snapshot.pathOf(id)) : []),
      ];
    case 'UserDisabled':
    case 'UserEnabled':
      return [userUnit(change.userId)];
    default:
      return assertNever(change, 'directory change');
  }
}
