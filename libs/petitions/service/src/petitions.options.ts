/**
 * Options of the petitions module. Every one has a default, so `PetitionsModule.register()` runs
 * the demo district in standalone mode; a deployment sets its secrets in the environment:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | PETITIONS_ID_HASH_KEY | a demo key (refused when NODE_ENV=production) | HMAC key of the keyed hash that matches petitioners on their ID number; the clear number is never stored |
 * | PETITIONS_PII_MASTER_KEY | a demo key (refused in production) | base64 of 32 bytes: wraps the per-petitioner data keys (crypto-shredding) |
 * | PETITIONS_CALENDAR_ID | `CN` | working-day calendar of the petition clocks (from the kernel's calendar registry) |
 * | PETITIONS_ONLINE_OFFICE | `d-fq` (the demo district) | the petition office that receives the public online form |
 * | PETITIONS_POW_BITS | 16 | proof-of-work difficulty of the public form (leading zero bits of SHA-256) |
 * | PETITIONS_TIMER_INTERVAL_MS | 30000 | how often the deadline scheduler looks for due clocks |
 * | PETITIONS_VIEW_INTERVAL_MS | 500 | how often the views pick up events appended by another replica |
 * | PETITIONS_CLOCK_OFFSET_MS | 0 | shifts the petitions' "now" (drills and tests) |
 */
import { Clock, CN_NATIONAL_CALENDAR, defaultCalendarRegistry, systemClock, WorkingCalendar } from '@fengqiao/kernel';
import { ConfigError, requireSecret } from '@fengqiao/platform';
import { defaultPetitionRules, PetitionRules } from '@fengqiao/petitions-domain';

/** Demo secrets: public, refused in production by `requireSecret`. */
export const DEMO_ID_HASH_KEY = 'fengqiao-demo-petitioner-id-hash-key';
export const DEMO_PII_MASTER_KEY = Buffer.from('fengqiao-demo-petitions-pii-key!').toString('base64');

/**
 * The one place the petition clocks get their working calendar: swap it here (a regional
 * calendar, provisional years) and every clock follows.
 */
export interface PetitionCalendarProvider {
  calendar(): WorkingCalendar;
}

export function registryCalendar(calendarId: string): PetitionCalendarProvider {
  const calendar = defaultCalendarRegistry.get(calendarId);
  return { calendar: () => calendar };
}

export interface PetitionsModuleOptions {
  clock?: Clock;
  calendar?: PetitionCalendarProvider;
  rules?: PetitionRules;
  idHashKey?: string;
  /** base64 of 32 bytes */
  piiMasterKey?: string;
  onlineOfficeUnitId?: string;
  powBits?: number;
  timerIntervalMs?: number;
  /** false: no scheduler (tests drive `tick()` themselves) */
  runScheduler?: boolean;
  viewIntervalMs?: number;
  /** load the demo petitions (default: where the demo district is loaded) */
  seedDemo?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedPetitionsOptions {
  clock: Clock;
  /** a fixed calendar provider; absent: the holiday notices loaded (the context's CalendarCatalog), calendar `calendarId` */
  calendar?: PetitionCalendarProvider;
  calendarId: string;
  rules: PetitionRules;
  idHashKey: string;
  piiMasterKey: string;
  onlineOfficeUnitId: string;
  powBits: number;
  timerIntervalMs: number;
  runScheduler: boolean;
  viewIntervalMs: number;
  seedDemo?: boolean;
}

function offsetClock(offsetMs: number): Clock {
  return offsetMs === 0 ? systemClock : { now: () => new Date(Date.now() + offsetMs) };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

export function resolvePetitionsOptions(o: PetitionsModuleOptions = {}): ResolvedPetitionsOptions {
  const env = o.env ?? process.env;
  const piiMasterKey = o.piiMasterKey ?? requireSecret('PETITIONS_PII_MASTER_KEY', DEMO_PII_MASTER_KEY, env);
  if (Buffer.from(piiMasterKey, 'base64').length !== 32) throw new ConfigError('PETITIONS_PII_MASTER_KEY must be the base64 of 32 bytes');
  const idHashKey = o.idHashKey ?? requireSecret('PETITIONS_ID_HASH_KEY', DEMO_ID_HASH_KEY, env);
  if (idHashKey.length < 16) throw new ConfigError('PETITIONS_ID_HASH_KEY must have at least 16 characters');
  return {
    clock: o.clock ?? offsetClock(int(env, 'PETITIONS_CLOCK_OFFSET_MS', 0, -10 * 365 * 86_400_000, 10 * 365 * 86_400_000)),
    ...(o.calendar ? { calendar: o.calendar } : {}),
    calendarId: env['PETITIONS_CALENDAR_ID']?.trim() || CN_NATIONAL_CALENDAR.id,
    rules: o.rules ?? defaultPetitionRules,
    idHashKey,
    piiMasterKey,
    onlineOfficeUnitId: o.onlineOfficeUnitId ?? (env['PETITIONS_ONLINE_OFFICE']?.trim() || 'd-fq'),
    powBits: o.powBits ?? int(env, 'PETITIONS_POW_BITS', 16, 0, 28),
    timerIntervalMs: o.timerIntervalMs ?? int(env, 'PETITIONS_TIMER_INTERVAL_MS', 30_000, 50, 3_600_000),
    runScheduler: o.runScheduler ?? true,
    viewIntervalMs: o.viewIntervalMs ?? int(env, 'PETITIONS_VIEW_INTERVAL_MS', 500, 20, 60_000),
    ...(o.seedDemo !== undefined ? { seedDemo: o.seedDemo } : {}),
  };
}
