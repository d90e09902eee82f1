import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { demoEnabled } from '@fengqiao/demo';
import { Actor } from '@fengqiao/kernel';
import { ContextLifecycle, ContextRuntime, DeadlineScheduler, HealthRegistry, SERVICE_CONFIG, ServiceConfig } from '@fengqiao/platform';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { GridDispatchViews } from '../read-models/grid-dispatch.views';
import { ReferenceTables } from '../reference-data/reference-tables';
import { StaleTableReadError } from '@fengqiao/platform';
import { workOrderScheduler } from '../timers/deadline-scheduler';
import { GridCases } from './grid-cases';
import { CONTEXT_NAME, GRID_DISPATCH_OPTIONS } from './grid-dispatch.tokens';

const SEED_ACTOR: Actor = { userId: 'system:seed', role: 'system', unitId: 'system' };
const SEED_NOTE = '首次启动时载入的默认数据';

/**
 * Grid-dispatch's part in its runtime's start and stop (a `ContextLifecycle` provider): seeds the
 * rule tables where the demo is loaded and reads them, brings the views up to date before the consumers start,
 * then starts the projector's poll and the deadline scheduler; reports both on /health.
 */
@Injectable()
export class GridDispatchStartup implements ContextLifecycle {
  private readonly logger = new Logger(CONTEXT_NAME);
  private scheduler?: DeadlineScheduler;

  constructor(
    @Inject(GRID_DISPATCH_OPTIONS) private readonly options: ResolvedGridDispatchOptions,
    @Inject(ReferenceTables) private readonly tables: ReferenceTables,
    @Inject(GridDispatchViews) private readonly views: GridDispatchViews,
    @Inject(GridCases) private readonly cases: GridCases,
    @Optional() @Inject(SERVICE_CONFIG) private readonly config?: ServiceConfig,
    @Optional() @Inject(HealthRegistry) health?: HealthRegistry,
  ) {
    health?.add({ key: `${CONTEXT_NAME}.views`, check: async () => this.health() });
  }

  /** The deadline scheduler, once started (absent where `runScheduler` is false). */
  get deadlineScheduler(): DeadlineScheduler | undefined {
    return this.scheduler;
  }

  async onContextReady(runtime: ContextRuntime): Promise<void> {
    await this.tables.calendars.load(runtime.infra.readStore);
    await this.seed();
    await this.loadTables();
    const projector = this.views.projector;
    await projector.init();
    await projector.catchUp();
    projector.start();
    if (this.options.runScheduler) {
      this.scheduler = workOrderScheduler(runtime.infra.readStore, this.cases, this.options.clock, this.options.timerIntervalMs);
      this.scheduler.start();
    }
  }

  async onContextStop(): Promise<void> {
    await this.scheduler?.stop();
    await this.views.projector.stop();
  }

  private async seed(): Promise<void> {
    // the demo tables are reference data of the demo district: only where the demo is loaded
    const seedWanted = this.options.seedReferenceData ?? demoEnabled(this.config?.mode ?? 'standalone');
    const seed = this.options.seed;
    if (!seedWanted || !seed) return;
    const at = this.options.clock.now().toISOString();
    if (await this.tables.routingRules.seedIfEmpty(seed.routingRules, SEED_ACTOR, at, SEED_NOTE))
      this.logger.log(`seeded ${seed.routingRules.length} routing rules`);
    if (await this.tables.deadlineRules.seedIfEmpty(seed.deadlineRules, SEED_ACTOR, at, SEED_NOTE))
      this.logger.log(`seeded ${seed.deadlineRules.length} deadline rules`);
  }

  /**
   * Reads the rule tables before the consumers start (the runtime starts them after this), so the
   * work-order consumer never decides on a table this process has not read yet, and a later read
   * older than this one is known to be stale (`StaleTableReadError`). A stale read at start is
   * read again a few times.
   */
  private async loadTables(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.tables.routingRules.refresh();
        await this.tables.deadlineRules.refresh();
        return;
      } catch (e) {
        if (!(e instanceof StaleTableReadError) || attempt >= 10) throw e;
        this.logger.warn(`${e.message} (attempt ${attempt})`);
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  /** /health: the projector's position and the scheduler's last tick; down while the projector keeps failing. */
  health(): Record<string, unknown> {
    const views = this.views.projector.health();
    if (views.failures > 3) throw new Error(`read-model projector failing (${views.failures} attempts) at position ${views.position}`);
    const timers = this.scheduler?.status();
    return {
      projector: views,
      ...(timers ? { scheduler: { ticks: timers.ticks, lastTickAt: timers.last?.now ?? null, lastFailed: timers.last?.failed.length ?? 0 } } : {}),
    };
  }
}
