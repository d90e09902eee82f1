import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DomainError } from '@fengqiao/kernel';
import { FIXTURE_UNITS as U, FIXTURE_USERS, fixtureDirectory, fixtureSeed, squareBoundary } from '../testing/fixture-directory';
import { Directory, type DirectoryChange } from './directory';
import { jurisdictionOf } from './jurisdiction';
import { seedDirectory } from './seed';
import { SqliteDirectoryJournal } from './sqlite-directory-journal';
import { isWithin, isWithinAny } from './unit';

const T1 = '2025-02-01T00:00:00.000Z';
const T2 = '2025-03-01T00:00:00.000Z';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('Directory', () => {
  it('gives each unit its path from the district down', () => {
    const snap = fixtureDirectory().current();
    expect(snap.pathOf(U.gridFengyuan)).toEqual([U.district, U.townFengqiao, U.villageFengyuan, U.gridFengyuan]);
    expect(snap.pathOf(U.departmentUrbanManagement)).toEqual([U.district, U.departmentUrbanManagement]);
    expect(snap.pathOf(U.committeeFengyuan)).toEqual([U.district, U.townFengqiao, U.villageFengyuan, U.committeeFengyuan]);
    expect(snap.pathOf('nope')).toEqual([]);
    expect(
      snap
        .subtree(U.townFengqiao)
        .map((u) => u.id)
        .sort(),
    ).toEqual([U.townFengqiao, U.villageFengyuan, U.villageLiqiao, U.gridFengyuan, U.gridLiqiao, U.committeeFengyuan].sort());
    expect(
      snap
        .children(U.district)
        .map((u) => u.id)
        .sort(),
    ).toEqual([U.departmentUrbanManagement, U.townChengdong, U.townFengqiao].sort());
  });

  it('decides subtree membership from the path', () => {
    const path = fixtureDirectory().current().pathOf(U.gridLiqiao);
    expect(isWithin(path, U.townFengqiao)).toBe(true);
    expect(isWithin(path, U.gridLiqiao)).toBe(true);
    expect(isWithin(path, U.villageFengyuan)).toBe(false);
    expect(isWithin(path, U.townChengdong)).toBe(false);
    expect(isWithinAny(path, [U.townChengdong, U.villageLiqiao])).toBe(true);
    expect(isWithinAny(path, [])).toBe(false);
  });

  it('finds the grid containing a point from the GeoJSON boundaries', () => {
    const snap = fixtureDirectory().current();
    expect(snap.gridAt([120.205, 29.605])?.id).toBe(U.gridFengyuan);
    expect(snap.gridAt([120.215, 29.605])?.id).toBe(U.gridLiqiao);
    expect(snap.gridAt([120.315, 29.609])?.id).toBe(U.gridXiyuan);
    expect(snap.gridAt([121, 30])).toBeUndefined();
  });

  it('finds users by id and by username regardless of case', () => {
    const snap = fixtureDirectory().current();
    expect(snap.userByUsername('OPERATOR.Fixture')?.id).toBe(FIXTURE_USERS.operator);
    expect(snap.user(FIXTURE_USERS.auditor)?.auditScope).toEqual({ unitIds: [U.townFengqiao], personalDataUnitIds: [U.villageFengyuan] });
    expect(snap.userByUsername('nobody')).toBeUndefined();
  });

  it('records who changed what and when, and answers as of a version or a time', () => {
    const directory = fixtureDirectory();
    const seeded = directory.version;
    directory.apply({ type: 'UserChanged', userId: FIXTURE_USERS.operator, unitId: U.villageLiqiao }, { by: FIXTURE_USERS.admin, at: T1 });
    directory.apply({ type: 'UnitRenamed', unitId: U.villageLiqiao, name: '栎桥社区' }, { by: FIXTURE_USERS.admin, at: T2 });

    expect(directory.version).toBe(seeded + 2);
    expect(directory.entries(seeded)).toEqual([
      { version: seeded + 1, at: T1, by: FIXTURE_USERS.admin, change: { type: 'UserChanged', userId: FIXTURE_USERS.operator, unitId: U.villageLiqiao } },
      { version: seeded + 2, at: T2, by: FIXTURE_USERS.admin, change: { type: 'UnitRenamed', unitId: U.villageLiqiao, name: '栎桥社区' } },
    ]);
    expect(directory.current().user(FIXTURE_USERS.operator)?.unitId).toBe(U.villageLiqiao);
    // the directory of an earlier day
    expect(directory.asOf(seeded).user(FIXTURE_USERS.operator)?.unitId).toBe(U.villageFengyuan);
    expect(directory.asOf('2025-01-15T00:00:00.000Z').user(FIXTURE_USERS.operator)?.unitId).toBe(U.villageFengyuan);
    expect(directory.asOf(T1).user(FIXTURE_USERS.operator)?.unitId).toBe(U.villageLiqiao);
    expect(directory.asOf(T1).unit(U.villageLiqiao)?.name).toBe('栎桥村');
    expect(directory.asOf(new Date(T2)).unit(U.villageLiqiao)?.name).toBe('栎桥社区');
    expect(directory.asOf('2024-01-01T00:00:00.000Z').version).toBe(0);
    expect(directory.asOf('2024-01-01T00:00:00.000Z').units()).toEqual([]);
    expect(codeOf(() => directory.asOf(seeded + 3))).toBe('DIRECTORY.VERSION_NOT_FOUND');
  });

  it('keeps snapshots immutable after later changes', () => {
    const directory = fixtureDirectory();
    const before = directory.current();
    directory.apply({ type: 'UnitRenamed', unitId: U.district, name: '新区' }, { by: 'system', at: T1 });
    expect(before.unit(U.district)?.name).toBe('示范区');
    expect(directory.current().unit(U.district)?.name).toBe('新区');
  });

  it.each<[string, DirectoryChange]>([
    ['DIRECTORY.SECOND_ROOT', { type: 'UnitAdded', unit: { id: 'd-2', kind: 'district', name: '另一区', parentId: null } }],
    ['DIRECTORY.PARENT_KIND', { type: 'UnitAdded', unit: { id: 't-x', kind: 'town', name: '镇', parentId: U.villageFengyuan } }],
    ['DIRECTORY.PARENT_KIND', { type: 'UnitAdded', unit: { id: 'g-x', kind: 'grid', name: '网格', parentId: U.townFengqiao } }],
    ['DIRECTORY.UNIT_EXISTS', { type: 'UnitAdded', unit: { id: U.villageFengyuan, kind: 'village', name: '重复', parentId: U.townFengqiao } }],
    ['DIRECTORY.UNIT_NOT_FOUND', { type: 'UnitAdded', unit: { id: 'v-x', kind: 'village', name: '村', parentId: 't-missing' } }],
    ['DIRECTORY.INVALID_ID', { type: 'UnitAdded', unit: { id: 'has space', kind: 'village', name: '村', parentId: U.townFengqiao } }],
    ['DIRECTORY.INVALID_NAME', { type: 'UnitRenamed', unitId: U.villageFengyuan, name: '  ' }],
    [
      'DIRECTORY.INVALID_BOUNDARY',
      {
        type: 'UnitBoundarySet',
        unitId: U.gridFengyuan,
        boundary: {
          type: 'Polygon',
          coordinates: [
            [
              [120, 29],
              [121, 29],
              [121, 30],
              [120, 30],
            ],
          ],
        },
      },
    ],
    ['DIRECTORY.MOVE_INTO_OWN_SUBTREE', { type: 'UnitMoved', unitId: U.townFengqiao, parentId: U.townFengqiao }],
    ['DIRECTORY.PARENT_KIND', { type: 'UnitMoved', unitId: U.villageFengyuan, parentId: U.district }],
    ['DIRECTORY.UNIT_HAS_CHILDREN', { type: 'UnitRetired', unitId: U.villageFengyuan }],
    ['DIRECTORY.UNIT_HAS_USERS', { type: 'UnitRetired', unitId: U.gridFengyuan }],
    [
      'DIRECTORY.USERNAME_TAKEN',
      { type: 'UserAdded', user: { id: 'u-new', username: 'Operator.FIXTURE', displayName: '新人', unitId: U.villageFengyuan, roles: ['operator'] } },
    ],
    [
      'DIRECTORY.USER_EXISTS',
      { type: 'UserAdded', user: { id: FIXTURE_USERS.admin, username: 'x.y', displayName: '新人', unitId: U.district, roles: ['admin'] } },
    ],
    [
      'DIRECTORY.UNKNOWN_ROLE',
      { type: 'UserAdded', user: { id: 'u-new', username: 'new.user', displayName: '新人', unitId: U.district, roles: ['root' as 'admin'] } },
    ],
    ['DIRECTORY.ROLES_REQUIRED', { type: 'UserAdded', user: { id: 'u-new', username: 'new.user', displayName: '新人', unitId: U.district, roles: [] } }],
    [
      'DIRECTORY.SCOPE_NOT_AUDITOR',
      {
        type: 'UserAdded',
        user: {
          id: 'u-new',
          username: 'new.user',
          displayName: '新人',
          unitId: U.district,
          roles: ['operator'],
          auditScope: { unitIds: [U.district], personalDataUnitIds: [] },
        },
      },
    ],
    [
      'DIRECTORY.SCOPE_PERSONAL_DATA_OUTSIDE',
      { type: 'UserChanged', userId: FIXTURE_USERS.auditor, auditScope: { unitIds: [U.townFengqiao], personalDataUnitIds: [U.villageDonghu] } },
    ],
    ['DIRECTORY.SCOPE_NOT_AUDITOR', { type: 'UserChanged', userId: FIXTURE_USERS.auditor, roles: ['operator'] }],
    ['DIRECTORY.USER_NOT_FOUND', { type: 'UserDisabled', userId: 'u-missing' }],
  ])('refuses %s', (code, change) => {
    const directory = fixtureDirectory();
    const version = directory.version;
    expect(codeOf(() => directory.apply(change, { by: FIXTURE_USERS.admin, at: T1 }))).toBe(code);
    expect(directory.version).toBe(version);
  });

  it('retires a unit once it is empty, and then refuses it as a parent or a user unit', () => {
    const directory = fixtureDirectory();
    const meta = { by: FIXTURE_USERS.admin, at: T1 };
    directory.applyAll(
      [
        { type: 'UnitAdded', unit: { id: 'g-fy-2', kind: 'grid', name: '枫源村第二网格', parentId: U.villageFengyuan, boundary: squareBoundary(120.2, 29.7) } },
        { type: 'UnitRetired', unitId: 'g-fy-2' },
      ],
      meta,
    );
    expect(directory.current().unit('g-fy-2')?.retired).toBe(true);
    expect(directory.current().gridAt([120.205, 29.705])).toBeUndefined();
    expect(codeOf(() => directory.apply({ type: 'UserChanged', userId: FIXTURE_USERS.grid_worker, unitId: 'g-fy-2' }, meta))).toBe('DIRECTORY.UNIT_RETIRED');
  });

  it('applies a batch entirely or not at all', () => {
    const directory = fixtureDirectory();
    const version = directory.version;
    expect(
      codeOf(() =>
        directory.applyAll(
          [
            { type: 'UnitRenamed', unitId: U.district, name: '改名' },
            { type: 'UnitRenamed', unitId: 'missing', name: '改名' },
          ],
          { by: FIXTURE_USERS.admin, at: T1 },
        ),
      ),
    ).toBe('DIRECTORY.UNIT_NOT_FOUND');
    expect(directory.version).toBe(version);
    expect(directory.current().unit(U.district)?.name).toBe('示范区');
  });

  it('refuses a change dated before the last one', () => {
    const directory = fixtureDirectory();
    directory.apply({ type: 'UnitRenamed', unitId: U.district, name: '甲' }, { by: 'system', at: T2 });
    expect(codeOf(() => directory.apply({ type: 'UnitRenamed', unitId: U.district, name: '乙' }, { by: 'system', at: T1 }))).toBe(
      'DIRECTORY.TIME_BEFORE_LAST_CHANGE',
    );
  });

  it('disables and enables users', () => {
    const directory = fixtureDirectory();
    directory.apply({ type: 'UserDisabled', userId: FIXTURE_USERS.mediator }, { by: FIXTURE_USERS.admin, at: T1 });
    expect(directory.current().user(FIXTURE_USERS.mediator)?.disabled).toBe(true);
    directory.apply({ type: 'UserEnabled', userId: FIXTURE_USERS.mediator }, { by: FIXTURE_USERS.admin, at: T2 });
    expect(directory.current().user(FIXTURE_USERS.mediator)?.disabled).toBe(false);
    expect(directory.asOf(T1).user(FIXTURE_USERS.mediator)?.disabled).toBe(true);
  });
});

