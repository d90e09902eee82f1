import {
  ALLOWED_PARENTS,
  BuiltInIssuer,
  checkPasswordPolicy,
  Directory,
  generateSigningKey,
  isUserRole,
  MemoryAuthStore,
  normaliseUsername,
  principalOf,
  seedDirectory,
  USER_ROLES,
  type NewUnit,
} from '@fengqiao/identity';
import { FixedClock } from '@fengqiao/kernel';
import { demoDistrict, DEMO_PASSWORD, demoUsers, unitPath } from './index';

const { units, users } = demoDistrict.directory;
const unitById = new Map(units.map((u) => [u.id, u]));
const dupes = (xs: readonly string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

describe('demo directory: units', () => {
  it('has unique unit ids, readable and valid for the directory', () => {
    expect(dupes(units.map((u) => u.id))).toEqual([]);
    for (const u of units) expect(u.id).toMatch(/^(d-fq|t-\d+|v-\d+-\d+|g-\d+-\d+-\d+|dept-(d|t\d+)-[a-z]+|mc-(d-fq|t-\d+|v-\d+-\d+))$/);
  });

  it('has one district, 3 towns, 10 villages, 40 grids, departments at district and town level, committees at every level', () => {
    const count = (kind: NewUnit['kind']) => units.filter((u) => u.kind === kind).length;
    expect([count('district'), count('town'), count('village'), count('grid')]).toEqual([1, 3, 10, 40]);
    const deptParents = new Set(units.filter((u) => u.kind === 'department').map((u) => unitById.get(u.parentId ?? '')?.kind));
    expect([...deptParents].sort()).toEqual(['district', 'town']);
    for (const u of units.filter((x) => ['district', 'town', 'village'].includes(x.kind))) {
      expect(units.filter((c) => c.kind === 'mediation_committee' && c.parentId === u.id)).toHaveLength(1);
    }
    for (const town of units.filter((u) => u.kind === 'town')) {
      expect(units.some((d) => d.kind === 'department' && d.parentId === town.id)).toBe(true);
    }
  });

  it('nests kinds correctly: every parent exists and has an allowed kind; every village has grids', () => {
    for (const u of units) {
      const parent = u.parentId === null ? null : unitById.get(u.parentId);
      if (parent === undefined) throw new Error(`${u.id}: parent ${u.parentId} missing`);
      expect(ALLOWED_PARENTS[u.kind]).toContain(parent === null ? null : parent.kind);
    }
    for (const v of units.filter((u) => u.kind === 'village')) {
      expect(units.some((g) => g.kind === 'grid' && g.parentId === v.id)).toBe(true);
    }
  });

  it('gives every grid a boundary and Chinese names to every unit', () => {
    for (const u of units) {
      expect(u.name).toMatch(/\p{Script=Han}/u);
      if (u.kind === 'grid') expect(u.boundary?.type).toBe('Polygon');
    }
  });

  it('unitPath runs from the district down to the unit, each step a parent of the next', () => {
    for (const u of units) {
      const path = unitPath(u.id);
      expect(path[0]).toBe('d-fq');
      expect(path[path.length - 1]).toBe(u.id);
      for (let i = 1; i < path.length; i++) expect(unitById.get(path[i])?.parentId).toBe(path[i - 1]);
    }
    expect(unitPath('g-2-2-5')).toEqual(['d-fq', 't-2', 'v-2-2', 'g-2-2-5']);
    expect(() => unitPath('g-9-9-9')).toThrow(expect.objectContaining({ code: 'DEMO.UNKNOWN_UNIT' }));
  });
});

describe('demo directory: users', () => {
  it('has unique ids and usernames, existing units and valid roles', () => {
    expect(dupes(users.map((u) => u.id))).toEqual([]);
    expect(dupes(users.map((u) => normaliseUsername(u.username)))).toEqual([]);
    for (const u of users) {
      expect(unitById.has(u.unitId)).toBe(true);
      expect(u.roles.length).toBeGreaterThan(0);
      for (const r of u.roles) expect(isUserRole(r)).toBe(true);
      expect(u.displayName).toMatch(/\p{Script=Han}/u);
      expect('password' in u).toBe(false);
    }
  });

  it('has every role, with operators at every district/town/village centre and a grid worker per grid', () => {
    for (const role of USER_ROLES) expect(users.some((u) => u.roles.includes(role))).toBe(true);
    const holders = (role: string) => new Set(users.filter((u) => u.roles.includes(role as never)).map((u) => u.unitId));
    const ofKind = (...kinds: string[]) => units.filter((u) => kinds.includes(u.kind)).map((u) => u.id);
    const operators = holders('operator');
    for (const id of ofKind('district', 'town', 'village')) expect(operators.has(id)).toBe(true);
    const gridWorkers = holders('grid_worker');
    for (const id of ofKind('grid')) expect(gridWorkers.has(id)).toBe(true);
    const staff = holders('department');
    for (const id of ofKind('department')) expect(staff.has(id)).toBe(true);
    const mediators = holders('mediator');
    for (const id of ofKind('mediation_committee')) expect(mediators.has(id)).toBe(true);
    const petition = holders('petition_officer');
    for (const id of ofKind('district', 'town')) expect(petition.has(id)).toBe(true);
  });

  it('gives every auditor an explicit scope, and only auditors a scope', () => {
    for (const u of users) {
      if (u.roles.includes('auditor')) {
        expect(u.auditScope?.unitIds.length).toBeGreaterThan(0);
        for (const id of [...(u.auditScope?.unitIds ?? []), ...(u.auditScope?.personalDataUnitIds ?? [])]) expect(unitById.has(id)).toBe(true);
      } else expect(u.auditScope).toBeUndefined();
    }
  });

  it('pairs every directory user with the shared demo password, which passes the password policy', () => {
    expect(demoUsers.map((u) => u.id)).toEqual(users.map((u) => u.id));
    for (const u of demoUsers) expect(u.password).toBe(DEMO_PASSWORD);
    expect(() => checkPasswordPolicy(DEMO_PASSWORD)).not.toThrow();
  });
});

describe('demo directory in the identity lib', () => {
  it('loads into an empty Directory in one batch (the directory validates parents, kinds, boundaries, users, scopes)', () => {
    const directory = Directory.open();
    const entries = seedDirectory(directory, demoDistrict.directory, { by: 'system', at: '2025-01-01T00:00:00.000Z' });
    expect(entries).toHaveLength(units.length + users.length);
    const snapshot = directory.current();
    expect(snapshot.unit('g-3-3-3')?.path).toEqual(unitPath('g-3-3-3'));
    const auditor = snapshot.user('u-audit-t-2');
    expect(auditor && principalOf(auditor, snapshot).roles).toEqual(['auditor']);
  });

  it('lets a demo user log in with DEMO_PASSWORD through the built-in issuer', async () => {
    const directory = Directory.open();
    seedDirectory(directory, demoDistrict.directory, { by: 'system', at: '2025-01-01T00:00:00.000Z' });
    const issuer = new BuiltInIssuer({
      issuer: 'https://fengqiao.test/auth',
      audience: 'fengqiao',
      signingKey: generateSigningKey('EdDSA'),
      directory,
      store: new MemoryAuthStore(),
      clock: new FixedClock(new Date()),
      scrypt: { logN: 10, r: 8, p: 1 },
      logger: { info: () => undefined, warn: () => undefined },
    });
    const demoUser = demoUsers.find((u) => u.username === 'op.v-1-1');
    if (!demoUser) throw new Error('op.v-1-1 missing');
    await issuer.setPassword(demoUser.id, demoUser.password);
    await expect(issuer.login('op.v-1-1', DEMO_PASSWORD)).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(issuer.login('op.v-1-1', 'wrong-password')).rejects.toThrow();
  });
});
