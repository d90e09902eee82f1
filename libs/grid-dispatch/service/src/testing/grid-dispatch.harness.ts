/**
 * A grid-dispatch app for the service specs: the real bootstrap (`startService`, standalone mode,
 * port 0, a temp data dir) with the demo district's directory seeded into the built-in issuer,
 * a clock the test moves, and helpers to call the HTTP API as a demo user, deliver intake events
 * on the in-process bus and read the context's event store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, toCloudEventMessage } from '@fengqiao/bus';
import { IntakeCaseFiledV1, IntakeCaseFiledV1Data, IntegrationEvent, topics } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { StoredEvent } from '@fengqiao/event-store';
import { toGridCaseStreamId } from '@fengqiao/grid-dispatch-domain';
import { BuiltInIssuer, principalOf } from '@fengqiao/identity';
import { FixedClock, newId } from '@fengqiao/kernel';
import { BUS, ContextRuntime, DeadlineScheduler, loadServiceConfig, RunningService, runtimeToken, startService, toCloudEvent } from '@fengqiao/platform';
import { StoreProjector } from '@fengqiao/read-store';
import { GridCases } from '../application/grid-cases';
import { GridDispatchStartup } from '../application/grid-dispatch.startup';
import { CONTEXT_NAME } from '../application/grid-dispatch.tokens';
import { GridDispatchOptions } from '../config/grid-dispatch.options';
import { GridDispatchModule } from '../grid-dispatch.module';
import { OnCaseFiledConsumer } from '../work-orders/on-case-filed.consumer';
import { GridDispatchViews } from '../read-models/grid-dispatch.views';
import { ReferenceTables } from '../reference-data/reference-tables';

export interface HttpResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions over arbitrary JSON
  body: any;
  etag: string | null;
}

export interface CallOptions {
  /** demo username, e.g. `op.v-1-1`; none: no token */
  as?: string;
  body?: unknown;
  ifMatch?: string;
}

/** Monday 2 March 2026, 09:00 in China: a working day inside the national calendar's data. */
export const T0 = '2026-03-02T09:00:00+08:00';

export class GridDispatchHarness {
  private service!: RunningService;
  private readonly tokens = new Map<string, string>();
  readonly clock: FixedClock;
  readonly dataDir: string;

  private constructor(
    private readonly options: GridDispatchOptions,
    clock: FixedClock,
    dataDir: string,
  ) {
    this.clock = clock;
    this.dataDir = dataDir;
  }

  static async start(options: GridDispatchOptions = {}, clock = new FixedClock(T0)): Promise<GridDispatchHarness> {
    const h = new GridDispatchHarness(options, clock, mkdtempSync(join(tmpdir(), 'fq-grid-dispatch-')));
    await h.boot();
    return h;
  }

  private async boot(): Promise<void> {
    const config = loadServiceConfig(
      'grid-dispatch',
      { port: 0, mode: 'standalone' },
      { FENGQIAO_DATA_DIR: this.dataDir, LOG_LEVEL: 'error', HOST: '127.0.0.1' },
    );
    this.service = await startService(
      {
        name: 'grid-dispatch',
        title: 'grid-dispatch (test)',
        imports: [GridDispatchModule.register({ clock: this.clock, timerIntervalMs: 3_600_000, projectorIntervalMs: 50, ...this.options })],
        identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
      },
      config,
    );
  }

  /** Stops the app and starts it again on the same data (a process restart); `whileDown` runs in between. */
  async restart(whileDown?: () => void | Promise<void>): Promise<void> {
    await this.service.close();
    await whileDown?.();
    await this.boot();
  }

