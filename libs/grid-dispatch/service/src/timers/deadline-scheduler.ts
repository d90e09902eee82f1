import { Logger } from '@nestjs/common';
import { BreachDeadline, WarnDeadline } from '@fengqiao/grid-dispatch-domain';
import { Actor, Clock, deterministicEventId, DomainError } from '@fengqiao/kernel';
import { ReadStore } from '@fengqiao/read-store';
import { GRID_CASE_VIEW, GridCaseView } from '../read-models/grid-case-view.projection';
import { WorkOrderHandler } from '../work-orders/work-order.handler';

/** The actor of deadline warnings and breaches. */
export const SCHEDULER_ACTOR: Actor = { userId: 'grid-dispatch.scheduler', role: 'system', unitId: 'system' };

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
 * The deadline scheduler (DESIGN §3 "Timers"): every `intervalMs` it asks the case view for the
 * work orders whose next timer action is due (`nextTimerAtMs <= now`: the warning, then the
 * breach) and issues WarnDeadline / BreachDeadline as the `system` actor; the decider appends
 * DeadlineWarned, or DeadlineBreached + Escalated (village → town → district).
 *
 * Nothing lives only in memory: the due timers are recomputed from the read model (persistent, fed
 * from the store) at every tick, the first one right after start, so a restart misses nothing.
 * Idempotent: the decider ignores a timer that is no longer running or already warned/breached,
 * and the event ids are deterministic per case × timer × action, so a second scheduler (another
 * replica, or a tick racing a lagging view) appends nothing twice.
 */
export class DeadlineScheduler {
  private readonly logger = new Logger('grid-dispatch.scheduler');
  private timer?: NodeJS.Timeout;
  private current?: Promise<SchedulerTick>;
  private stopped = true;
  private completedTicks = 0;
  private last?: SchedulerTick;

  constructor(
    private readonly readStore: ReadStore,
    private readonly workOrders: WorkOrderHandler,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly batchSize = 200,
  ) {}

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
        .finally(() => this.schedule(this.intervalMs));
    }, delay);
  }

  /** One pass over the due timers (public for tests and operations). */
  async tick(): Promise<SchedulerTick> {
    const nowDate = this.clock.now();
    const now = nowDate.toISOString();
    const result: SchedulerTick = { now, warned: [], breached: [], unchanged: [], failed: [] };
    let skip = 0;
    for (;;) {
      const due = await this.readStore.find<GridCaseView>(
        GRID_CASE_VIEW,
        { nextTimerAtMs: { $lte: nowDate.getTime() } },
        { sort: { nextTimerAtMs: 1 }, limit: this.batchSize, skip, projection: { caseId: 1, timer: 1 } },
      );
      for (const doc of due) await this.act(doc, nowDate, result);
      if (due.length < this.batchSize || this.stopped) break;
      // each due case once per tick: the view may not show this tick's events yet, so page on
      // (a case the view dropped meanwhile shifts the pages: what is skipped is due at the next tick)
      skip += due.length;
    }
    this.completedTicks += 1;
    this.last = result;
    if (result.warned.length || result.breached.length || result.failed.length) {
      this.logger.log(`deadlines at ${now}: warned ${result.warned.length}, breached ${result.breached.length}, failed ${result.failed.length}`);
    }
    return result;
  }

  private async act(doc: Pick<GridCaseView, 'caseId' | 'timer'>, now: Date, result: SchedulerTick): Promise<void> {
    const t = doc.timer;
    if (!t || t.breached) return;
    const nowMs = now.getTime();
    const breach = t.dueAtMs <= nowMs;
    if (!breach && (t.warned || t.warnAtMs === undefined || t.warnAtMs > nowMs)) return;
    const action = breach ? 'breach' : 'warn';
    const command: WarnDeadline | BreachDeadline = {
      type: breach ? 'BreachDeadline' : 'WarnDeadline',
      data: { caseId: doc.caseId, timerId: t.timerId },
      meta: { actor: SCHEDULER_ACTOR, now: now.toISOString(), correlationId: `deadline:${doc.caseId}:${t.timerId}` },
    };
    try {
      const res = await this.workOrders.execute(command, {
        eventId: (i) => deterministicEventId(`${doc.caseId}/${t.timerId}/${action}/${i}`, breach ? t.dueAtMs : (t.warnAtMs ?? t.dueAtMs)),
      });
      if (res.appended.length === 0) result.unchanged.push(doc.caseId);
      else (breach ? result.breached : result.warned).push(doc.caseId);
    } catch (e) {
      const error = e instanceof DomainError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      result.failed.push({ caseId: doc.caseId, error });
      this.logger.error(`deadline ${action} of case ${doc.caseId} timer ${t.timerId} failed: ${error}`);
    }
  }
}
