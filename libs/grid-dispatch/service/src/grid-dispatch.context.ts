import { Logger } from '@nestjs/common';
import { IntegrationEvent } from '@fengqiao/contracts';
import { demoEnabled } from '@fengqiao/demo';
import { DeadlineRuleEntry } from '@fengqiao/grid-dispatch-domain';
import { Actor, IllegalStateError, WorkingCalendar } from '@fengqiao/kernel';
import { CalendarCatalog, ContextRuntime, DeadlineScheduler, ServiceConfig } from '@fengqiao/platform';
import { ResolvedGridDispatchOptions } from './config/grid-dispatch.options';
import { UnitDirectory } from './directory/unit-directory';
import { gridCaseViewProjection } from './read-models/grid-case-view.projection';
import { StoreProjector, viewOf } from './read-models/store-projector';
import { validateDeadlineRuleTable } from './reference-data/deadline-rule-table';
import { RoutingRule, validateRoutingRules } from './reference-data/routing-rules';
import { VersionedTable } from './reference-data/versioned-table';
import { workOrderScheduler } from './timers/deadline-scheduler';
import { onCaseFiled } from './work-orders/on-case-filed.consumer';
import { workOrderRevisionTarget } from './calendar/work-order-revision';
import { WorkOrderHandler } from './work-orders/work-order.handler';

export const CONTEXT_NAME = 'grid-dispatch';
export const ROUTING_RULES_STREAM = 'routing-rules';
export const ROUTING_RULES_PUBLISHED = 'RoutingRulesPublished';
export const DEADLINE_RULES_STREAM = 'deadline-rules';
export const DEADLINE_RULES_PUBLISHED = 'DeadlineRulesPublished';
const SEED_ACTOR: Actor = { userId: 'system:seed', role: 'system', unitId: 'system' };

/** How long a command's HTTP answer waits for the case view to show the command (read your writes). */
const VIEW_WAIT_MS = 2000;

/** Injection token of the grid-dispatch context (one per `GridDispatchModule.register()`). */
export const GRID_DISPATCH = Symbol.for('fengqiao.grid-dispatch.context');

interface Started {
  runtime: ContextRuntime;
  routingRules: VersionedTable<RoutingRule>;
  deadlineRules: VersionedTable<DeadlineRuleEntry>;
  workOrders: WorkOrderHandler;
  projector: StoreProjector;
  scheduler?: DeadlineScheduler;
}

/**
 * The running parts of the grid-dispatch context, created with the module and started with the
 * context's runtime (its stores): rule tables, the work-order command handler, the consumer of
 * intake's events, the read-model projector and the deadline scheduler. Controllers reach them
 * through the GRID_DISPATCH token.
 */
export class GridDispatchContext {
  private readonly logger = new Logger('grid-dispatch');
  /** the working calendars, kept current from the holiday-notice table (calendar/work-order-revision.ts) */
  readonly calendars = new CalendarCatalog();
  private parts?: Started;
  private issuerDirectory?: UnitDirectory;
  private config?: ServiceConfig;

  constructor(readonly options: ResolvedGridDispatchOptions) {
    this.calendars.get(options.calendarId); // fails fast on an unknown calendar id
  }

  /** The calendar in force for new deadlines. */
  get calendar(): WorkingCalendar {
    return this.calendars.get(this.options.calendarId);
  }

  /** Called by the module's binder provider with what Nest can inject. */
  bind(issuerDirectory: UnitDirectory | undefined, config: ServiceConfig | undefined): void {
    this.issuerDirectory = issuerDirectory;
    this.config = config;
  }

  get clock() {
    return this.options.clock;
  }

  /** Units and their paths (configured, else the in-process issuer's directory, else none). */
  directory(): UnitDirectory | undefined {
    return this.options.directory ?? this.issuerDirectory;
  }

  private get started(): Started {
    if (!this.parts) throw new IllegalStateError('GRID_DISPATCH.NOT_READY', '网格派单服务尚未就绪，请稍后重试');
    return this.parts;
  }