  async close(): Promise<void> {
    await this.service.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get app(): RunningService['app'] {
    return this.service.app;
  }

  get url(): string {
    return this.service.url;
  }

  /** a provider of the grid-dispatch module, as Nest built it */
  get<T>(type: new (...args: never[]) => T): T {
    return this.service.app.get(type, { strict: false });
  }

  get runtime(): ContextRuntime {
    return this.service.app.get<ContextRuntime>(runtimeToken(CONTEXT_NAME), { strict: false });
  }

  get cases(): GridCases {
    return this.get(GridCases);
  }

  get tables(): ReferenceTables {
    return this.get(ReferenceTables);
  }

  get projector(): StoreProjector<StoredEvent> {
    return this.get(GridDispatchViews).projector;
  }

  get scheduler(): DeadlineScheduler | undefined {
    return this.get(GridDispatchStartup).deadlineScheduler;
  }

  get workOrders(): OnCaseFiledConsumer {
    return this.get(OnCaseFiledConsumer);
  }

  async token(username: string): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const issuer = this.service.app.get(BuiltInIssuer, { strict: false });
    const snapshot = issuer.directory.current();
    const user = snapshot.userByUsername(username);
    if (!user) throw new Error(`no demo user ${username}`);
    const { token } = await issuer.issueAccessToken(principalOf(user, snapshot));
    this.tokens.set(username, token);
    return token;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    if (options.as) headers['authorization'] = `Bearer ${await this.token(options.as)}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') };
  }

  /** `POST /grid-dispatch/cases/:caseId/<command>` */
  command(caseId: string, command: string, as: string, body: unknown = {}, ifMatch?: string): Promise<HttpResult> {
    return this.call('POST', `/grid-dispatch/cases/${caseId}/${command}`, { as, body, ...(ifMatch !== undefined ? { ifMatch } : {}) });
  }

  /** intake's CaseFiled for a case in a demo grid (or at a village with `gridId: null`). */
  filedEvent(over: Partial<IntakeCaseFiledV1Data> & { caseId: string }): IntegrationEvent<IntakeCaseFiledV1Data> {
    const gridId = over.gridId === undefined ? 'g-1-1-1' : over.gridId;
    const data: IntakeCaseFiledV1Data = {
      jurisdiction: demoDistrict.unitPath(gridId ?? 'v-1-1'),
      filedAt: this.clock.now().toISOString(),
      level: 'village',
      category: 'fire_lane_blocked',
      urgency: 'urgent',
      channel: 'grid_worker',
      location: { address: '枫源社区 3 幢' },
      ...over,
      gridId,
    };
    return {
      id: newId(),
      type: IntakeCaseFiledV1.type,
      source: '/fengqiao/intake',
      subject: over.caseId,
      time: data.filedAt,
      correlationId: newId(),
      causationId: newId(),
      data,
    };
  }

  /** Publishes an intake event on the in-process bus (as intake's relay would). */
  async deliver(event: IntegrationEvent): Promise<void> {
    const bus = this.service.app.get<Bus>(BUS, { strict: false });
    await bus.publish(topics.intakeCase, [toCloudEventMessage(toCloudEvent(event), event.subject)]);
  }

  events(caseId: string): Promise<StoredEvent[]> {
    return this.runtime.infra.events.readStream(toGridCaseStreamId(caseId));
  }

  async types(caseId: string): Promise<string[]> {
    return (await this.events(caseId)).map((e) => e.type);
  }

  /** Waits until the stream of a case has at least `count` events (the consumer is asynchronous). */
  async waitForEvents(caseId: string, count: number, timeoutMs = 10_000): Promise<StoredEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.events(caseId);
      if (events.length >= count) return events;
      if (Date.now() > deadline)
        throw new Error(`case ${caseId}: ${events.length} events after ${timeoutMs} ms, expected ${count}: ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the read models have applied everything stored so far. */
  async viewsSettled(timeoutMs = 10_000): Promise<void> {
    const [last] = await this.runtime.infra.events.readAll({ afterPosition: this.projector.checkpoint, maxCount: 100_000 }).then((all) => all.slice(-1));
    if (last && !(await this.projector.waitFor(last.globalPosition, timeoutMs))) throw new Error('read models did not catch up');
  }

  /** Opens and routes a work order through the real consumer, and waits until it is handled. */
  async fileCase(over: Partial<IntakeCaseFiledV1Data> & { caseId: string }, expectedEvents = 2): Promise<StoredEvent[]> {
    await this.deliver(this.filedEvent(over));
    const events = await this.waitForEvents(over.caseId, expectedEvents);
    await this.viewsSettled();
    return events;
  }
}