describe('seedDirectory', () => {
  it('adds parents before children whatever the order, once', () => {
    const directory = Directory.open();
    const shuffled = { ...fixtureSeed, units: [...fixtureSeed.units].reverse() };
    const entries = seedDirectory(directory, shuffled, { by: 'system', at: T1 });
    expect(entries).toHaveLength(fixtureSeed.units.length + fixtureSeed.users.length);
    expect(directory.current().units()).toHaveLength(fixtureSeed.units.length);
    expect(seedDirectory(directory, shuffled, { by: 'system', at: T2 })).toEqual([]);
  });

  it('refuses a cycle in the seed', () => {
    expect(
      codeOf(() =>
        seedDirectory(
          Directory.open(),
          {
            units: [
              { id: 'a', kind: 'town', name: '甲', parentId: 'b' },
              { id: 'b', kind: 'town', name: '乙', parentId: 'a' },
            ],
            users: [],
          },
          { by: 'system', at: T1 },
        ),
      ),
    ).toBe('DIRECTORY.SEED_CYCLE');
  });
});

describe('jurisdictionOf', () => {
  it('joins the location path with the paths of the handling units, without repeats', () => {
    const snap = fixtureDirectory().current();
    expect(jurisdictionOf(snap, U.gridLiqiao)).toEqual([U.district, U.townFengqiao, U.villageLiqiao, U.gridLiqiao]);
    expect(jurisdictionOf(snap, U.gridLiqiao, U.departmentUrbanManagement)).toEqual([
      U.district,
      U.townFengqiao,
      U.villageLiqiao,
      U.gridLiqiao,
      U.departmentUrbanManagement,
    ]);
    expect(codeOf(() => jurisdictionOf(snap, 'missing'))).toBe('DIRECTORY.UNIT_NOT_FOUND');
  });
});

