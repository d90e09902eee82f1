/**
 * The directory: units, grid boundaries and users as versioned reference data.
 *
 * Every change is an entry `{ version, at, by, change }` in an append-only journal; the state at
 * any version (or at any time) is the fold of the entries up to it, so a past decision can be
 * checked against the directory of its day (`asOf`). Tokens carry the version they were issued
 * under (`Principal.directoryVersion`) so the events a request produces can record it.
 */
import { assertNever, IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { isUserRole, type UserRole } from '../roles';
import { assertBoundary, boundaryContains, type Boundary, type Position } from './geo';
import type { DirectoryJournal } from './directory-journal';
import { MemoryDirectoryJournal } from './directory-journal';
import { ALLOWED_PARENTS, UNIT_KINDS, isWithin, type AuditScope, type DirectoryUser, type Unit, type UnitKind, type UnitRecord } from './unit';

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

interface DirectoryState {
  units: Map<string, UnitRecord>;
  users: Map<string, DirectoryUser>;
  /** normalised username → user id */
  usernames: Map<string, string>;
}

const emptyState = (): DirectoryState => ({ units: new Map(), users: new Map(), usernames: new Map() });

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const USERNAME = /^[\p{L}\p{N}._@-]{2,64}$/u;

/** Usernames are compared in NFKC, lower case, without surrounding blanks. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

function invalid(code: string, message: string, details?: Record<string, unknown>): never {
  throw new ValidationError(code, message, details);
}

function checkId(id: unknown, field: string): asserts id is string {
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

function activeUnit(state: DirectoryState, unitId: string, field: string): UnitRecord {
  const unit = state.units.get(unitId);
  if (!unit) throw new NotFoundError('DIRECTORY.UNIT_NOT_FOUND', `单位不存在：${unitId}`, { field, unitId });
  if (unit.retired) throw new IllegalStateError('DIRECTORY.UNIT_RETIRED', `单位已撤销：${unit.name}`, { field, unitId });
  return unit;
}

function existingUser(state: DirectoryState, userId: string): DirectoryUser {
  const user = state.users.get(userId);
  if (!user) throw new NotFoundError('DIRECTORY.USER_NOT_FOUND', `用户不存在：${userId}`, { userId });
  return user;
}

function pathIn(state: DirectoryState, unitId: string): string[] {
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
function validate(state: DirectoryState, change: DirectoryChange): void {
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
function evolve(state: DirectoryState, change: DirectoryChange): void {
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

/** The directory as it stood at one version: read-only. */
export class DirectorySnapshot {
  private readonly paths = new Map<string, string[]>();

  constructor(
    readonly version: number,
    /** time of the last change included, undefined for the empty directory */
    readonly at: string | undefined,
    private readonly state: DirectoryState,
  ) {}

  unit(id: string): Unit | undefined {
    const record = this.state.units.get(id);
    return record ? { ...record, path: this.pathOf(id) } : undefined;
  }

  requireUnit(id: string): Unit {
    const unit = this.unit(id);
    if (!unit) throw new NotFoundError('DIRECTORY.UNIT_NOT_FOUND', `单位不存在：${id}`, { unitId: id });
    return unit;
  }

  /** every unit, retired ones included (`retired: true`) */
  units(): Unit[] {
    return [...this.state.units.keys()].map((id) => this.requireUnit(id));
  }

  /** Unit ids from the district down to `unitId` (itself last); empty when unknown. */
  pathOf(unitId: string): string[] {
    let path = this.paths.get(unitId);
    if (!path) {
      path = this.state.units.has(unitId) ? pathIn(this.state, unitId) : [];
      this.paths.set(unitId, path);
    }
    return [...path];
  }

  children(unitId: string): Unit[] {
    return this.units().filter((u) => u.parentId === unitId);
  }

  /** The unit and everything below it. */
  subtree(unitId: string): Unit[] {
    return this.units().filter((u) => isWithin(u.path, unitId));
  }

  user(id: string): DirectoryUser | undefined {
    const user = this.state.users.get(id);
    return user ? structuredClone(user) : undefined;
  }

  userByUsername(username: string): DirectoryUser | undefined {
    const id = this.state.usernames.get(normaliseUsername(username));
    return id === undefined ? undefined : this.user(id);
  }

  users(): DirectoryUser[] {
    return [...this.state.users.values()].map((u) => structuredClone(u));
  }

  /** The active grid whose boundary contains [lon, lat], if any. */
  gridAt(point: Position): Unit | undefined {
    for (const unit of this.state.units.values()) {
      if (unit.kind === 'grid' && !unit.retired && unit.boundary && boundaryContains(unit.boundary, point)) {
        return this.unit(unit.id);
      }
    }
    return undefined;
  }
}

function copyState(state: DirectoryState): DirectoryState {
  return { units: new Map(state.units), users: new Map(state.users), usernames: new Map(state.usernames) };
}

function isoOf(at: Date | string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) invalid('DIRECTORY.INVALID_TIME', `无效的时间：${String(at)}`);
  return d.toISOString();
}

export interface ChangeMeta {
  /** user id of whoever makes the change */
  by: string;
  at: Date | string;
}

