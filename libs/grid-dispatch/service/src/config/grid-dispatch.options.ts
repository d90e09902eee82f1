import { Clock, systemClock } from '@fengqiao/kernel';
import type { DeadlineRuleEntry } from '@fengqiao/grid-dispatch-domain';
import type { RoutingRule } from '../reference-data/routing-rules';
import type { UnitDirectory } from '../directory/unit-directory';

/** Reference data loaded into empty `routing-rules` / `deadline-rules` streams on first start. */
export interface ReferenceDataSeed {
  routingRules: readonly RoutingRule[];
  deadlineRules: readonly DeadlineRuleEntry[];
}

/**
 * How the grid-dispatch context runs. Every setting has an environment variable so a deployable
 * needs no code change; options given to `GridDispatchModule.register()` win over the environment.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | GRID_DISPATCH_TIMER_INTERVAL_MS | 30000 | how often the deadline scheduler looks for due timers |
 * | GRID_DISPATCH_PROJECTOR_INTERVAL_MS | 500 | how often the read-model projector polls the store when not woken |
 * | GRID_DISPATCH_CALENDAR | CN | working-day calendar of the deadlines (kernel calendar registry id) |
 * | GRID_DISPATCH_SEED_REFERENCE_DATA | true in standalone, false in distributed | seed empty rule streams from the demo data |
 * | GRID_DISPATCH_RUN_SCHEDULER | true | false on replicas that should not issue deadline commands (running it on several is safe, only wasteful) |
 * | FENGQIAO_CLOCK_OFFSET_MS | 0 | shifts "now" (drills and tests: move time forward without waiting) |
 */
export interface GridDispatchOptions {
  /** "now" for commands, the scheduler and the board's overdue filter; default: system clock + offset */
  clock?: Clock;
  timerIntervalMs?: number;
  projectorIntervalMs?: number;
  calendarId?: string;
  /** seed for empty rule streams; default: the demo district's data */
  seed?: ReferenceDataSeed | null;
  /** whether to seed empty rule streams; default: in standalone mode only */
  seedReferenceData?: boolean;
  /** units and their paths; default: the directory of the built-in issuer in this process, if any */
  directory?: UnitDirectory;
  /** false: do not start the scheduler (a replica that only serves HTTP); default true */
  runScheduler?: boolean;
}

export interface ResolvedGridDispatchOptions {
  clock: Clock;
  timerIntervalMs: number;
  projectorIntervalMs: number;
  calendarId: string;
  seed: ReferenceDataSeed | null;
  seedReferenceData: boolean | undefined;
  directory: UnitDirectory | undefined;
  runScheduler: boolean;
}

export class GridDispatchConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridDispatchConfigError';
  }
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new GridDispatchConfigError(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

function flag(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new GridDispatchConfigError(`${name} must be true or false, got "${raw}"`);
}

/** An offset clock: the system time shifted by `offsetMs` (FENGQIAO_CLOCK_OFFSET_MS). */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}

export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const raw = env['FENGQIAO_CLOCK_OFFSET_MS'];
  if (raw === undefined || raw.trim() === '') return systemClock;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new GridDispatchConfigError(`FENGQIAO_CLOCK_OFFSET_MS must be a whole number of milliseconds, got "${raw}"`);
  return n === 0 ? systemClock : offsetClock(n);
}

export function resolveGridDispatchOptions(
  options: GridDispatchOptions,
  env: NodeJS.ProcessEnv,
  defaultSeed: ReferenceDataSeed | null,
): ResolvedGridDispatchOptions {
  return {
    clock: options.clock ?? clockFromEnv(env),
    timerIntervalMs: options.timerIntervalMs ?? positiveInt('GRID_DISPATCH_TIMER_INTERVAL_MS', env['GRID_DISPATCH_TIMER_INTERVAL_MS'], 30_000),
    projectorIntervalMs: options.projectorIntervalMs ?? positiveInt('GRID_DISPATCH_PROJECTOR_INTERVAL_MS', env['GRID_DISPATCH_PROJECTOR_INTERVAL_MS'], 500),
    calendarId: options.calendarId ?? (env['GRID_DISPATCH_CALENDAR']?.trim() || 'CN'),
    seed: options.seed === undefined ? defaultSeed : options.seed,
    seedReferenceData: options.seedReferenceData ?? flag('GRID_DISPATCH_SEED_REFERENCE_DATA', env['GRID_DISPATCH_SEED_REFERENCE_DATA']),
    directory: options.directory,
    runScheduler: options.runScheduler ?? flag('GRID_DISPATCH_RUN_SCHEDULER', env['GRID_DISPATCH_RUN_SCHEDULER']) ?? true,
  };
}