describe('SqliteDirectoryJournal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fq-directory-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reloads the same directory, history included', () => {
    const path = join(dir, 'reload.sqlite');
    const journal = new SqliteDirectoryJournal(path);
    const directory = Directory.open(journal);
    seedDirectory(directory, fixtureSeed, { by: 'system', at: T1 });
    directory.apply({ type: 'UnitRenamed', unitId: U.villageLiqiao, name: '栎桥社区' }, { by: FIXTURE_USERS.admin, at: T2 });
    journal.close();

    const reopened = new SqliteDirectoryJournal(path);
    const again = Directory.open(reopened);
    expect(again.version).toBe(directory.version);
    expect(again.entries()).toEqual(directory.entries());
    expect(again.current().unit(U.villageLiqiao)?.name).toBe('栎桥社区');
    expect(again.asOf(T1).unit(U.villageLiqiao)?.name).toBe('栎桥村');
    reopened.close();
  });

  it('refuses a second writer that missed a change, and refuses edits of history', () => {
    const path = join(dir, 'two-writers.sqlite');
    const j1 = new SqliteDirectoryJournal(path);
    const j2 = new SqliteDirectoryJournal(path);
    const d1 = Directory.open(j1);
    const d2 = Directory.open(j2);
    d1.apply({ type: 'UnitAdded', unit: { id: U.district, kind: 'district', name: '示范区', parentId: null } }, { by: 'system', at: T1 });
    expect(
      codeOf(() => d2.apply({ type: 'UnitAdded', unit: { id: 'd-other', kind: 'district', name: '另一区', parentId: null } }, { by: 'system', at: T1 })),
    ).toBe('DIRECTORY.CONCURRENT_CHANGE');
    expect(d2.version).toBe(0);
    j1.close();
    j2.close();

    const raw = new DatabaseSync(path);
    expect(() => raw.exec("UPDATE directory_changes SET by = 'someone-else'")).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM directory_changes')).toThrow(/append-only/);
    raw.close();
  });
});
