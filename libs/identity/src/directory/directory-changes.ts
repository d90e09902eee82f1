/**
 * The directory's changes: their shapes, the rules a change must keep (`validate`) and how it
 * changes the state (`evolve`). Pure; `directory.ts` journals and folds them.
 */
import { assertNever, IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { isUserRole, type UserRole } from '../roles';
import { assertBoundary, type Boundary } from './geo';
import { ALLOWED_PARENTS, UNIT_KINDS, isWithin, type AuditScope, type DirectoryUser, type UnitKind, type UnitRecord } from './unit';

export interface NewUnit {
  id: string;
  kind: UnitKind;
  name: string;
  parentId: string | null;
  boundary?: Boundary;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  roles: UserRole[];
  auditScope?: AuditScope;
}

export type DirectoryChange =
  | { type: 'UnitAdded'; unit: NewUnit }
  | { type: 'UnitRenamed'; unitId: string; name: string }
  | { type: 'UnitMoved'; unitId: string; parentId: string }
  | { type: 'UnitBoundarySet'; unitId: string; boundary: Boundary | null }
  | { type: 'UnitRetired'; unitId: string }
  | { type: 'UserAdded'; user: NewUser }
  | {
      type: 'UserChanged';
      userId: string;
      displayName?: string;
      unitId?: string;
      roles?: UserRole[];
      /** `null` removes the scope */
      auditScope?: AuditScope | null;
    }
  | { type: 'UserDisabled'; userId: string }
  | { type: 'UserEnabled'; userId: string };

export interface DirectoryEntry {
  /** 1, 2, 3, … with no gap */
  version: number;
  /** ISO-8601 instant of the change; never earlier than the previous entry's */
  at: string;
  /** user id of whoever made the change (`system` for seeding) */
  by: string;
  change: DirectoryChange;
}

export interface DirectoryState {
  units: Map<string, UnitRecord>;
  users: Map<string, DirectoryUser>;
  /** normalised username → user id */
  usernames: Map<string, string>;
}

export const emptyState = (): DirectoryState => ({ units: new Map(), users: new Map(), usernames: new Map() });

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const USERNAME = /^[\p{L}\p{N}._@-]{2,64}$/u;

/** Usernames are compared in NFKC, lower case, without surrounding blanks. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

export function invalid(code: string, message: string, details?: Record<string, unknown>): never {
  throw new ValidationError(code, message, details);
}

export function checkId(id: unknown, field: string): asserts id is string {
  if (typeof id !== 'string' || !ID.test(id)) invalid('DIRECTORY.INVALID_ID', `${field} 必须是 1–128 位字母、数字或 ._:-`, { field });
}

function checkName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 100) {
    invalid('DIRECTORY.INVALID_NAME', `${field} 不能为空且不超过 100 字`, { field });
  }
}

function checkRoles(roles: unknown): asserts roles is UserRole[] {
  if (!Array.isArray(roles) || roles.length === 0) invalid('DIRECTORY.ROLES_REQUIRED', '用户至少要有一个角色');
  const bad = roles.filter((r) => !isUserRole(r));
  if (bad.length) invalid('DIRECTORY.UNKNOWN_ROLE', `未知角色：${bad.join('、')}`, { roles: bad });
  if (new Set(roles).size !== roles.length) invalid('DIRECTORY.DUPLICATE_ROLE', '角色不能重复');
}

export function activeUnit(state: DirectoryState, unitId: string, field: string): UnitRecord {
  const unit = state.units.get(unitId);
  if (!unit) throw new NotFoundError('DIRECTORY.UNIT_NOT_FOUND', `单位不存在：${unitId}`, { field, unitId });
  if (unit.retired) throw new IllegalStateError('DIRECTORY.UNIT_RETIRED', `单位已撤销：${unit.name}`, { field, unitId });
  return unit;
}

export function existingUser(state: DirectoryState, userId: string): DirectoryUser {
  const user = state.users.get(userId);
  if (!user) throw new NotFoundError('DIRECTORY.USER_NOT_FOUND', `用户不存在：${userId}`, { userId });
  return user;
}

export function pathIn(state: DirectoryState, unitId: string): string[] {
  const path: string[] = [];
  let current = state.units.get(unitId);
  while (current) {
    path.unshift(current.id);
    current = current.parentId === null ? undefined : state.units.get(current.parentId);
  }
  return path;
}

function checkParent(state: DirectoryState, kind: UnitKind, parentId: string | null): void {
  const allowed = ALLOWED_PARENTS[kind];
  if (parentId === null) {
    if (!allowed.includes(null)) invalid('DIRECTORY.PARENT_REQUIRED', `${kind} 必须挂在上级单位下`, { kind });
    const root = [...state.units.values()].find((u) => u.parentId === null && !u.retired);
    if (root) throw new IllegalStateError('DIRECTORY.SECOND_ROOT', `目录已有根单位：${root.name}`, { rootId: root.id });
    return;
  }
  checkId(parentId, 'parentId');
  const parent = activeUnit(state, parentId, 'parentId');
  if (!allowed.includes(parent.kind)) {
    invalid('DIRECTORY.PARENT_KIND', `${kind} 不能挂在 ${parent.kind} 下（允许：${allowed.join('、')}）`, {
      kind,
      parentKind: parent.kind,
    });
  }
}

function checkAuditScope(state: DirectoryState, roles: readonly UserRole[], scope: AuditScope | undefined | null): void {
  if (scope === undefined || scope === null) return;
  if (!roles.includes('auditor')) invalid('DIRECTORY.SCOPE_NOT_AUDITOR', '只有审计人员可以设置审计范围');
  if (!Array.isArray(scope.unitIds) || !Array.isArray(scope.personalDataUnitIds)) {
    invalid('DIRECTORY.INVALID_SCOPE', '审计范围必须列出单位（unitIds）和可见个人信息的单位（personalDataUnitIds）');
  }
  for (const id of [...scope.unitIds, ...scope.personalDataUnitIds]) {
    checkId(id, 'auditScope');
    activeUnit(state, id, 'auditScope');
  }
  for (const id of scope.personalDataUnitIds) {
    if (!scope.unitIds.some((root) => isWithin(pathIn(state, id), root))) {
      invalid('DIRECTORY.SCOPE_PERSONAL_DATA_OUTSIDE', `可见个人信息的单位 ${id} 不在审计范围内`, { unitId: id });
    }
  }
}

/** Throws a DomainError unless `change` may be applied to `state`. */
export function validate(state: DirectoryState, change: DirectoryChange): void {
  switch (change.type) {
    case 'UnitAdded': {
      const u = change.unit;
      checkId(u.id, 'unit.id');
      checkName(u.name, 'unit.name');
      if (!(UNIT_KINDS as readonly string[]).includes(u.kind)) invalid('DIRECTORY.UNKNOWN_UNIT_KIND', `未知单位类型：${String(u.kind)}`);
      if (state.units.has(u.id)) throw new IllegalStateError('DIRECTORY.UNIT_EXISTS', `单位编号已存在：${u.id}`, { unitId: u.id });
      checkParent(state, u.kind, u.parentId);
      if (u.boundary !== undefined) assertBoundary(u.boundary);
      return;
    }
    case 'UnitRenamed':
      activeUnit(state, change.unitId, 'unitId');
      checkName(change.name, 'name');
      return;
    case 'UnitMoved': {
      const unit = activeUnit(state, change.unitId, 'unitId');
      if (isWithin(pathIn(state, change.parentId), unit.id)) {
        invalid('DIRECTORY.MOVE_INTO_OWN_SUBTREE', '不能把单位移到它自己或它的下级单位下', { unitId: unit.id });
      }
      checkParent(state, unit.kind, change.parentId);
      return;
    }
    case 'UnitBoundarySet':
      activeUnit(state, change.unitId, 'unitId');
      if (change.boundary !== null) assertBoundary(change.boundary);
      return;
    case 'UnitRetired': {
      const unit = activeUnit(state, change.unitId, 'unitId');
      const child = [...state.units.values()].find((u) => u.parentId === unit.id && !u.retired);
      if (child) throw new IllegalStateError('DIRECTORY.UNIT_HAS_CHILDREN', `请先撤销下级单位：${child.name}`, { childId: child.id });
      const member = [...state.users.values()].find((u) => u.unitId === unit.id && !u.disabled);
      if (member) throw new IllegalStateError('DIRECTORY.UNIT_HAS_USERS', '请先调走或停用该单位的用户', { userId: member.id });
      return;
    }
    case 'UserAdded': {
      const u = change.user;
      checkId(u.id, 'user.id');
      if (state.users.has(u.id)) throw new IllegalStateError('DIRECTORY.USER_EXISTS', `用户编号已存在：${u.id}`, { userId: u.id });
      if (typeof u.username !== 'string' || !USERNAME.test(normaliseUsername(u.username))) {
        invalid('DIRECTORY.INVALID_USERNAME', '用户名须为 2–64 位字母、数字或 ._@-', { field: 'user.username' });
      }
      if (state.usernames.has(normaliseUsername(u.username))) {
        throw new IllegalStateError('DIRECTORY.USERNAME_TAKEN', `用户名已被使用：${u.username}`, { field: 'user.username' });
      }
      checkName(u.displayName, 'user.displayName');
      activeUnit(state, u.unitId, 'user.unitId');
      checkRoles(u.roles);
      checkAuditScope(state, u.roles, u.auditScope);
      return;
    }
    case 'UserChanged': {
      const user = existingUser(state, change.userId);
      if (change.displayName !== undefined) checkName(change.displayName, 'displayName');
      if (change.unitId !== undefined) activeUnit(state, change.unitId, 'unitId');
      if (change.roles !== undefined) checkRoles(change.roles);
      const roles = change.roles ?? user.roles;
      const scope = change.auditScope === undefined ? user.auditScope : change.auditScope;
      checkAuditScope(state, roles, scope);
      return;
    }
    case 'UserDisabled':
    case 'UserEnabled':
      existingUser(state, change.userId);
      return;
    default:
      assertNever(change);
  }
}

/** Applies a validated change to `state` in place. */
export function evolve(state: DirectoryState, change: DirectoryChange): void {
  switch (change.type) {
    case 'UnitAdded': {
      const { id, kind, name, parentId, boundary } = change.unit;
      state.units.set(id, { id, kind, name, parentId, ...(boundary ? { boundary } : {}), retired: false });
      return;
    }
    case 'UnitRenamed': {
      const unit = state.units.get(change.unitId);
      if (unit) state.units.set(unit.id, { ...unit, name: change.name });
      return;
    }
    case 'UnitMoved': {
      const unit = state.units.get(change.unitId);
      if (unit) state.units.set(unit.id, { ...unit, parentId: change.parentId });
      return;
    }
    case 'UnitBoundarySet': {
      const unit = state.units.get(change.unitId);
      if (!unit) return;
      const { boundary: _old, ...rest } = unit;
      state.units.set(unit.id, change.boundary ? { ...rest, boundary: change.boundary } : rest);
      return;
    }
    case 'UnitRetired': {
      const unit = state.units.get(change.unitId);
      if (unit) state.units.set(unit.id, { ...unit, retired: true });
      return;
    }
    case 'UserAdded': {
      const { id, username, displayName, unitId, roles, auditScope } = change.user;
      state.users.set(id, { id, username, displayName, unitId, roles: [...roles], ...(auditScope ? { auditScope } : {}), disabled: false });
      state.usernames.set(normaliseUsername(username), id);
      return;
    }
    case 'UserChanged': {
      const user = state.users.get(change.userId);
      if (!user) return;
      const { auditScope: oldScope, ...rest } = user;
      const scope = change.auditScope === undefined ? oldScope : (change.auditScope ?? undefined);
      state.users.set(user.id, {
        ...rest,
        ...(change.displayName !== undefined ? { displayName: change.displayName } : {}),
        ...(change.unitId !== undefined ? { unitId: change.unitId } : {}),
        ...(change.roles !== undefined ? { roles: [...change.roles] } : {}),
        ...(scope ? { auditScope: scope } : {}),
      });
      return;
    }
    case 'UserDisabled':
    case 'UserEnabled': {
      const user = state.users.get(change.userId);
      if (user) state.users.set(user.id, { ...user, disabled: change.type === 'UserDisabled' });
      return;
    }
    default:
      assertNever(change);
  }
}
