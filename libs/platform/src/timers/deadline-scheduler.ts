import { Logger } from '@nestjs/common';
import { Clock, DomainError } from '@fengqiao/kernel';
import { metrics } from '../metrics/metrics';
import { MAX_TIMER_BUCKETS, RECENT_TIMER_MARGIN_MS, TIMER_BUCKET_MS, type DueScope } from './due-timers';

/** One timer action that is due: warn before the deadline, or breach it. */
export interface DueTimer {
  caseId: string;
  timerId: string;
  action: 'warn' | 'breach';
  /** the instant (ms) the action was due: part of its deterministic event ids */
  atMs: number;
}

export interface SchedulerTick {
  /** instant the tick looked at */
  now: string;
  warned: string[];
  breached: string[];
  /** cases whose command decided nothing (already done, or the timer had changed) */
  unchanged: string[];
  failed: { caseId: string; error: string }[];
}

/**
 * What a context gives the shared scheduler: where its due timers are (a query on a read model fed
 * from its own store, so nothing lives only in memory) and how to act on one (a command through the
 * context's command path as the `system` actor, with event ids derived from case × timer × action
 * × due instant, so a second replica or a repeated tick appends nothing twice).
 */
export interface DeadlineTimerSource {
  /**
   * timers whose action is due at `nowMs`, oldest first, one page: of the whole read model on a
   * sweep, else of the recent timer buckets (due-timers.ts `findDueViews`)
   */
  due(nowMs: number, page: { limit: number; skip: number }, scope: DueScope): Promise<DueTimer[]>;
  /** issues the warning or the breach; resolves to the number of events appended (0: nothing to do) */
  fire(timer: DueTimer, now: Date): Promise<number>;
}

export interface DeadlineSchedulerOptions {
  /** logger name, e.g. `mediation.scheduler` */
  name: string;
  clock: Clock;
  intervalMs: number;
  batchSize?: number;
  /** how often a tick sweeps the whole read model instead of the recent timer buckets (default 10 min; the first tick always does) */
  sweepEveryMs?: number;
}

const DEFAULT_SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The restart-proof deadline scheduler every deadline-owning context shares (DESIGN §3 "Timers"):
 * every `intervalMs` (the first tick right after start) it asks the context for the timers that
 * are due and fires them. A restart misses nothing because due timers are recomputed from a
 * persistent read model at every tick; firing is idempotent because the decider ignores a timer
 * that no longer runs and the event ids are deterministic. A tick asks for the timers of the minutes
 * since shortly before the previous tick (equality queries on the timer bucket); the first tick
 * after start, one long after the one before, and one every `sweepEveryMs` sweep the whole read
 * model (due-timers.ts).
 */
export class DeadlineScheduler {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private current?: Promise<SchedulerTick>;
  private stopped = true;
  private completedTicks = 0;
  private last?: SchedulerTick;
  /** when the last sweep started (undefined: none yet, the next tick sweeps) */
  private lastSweepMs?: number;
  /** the instant the last completed tick looked at */
  private lastTickMs?: number;

  constructor(
    private readonly source: DeadlineTimerSource,
    private readonly options: DeadlineSchedulerOptions,
  ) {
    this.logger = new Logger(options.name);
  }

  /** Ticks completed since start, and what the last one did (health, tests). */
  status(): { ticks: number; last?: SchedulerTick } {
    return { ticks: this.completedTicks, ...(this.last ? { last: this.last } : {}) };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick();
      this.current
        .catch((e: unknown) => this.logger.error(`tick failed: ${e instanceof Error ? e.stack : String(e)}`))
        .finally(() => this.schedule(this.options.intervalMs));
    }, delay);
  }

  /** One pass over the due timers (public for tests and operations). */
  async tick(): Promise<SchedulerTick> {
    const nowDate = this.options.clock.now();
    const now = nowDate.toISOString();
    const result: SchedulerTick = { now, warned: [], breached: [], unchanged: [], failed: [] };
    const limit = this.options.batchSize ?? 200;
    const nowMs = nowDate.getTime();
    const sinceMs = (this.lastTickMs ?? nowMs) - RECENT_TIMER_MARGIN_MS;
    const sweep =
      this.lastSweepMs === undefined ||
      this.lastTickMs === undefined ||
      nowMs < this.lastTickMs || // the clock went back
      nowMs - sinceMs > MAX_TIMER_BUCKETS * TIMER_BUCKET_MS ||
      nowMs - this.lastSweepMs >= (this.options.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS);
    let skip = 0;
    let dueCount = 0;
    for (;;) {
      const due = await this.source.due(nowMs, { limit, skip }, sweep ? { sweep } : { sweep, sinceMs });
      dueCount += due.length;
      for (const timer of due) await this.fire(timer, nowDate, result);
      if (due.length < limit || this.stopped) break;
      // each due case once per tick: the view may not show this tick's events yet, so page on
      // (a case the view dropped meanwhile shifts the pages: what is skipped is due at the next tick)
      skip += due.length;
    }
    if (sweep) this.lastSweepMs = nowMs;
    this.lastTickMs = nowMs;
    this.completedTicks += 1;
    this.last = result;
    metrics.timersDue.set({ scheduler: this.options.name }, dueCount);
    if (result.warned.length || result.breached.length || result.failed.length) {
      this.logger.log(`deadlines at ${now}: warned ${result.warned.length}, breached ${result.breached.length}, failed ${result.failed.length}`);
    }
    return result;
  }

  private async fire(timer: DueTimer, now: Date, result: SchedulerTick): Promise<void> {
    try {
      const appended = await this.source.fire(timer, now);
      if (appended === 0) result.unchanged.push(timer.caseId);
      else {
        (timer.action === 'breach' ? result.breached : result.warned).push(timer.caseId);
        metrics.timersFired.inc({ scheduler: this.options.name, action: timer.action });
      }
    } catch (e) {
      const error = e instanceof DomainError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      result.failed.push({ caseId: timer.caseId, error });
      this.logger.error(`deadline ${timer.action} of case ${timer.caseId} timer ${timer.timerId} failed: ${error}`);
    }
  }
}
