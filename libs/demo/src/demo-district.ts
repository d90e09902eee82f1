/**
 * 枫桥区 (fictional), the demo district: reference data a standalone start loads into an empty
 * system. Pure data and pure helpers, no I/O. See README.md for who is who.
 */
import type { DirectorySeed } from '@fengqiao/identity';
import { demoCategories, type DemoCategory } from './categories';
import { demoDeadlineRules, type DemoDeadlineRuleEntry } from './deadline-rules';
import { DEMO_DISTRICT_ID, demoGeography, type DemoGeography } from './geography';
import { demoUnits, gridAt, pointInGrid, unitPath } from './locate';
import { demoCommittees, demoDepartments, type DemoCommittee, type DemoDepartment } from './organisation';
import { demoReports, type DemoReport } from './reports';
import { DEMO_ROUTING_GAPS, demoRoutingRules, routeFor, type DemoRoutingGap, type DemoRoutingRule } from './routing';
import { DEMO_PASSWORD, demoUsers, toNewUser, type DemoUser } from './users';

export interface DemoDistrict {
  districtId: string;
  /** units (district, towns, villages, grids with boundaries, departments, committees) and users */
  directory: DirectorySeed;
  /** the directory users with the password to set for each (all `DEMO_PASSWORD`) */
  users: readonly DemoUser[];
  /** towns, villages and grids with their structure, for look-ups */
  geography: DemoGeography;
  departments: readonly DemoDepartment[];
  committees: readonly DemoCommittee[];
  categories: readonly DemoCategory[];
  deadlineRules: readonly DemoDeadlineRuleEntry[];
  routing: readonly DemoRoutingRule[];
  /** (category, village) pairs deliberately left unroutable */
  routingGaps: readonly DemoRoutingGap[];
  reports: readonly DemoReport[];
  password: string;
  gridAt: typeof gridAt;
  pointInGrid: typeof pointInGrid;
  routeFor: typeof routeFor;
  unitPath: typeof unitPath;
}

export const demoDistrict: DemoDistrict = {
  districtId: DEMO_DISTRICT_ID,
  directory: { units: [...demoUnits], users: demoUsers.map(toNewUser) },
  users: demoUsers,
  geography: demoGeography,
  departments: demoDepartments,
  committees: demoCommittees,
  categories: demoCategories,
  deadlineRules: demoDeadlineRules,
  routing: demoRoutingRules,
  routingGaps: DEMO_ROUTING_GAPS,
  reports: demoReports,
  password: DEMO_PASSWORD,
  gridAt,
  pointInGrid,
  routeFor,
  unitPath,
};

/**
 * What the built-in issuer loads into an empty directory: the demo units and users, each user
 * with `password` (take it from a secret: `requireSecret('DEMO_PASSWORD', DEMO_PASSWORD)` refuses
 * the public demo value in production).
 */
export function demoIdentitySeed(password: string): {
  directory: DemoDistrict['directory'];
  passwords: { userId: string; password: string }[];
} {
  return { directory: demoDistrict.directory, passwords: demoDistrict.users.map((u) => ({ userId: u.id, password })) };
}

/** Whether a process should load the demo district on its first start (FENGQIAO_DEMO, default on in standalone). */
export function demoEnabled(mode: 'standalone' | 'distributed', env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env['FENGQIAO_DEMO'];
  if (raw === undefined || raw === '') return mode === 'standalone' && env['NODE_ENV'] !== 'production';
  return /^(1|true|yes)$/i.test(raw);
}