  get runtime(): ContextRuntime {
    return this.started.runtime;
  }
  get routingRules(): VersionedTable<RoutingRule> {
    return this.started.routingRules;
  }
  get deadlineRules(): VersionedTable<DeadlineRuleEntry> {
    return this.started.deadlineRules;
  }
  get workOrders(): WorkOrderHandler {
    return this.started.workOrders;
  }
  get projector(): StoreProjector {
    return this.started.projector;
  }
  get scheduler(): DeadlineScheduler | undefined {
    return this.started.scheduler;
  }

  /** What the calendar revision works on (after a holiday notice is loaded). */
  revisionTarget() {
    return workOrderRevisionTarget(this.runtime.infra.readStore, this.workOrders, this.clock);
  }

  async start(runtime: ContextRuntime): Promise<void> {
    const { events, readStore } = runtime.infra;
    const routingRules = new VersionedTable<RoutingRule>(events, ROUTING_RULES_STREAM, ROUTING_RULES_PUBLISHED, (r) => validateRoutingRules(r, this.directory()), '派单规则');
    const deadlineRules = new VersionedTable<DeadlineRuleEntry>(events, DEADLINE_RULES_STREAM, DEADLINE_RULES_PUBLISHED, (t) => validateDeadlineRuleTable(t, this.calendar), '期限配置');
    const projector = new StoreProjector(events, readStore, [viewOf(gridCaseViewProjection)], 'grid-dispatch.views', this.options.projectorIntervalMs);
    await this.calendars.load(readStore);
    const workOrders = new WorkOrderHandler(events, deadlineRules, () => this.calendar, () => this.directory(), () => {
      runtime.published();
      projector.wake();
    });
    this.parts = { runtime, routingRules, deadlineRules, workOrders, projector };

    await this.seed();
    await projector.init();
    await projector.catchUp();
    projector.start();
    if (this.options.runScheduler) {
      const scheduler = workOrderScheduler(readStore, workOrders, this.clock, this.options.timerIntervalMs);
      this.parts.scheduler = scheduler;
      scheduler.start();
    }
  }

  private async seed(): Promise<void> {
    // the demo tables are reference data of the demo district: only where the demo is loaded
    const seedWanted = this.options.seedReferenceData ?? demoEnabled(this.config?.mode ?? 'standalone');
    const seed = this.options.seed;
    if (!seedWanted || !seed) return;
    const at = this.clock.now().toISOString();
    if (await this.routingRules.seedIfEmpty(seed.routingRules, SEED_ACTOR, at)) this.logger.log(`seeded ${seed.routingRules.length} routing rules`);
    if (await this.deadlineRules.seedIfEmpty(seed.deadlineRules, SEED_ACTOR, at)) this.logger.log(`seeded ${seed.deadlineRules.length} deadline rules`);
  }

  async stop(): Promise<void> {
    if (!this.parts) return;
    await this.parts.scheduler?.stop();
    await this.parts.projector.stop();
  }

  /** Consumer `grid-dispatch.work-orders`. */
  async onIntakeEvent(event: IntegrationEvent): Promise<void> {
    const outcome = await onCaseFiled(event, { workOrders: this.workOrders, routingRules: this.routingRules, directory: () => this.directory(), clock: this.clock }, this.logger);
    if (outcome.kind === 'dispatched') this.logger.log(`case ${event.subject}: dispatched to ${outcome.unitId} by routing rules v${outcome.rulesVersion}`);
  }

  /** /health: the read-model projector's position and the scheduler's last tick; down while the projector keeps failing. */
  health(): Record<string, unknown> {
    const { projector, scheduler } = this.started;
    const views = projector.health();
    if (views.failures > 3) throw new Error(`read-model projector failing (${views.failures} attempts) at position ${views.position}`);
    const timers = scheduler?.status();
    return {
      projector: views,
      ...(timers ? { scheduler: { ticks: timers.ticks, lastTickAt: timers.last?.now ?? null, lastFailed: timers.last?.failed.length ?? 0 } } : {}),
    };
  }

  /** After a command: wait (bounded) until the case view shows it, so the next read sees the change. */
  async viewsCaughtUp(lastPosition: number | undefined): Promise<void> {
    if (lastPosition !== undefined) await this.projector.waitFor(lastPosition, VIEW_WAIT_MS);
  }
}
