/**
 * Options of the mediation module. Every one has a default, so `MediationModule.register()` runs
 * the demo district in standalone mode:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | MEDIATION_PII_MASTER_KEY(_FILE) | standalone: a key generated once into `<data dir>/mediation/pii-master.key`; refused missing when NODE_ENV=production | base64 of 32 bytes: wraps each party's data key (crypto-shredding) |
 * | MEDIATION_SCHEDULER_INTERVAL_MS | 30000 | how often the deadline scheduler looks for due mediation-duration timers |
 * | MEDIATION_CLOCK_OFFSET_MS | 0 | shifts the mediation service's "now" (drills and tests) |
 * | MEDIATION_SEED_DEMO | as the demo district (`FENGQIAO_DEMO`, on in standalone) | seed demo cases in every state through commands on an empty store |
 */
import { Clock, CN_NATIONAL_CALENDAR, systemClock, WorkingCalendar } from '@fengqiao/kernel';
import { defaultMediationRules, MediationRules } from '@fengqiao/mediation-domain';
import { ConfigError } from '@fengqiao/platform';
import { CommitteeDirectory, demoCommittees } from './application/committees';

export interface MediationModuleOptions {
  clock?: Clock;
  /**
   * THE working calendar of this context (one provider, swapped here): deadlines of the mediation
   * rules that count working days use it. Default: the national calendar (kernel CN_NATIONAL_CALENDAR).
   */
  calendar?: WorkingCalendar;
  /**
   * The calendar (national `CN` or a region's) the deadlines follow when no fixed `calendar` is
   * given: taken from the holiday notices loaded (CalendarCatalog), revised when one is loaded.
   * Default `MEDIATION_CALENDAR_ID` or `CN`.
   */
  calendarId?: string;
  rules?: MediationRules;
  committees?: CommitteeDirectory;
  /** how often the case view picks up events appended by another replica; default 500 ms */
  viewPollIntervalMs?: number;
  schedulerIntervalMs?: number;
  /** base64 of the 32-byte master key wrapping the parties' data keys */
  piiMasterKey?: string;
  /** seed demo cases through commands on first start (default: FENGQIAO_DEMO) */
  seedDemo?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface MediationContextOptions {
  clock: Clock;
  /** a fixed calendar (tests, a region's own); absent: the catalog's `calendarId` */
  calendar?: WorkingCalendar;
  calendarId: string;
  rules: MediationRules;
  committees: CommitteeDirectory;
  viewPollIntervalMs: number;
  schedulerIntervalMs: number;
  piiMasterKey?: string;
  /** undefined: decided by the run mode (`demoEnabled`, on in standalone) */
  seedDemo?: boolean;
  production: boolean;
}

export const MEDIATION_OPTIONS = Symbol.for('fengqiao.mediation.options');

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

export function resolveMediationOptions(options: MediationModuleOptions, env: NodeJS.ProcessEnv = options.env ?? process.env): MediationContextOptions {
  const interval = Number(read(env, 'MEDIATION_SCHEDULER_INTERVAL_MS') ?? 30_000);
  const seed = read(env, 'MEDIATION_SEED_DEMO');
  const key = options.piiMasterKey ?? read(env, 'MEDIATION_PII_MASTER_KEY');
  const offsetMs = Number(read(env, 'MEDIATION_CLOCK_OFFSET_MS') ?? 0);
  if (!Number.isSafeInteger(offsetMs))
    throw new ConfigError(`MEDIATION_CLOCK_OFFSET_MS must be a whole number of milliseconds, got "${env['MEDIATION_CLOCK_OFFSET_MS']}"`);
  const clock: Clock = options.clock ?? (offsetMs === 0 ? systemClock : { now: () => new Date(Date.now() + offsetMs) });
  return {
    clock,
    ...(options.calendar ? { calendar: options.calendar } : {}),
    calendarId: options.calendarId ?? read(env, 'MEDIATION_CALENDAR_ID') ?? CN_NATIONAL_CALENDAR.id,
    rules: options.rules ?? defaultMediationRules,
    committees: options.committees ?? demoCommittees(),
    viewPollIntervalMs: options.viewPollIntervalMs ?? 500,
    schedulerIntervalMs: options.schedulerIntervalMs ?? (Number.isFinite(interval) && interval > 0 ? interval : 30_000),
    ...(key ? { piiMasterKey: key } : {}),
    ...(options.seedDemo !== undefined ? { seedDemo: options.seedDemo } : seed !== undefined ? { seedDemo: /^(1|true|yes)$/i.test(seed) } : {}),
    production: env['NODE_ENV'] === 'production',
  };
}