export class Directory {
  private readonly log: DirectoryEntry[];
  private state: DirectoryState;
  private cached: DirectorySnapshot | undefined;
  private readonly listeners = new Set<(entries: readonly DirectoryEntry[]) => void>();
  private readonly waiters: { version: number; resolve: () => void }[] = [];

  private constructor(private readonly journal: DirectoryJournal) {
    this.log = [];
    this.state = emptyState();
    for (const entry of journal.load()) {
      if (entry.version !== this.log.length + 1) {
        throw new IllegalStateError('DIRECTORY.JOURNAL_GAP', `目录变更记录不连续：期望版本 ${this.log.length + 1}，读到 ${entry.version}`);
      }
      validate(this.state, entry.change);
      evolve(this.state, entry.change);
      this.log.push(entry);
    }
  }

  /** Loads the journal (replaying and re-validating every entry). */
  static open(journal: DirectoryJournal = new MemoryDirectoryJournal()): Directory {
    return new Directory(journal);
  }

  get version(): number {
    return this.log.length;
  }

  /** Validates and records one change. */
  apply(change: DirectoryChange, meta: ChangeMeta): DirectoryEntry {
    const [entry] = this.applyAll([change], meta);
    return entry;
  }

  /** Validates every change in order and records all of them, or none. */
  applyAll(changes: readonly DirectoryChange[], meta: ChangeMeta): DirectoryEntry[] {
    checkId(meta.by, 'by');
    const at = isoOf(meta.at);
    const last = this.log[this.log.length - 1];
    if (last && at < last.at) {
      throw new ValidationError('DIRECTORY.TIME_BEFORE_LAST_CHANGE', `变更时间不能早于上一次变更（${last.at}）`, { lastAt: last.at });
    }
    const next = copyState(this.state);
    const entries = changes.map((change, i) => {
      validate(next, change);
      evolve(next, change);
      return { version: this.log.length + i + 1, at, by: meta.by, change: structuredClone(change) };
    });
    this.record(entries, next);
    return entries.map((e) => structuredClone(e));
  }

  /**
   * Applies an entry recorded by the directory's owner elsewhere (a follower of its published
   * changes), keeping its version, time and author. Idempotent by version: an entry already held
   * returns false; an entry past the next version is a gap (`DIRECTORY.JOURNAL_GAP`), so the
   * changes are applied in order or not at all.
   */
  follow(entry: DirectoryEntry): boolean {
    if (!Number.isInteger(entry.version) || entry.version < 1) invalid('DIRECTORY.INVALID_VERSION', `目录版本无效：${String(entry.version)}`);
    if (entry.version <= this.version) return false;
    if (entry.version !== this.version + 1) {
      throw new IllegalStateError('DIRECTORY.JOURNAL_GAP', `目录变更记录不连续：期望版本 ${this.version + 1}，收到 ${entry.version}`, {
        expected: this.version + 1,
        received: entry.version,
      });
    }
    const next = copyState(this.state);
    validate(next, entry.change);
    evolve(next, entry.change);
    this.record([{ version: entry.version, at: isoOf(entry.at), by: entry.by, change: structuredClone(entry.change) }], next);
    return true;
  }

  /** Calls `listener` after every recorded batch of entries (own changes and followed ones); returns the unsubscribe. */
  onChange(listener: (entries: readonly DirectoryEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true once the directory has reached `version`, false after `timeoutMs`. */
  async reached(version: number, timeoutMs: number): Promise<boolean> {
    if (this.version >= version) return true;
    return new Promise<boolean>((resolve) => {
      const waiter = { version, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(this.version >= version);
      }, timeoutMs);
      timer.unref?.();
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private record(entries: DirectoryEntry[], next: DirectoryState): void {
    this.journal.append(entries);
    this.log.push(...entries);
    this.state = next;
    this.cached = undefined;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].version <= this.version) this.waiters.splice(i, 1)[0].resolve();
    }
    for (const listener of this.listeners) listener(entries);
  }

  current(): DirectorySnapshot {
    this.cached ??= new DirectorySnapshot(this.version, this.log[this.log.length - 1]?.at, copyState(this.state));
    return this.cached;
  }

  /** The directory as it was at a version (a number) or at a time (the last change at or before it). */
  asOf(point: number | Date | string): DirectorySnapshot {
    let version: number;
    if (typeof point === 'number') {
      if (!Number.isInteger(point) || point < 0 || point > this.version) {
        throw new NotFoundError('DIRECTORY.VERSION_NOT_FOUND', `目录版本不存在：${point}（当前 ${this.version}）`, { version: point });
      }
      version = point;
    } else {
      const at = isoOf(point);
      version = 0;
      while (version < this.log.length && this.log[version].at <= at) version++;
    }
    if (version === this.version) return this.current();
    const state = emptyState();
    for (const entry of this.log.slice(0, version)) evolve(state, entry.change);
    return new DirectorySnapshot(version, this.log[version - 1]?.at, state);
  }

  /** Entries after `afterVersion` (all by default), oldest first. */
  entries(afterVersion = 0): DirectoryEntry[] {
    return this.log.slice(afterVersion).map((e) => structuredClone(e));
  }
}
