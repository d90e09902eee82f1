/**
 * A small directory for tests across the workspace: 1 district, 2 towns with 2 villages each, one
 * grid per village (with a GeoJSON boundary), a district department, a village mediation committee
 * and one user per role. Build principals and tokens from it instead of hand-writing claims.
 */
import { FixedClock } from '@fengqiao/kernel';
import { Directory, type DirectorySnapshot } from '../directory/directory';
import type { Boundary } from '../directory/geo';
import { jurisdictionOf } from '../directory/jurisdiction';
import { seedDirectory, type DirectorySeed } from '../directory/seed';
import { MemoryAuthStore } from '../issuer/auth-store';
import { BuiltInIssuer, type BuiltInIssuerOptions, type IssuerLogger } from '../issuer/built-in-issuer';
import { generateSigningKey, type SigningKey } from '../issuer/signing-key';
import { principalOf, type Principal } from '../principal';
import { USER_ROLES, type UserRole } from '../roles';

export const FIXTURE_UNITS = {
  district: 'd-demo',
  townFengqiao: 't-fq',
  townChengdong: 't-cd',
  villageFengyuan: 'v-fy',
  villageLiqiao: 'v-lq',
  villageDonghu: 'v-dh',
  villageXiyuan: 'v-xy',
  gridFengyuan: 'g-fy-1',
  gridLiqiao: 'g-lq-1',
  gridDonghu: 'g-dh-1',
  gridXiyuan: 'g-xy-1',
  departmentUrbanManagement: 'dept-cg',
  committeeFengyuan: 'mc-fy',
} as const;

const U = FIXTURE_UNITS;

/** a 0.01° square with its south-west corner at [lon, lat] */
export function squareBoundary(lon: number, lat: number, size = 0.01): Boundary {
  const ring: [number, number][] = [
    [lon, lat],
    [lon + size, lat],
    [lon + size, lat + size],
    [lon, lat + size],
    [lon, lat],
  ];
  return { type: 'Polygon', coordinates: [ring] };
}

/** user id per role */
export const FIXTURE_USERS: Readonly<Record<UserRole, string>> = {
  operator: 'u-operator',
  grid_worker: 'u-grid-worker',
  department: 'u-department',
  mediator: 'u-mediator',
  petition_officer: 'u-petition-officer',
  auditor: 'u-auditor',
  admin: 'u-admin',
};

/** login name per role: `<role>.fixture` */
export const fixtureUsername = (role: UserRole): string => `${role.replace('_', '-')}.fixture`;

/** the password every fixture user gets from `fixtureIssuer` (tests only) */
export const FIXTURE_PASSWORD = 'fixture-password-2025';
export const FIXTURE_ISSUER = 'https://fengqiao.test/auth';
export const FIXTURE_AUDIENCE = 'fengqiao';
export const FIXTURE_SEEDED_AT = '2025-01-01T00:00:00.000Z';

const unitOfRole: Record<UserRole, string> = {
  operator: U.villageFengyuan,
  grid_worker: U.gridFengyuan,
  department: U.departmentUrbanManagement,
  mediator: U.committeeFengyuan,
  petition_officer: U.townFengqiao,
  auditor: U.district,
  admin: U.district,
};

export const fixtureSeed: DirectorySeed = {
  units: [
    { id: U.district, kind: 'district', name: '示范区', parentId: null },
    { id: U.townFengqiao, kind: 'town', name: '枫桥镇', parentId: U.district },
    { id: U.townChengdong, kind: 'town', name: '城东街道', parentId: U.district },
    { id: U.villageFengyuan, kind: 'village', name: '枫源村', parentId: U.townFengqiao },
    { id: U.villageLiqiao, kind: 'village', name: '栎桥村', parentId: U.townFengqiao },
    { id: U.villageDonghu, kind: 'village', name: '东湖社区', parentId: U.townChengdong },
    { id: U.villageXiyuan, kind: 'village', name: '西苑社区', parentId: U.townChengdong },
    { id: U.gridFengyuan, kind: 'grid', name: '枫源村第一网格', parentId: U.villageFengyuan, boundary: squareBoundary(120.2, 29.6) },
    { id: U.gridLiqiao, kind: 'grid', name: '栎桥村第一网格', parentId: U.villageLiqiao, boundary: squareBoundary(120.21, 29.6) },
    { id: U.gridDonghu, kind: 'grid', name: '东湖社区第一网格', parentId: U.villageDonghu, boundary: squareBoundary(120.3, 29.6) },
    { id: U.gridXiyuan, kind: 'grid', name: '西苑社区第一网格', parentId: U.villageXiyuan, boundary: squareBoundary(120.31, 29.6) },
    { id: U.departmentUrbanManagement, kind: 'department', name: '区城市管理局', parentId: U.district },
    { id: U.committeeFengyuan, kind: 'mediation_committee', name: '枫源村人民调解委员会', parentId: U.villageFengyuan },
  ],
  users: USER_ROLES.map((role) => ({
    id: FIXTURE_USERS[role],
    username: fixtureUsername(role),
    displayName: `测试${role}`,
    unitId: unitOfRole[role],
    roles: [role],
    ...(role === 'auditor' ? { auditScope: { unitIds: [U.townFengqiao], personalDataUnitIds: [U.villageFengyuan] } } : {}),
  })),
};

