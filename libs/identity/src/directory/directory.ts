/**
 * The directory: units, grid boundaries and users as versioned reference data.
 *
 * Every change is an entry `{ version, at, by, change }` in an append-only journal; the state at
 * any version (or at any time) is the fold of the entries up to it, so a past decision can be
 * checked against the directory of its day (`asOf`). Tokens carry the version they were issued
 * under (`Principal.directoryVersion`) so the events a request produces can record it.
 */
import { IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { boundaryContains, type Position } from './geo';
import type { DirectoryJournal } from './directory-journal';
import { MemoryDirectoryJournal } from './directory-journal';
import {
  checkId,
  emptyState,
  evolve,
  invalid,
  normaliseUsername,
  pathIn,
  validate,
  type DirectoryChange,
  type DirectoryEntry,
  type DirectoryState,
} from './directory-changes';
import { isWithin, type DirectoryUser, type Unit } from './unit';

export { normaliseUsername, type DirectoryChange, type DirectoryEntry, type NewUnit, type NewUser } from './directory-changes';

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