/** A fresh in-memory directory holding the fixture (version = number of seeded changes). */
export function fixtureDirectory(): Directory {
  const directory = Directory.open();
  seedDirectory(directory, fixtureSeed, { by: 'system', at: FIXTURE_SEEDED_AT });
  return directory;
}

export function fixturePrincipal(role: UserRole, snapshot: DirectorySnapshot = fixtureDirectory().current()): Principal {
  const user = snapshot.user(FIXTURE_USERS[role]);
  if (!user) throw new Error(`fixture has no user for role ${role}`);
  return principalOf(user, snapshot);
}

/**
 * For each role: the jurisdiction array of a case its fixture user may act on (`inside`) and of
 * one it may not (`outside`; none for the district admin, whose unit is the whole district).
 */
export function fixtureJurisdictions(snapshot: DirectorySnapshot = fixtureDirectory().current()): Record<UserRole, { inside: string[]; outside?: string[] }> {
  const j = (...ids: string[]) => jurisdictionOf(snapshot, ids[0], ...ids.slice(1));
  return {
    operator: { inside: j(U.gridFengyuan), outside: j(U.gridLiqiao) },
    grid_worker: { inside: j(U.gridFengyuan), outside: j(U.gridLiqiao) },
    department: { inside: j(U.gridLiqiao, U.departmentUrbanManagement), outside: j(U.gridLiqiao) },
    mediator: { inside: j(U.committeeFengyuan), outside: j(U.villageLiqiao) },
    petition_officer: { inside: j(U.villageLiqiao), outside: j(U.villageDonghu) },
    auditor: { inside: j(U.gridLiqiao), outside: j(U.gridXiyuan) },
    admin: { inside: j(U.gridXiyuan) },
  };
}

export interface FixtureIssuer {
  issuer: BuiltInIssuer;
  directory: Directory;
  store: MemoryAuthStore;
  clock: FixedClock;
  /** the issuer's signing key (tests that forge tokens with the right key but wrong claims) */
  signingKey: SigningKey;
  /** a signed access token for the fixture user of a role */
  tokenFor(role: UserRole): Promise<string>;
}

/**
 * A built-in issuer over the fixture directory with an in-memory store and a fixed clock; every
 * fixture user's password is `FIXTURE_PASSWORD`. Uses cheap scrypt parameters and one-hour access
 * tokens (tests only).
 */
export async function fixtureIssuer(options: Omit<Partial<BuiltInIssuerOptions>, 'store' | 'clock'> & { logger?: IssuerLogger } = {}): Promise<FixtureIssuer> {
  const directory = options.directory ?? fixtureDirectory();
  const store = new MemoryAuthStore();
  // starts at the real time, so verifiers on the system clock accept its tokens; tests move it
  const clock = new FixedClock(new Date());
  const signingKey = options.signingKey ?? generateSigningKey('EdDSA');
  const issuer = new BuiltInIssuer({
    issuer: FIXTURE_ISSUER,
    audience: FIXTURE_AUDIENCE,
    signingKey,
    directory,
    store,
    clock,
    scrypt: { logN: 10, r: 8, p: 1 },
    accessTokenTtlSeconds: 3600,
    logger: { info: () => undefined, warn: () => undefined },
    ...options,
  });
  await Promise.all(USER_ROLES.map((role) => issuer.setPassword(FIXTURE_USERS[role], FIXTURE_PASSWORD)));
  return {
    issuer,
    directory,
    store,
    clock,
    signingKey,
    tokenFor: async (role) => (await issuer.issueAccessToken(fixturePrincipal(role, directory.current()))).token,
  };
}
