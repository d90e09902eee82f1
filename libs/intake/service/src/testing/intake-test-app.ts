/**
 * The intake service for its own HTTP tests: the real platform bootstrap (`startService`, standalone
 * mode, a temporary data directory, in-process bus, the platform's auth with its built-in issuer
 * seeded with the demo district's directory), IntakeModule on the demo reference data with a
 * clock the test moves. Test data goes in through the HTTP API or as integration events on the
 * bus, never as rows.
 */
import { IntegrationEvent, topics, validateIntegrationEvent, WorkOrderEventData, gridDispatchContracts, WorkOrderEventName } from '@fengqiao/contracts';
import { toCloudEventMessage } from '@fengqiao/bus';
import { demoDistrict } from '@fengqiao/demo';
import { BuiltInIssuer, Directory, type Principal } from '@fengqiao/identity';
import { FixedClock, newId } from '@fengqiao/kernel';
import { ContextRuntime, loadServiceConfig, runtimeToken, startService, toCloudEvent, type RunningService } from '@fengqiao/platform';
import { eventually, startServiceTestSession, type CallOptions as SessionCallOptions, type JsonResponse } from '@fengqiao/testing';
import { CASE_VIEW, CaseView } from '../case-view/case-view';
import { IntakeModule } from '../intake.module';
import { IntakeModuleOptions } from '../intake.options';
import { demoReference } from '../reference/demo-reference';

export const TEST_API_KEY = 'intake-test-open311-key';
/** a moment inside the demo's working week, in China time */
export const TEST_START = '2025-03-03T09:00:00+08:00';

/** Demo users the tests act as (see libs/demo users.ts). */
export const USERS = {
  districtOperator: 'op.d',
  town1Operator: 'op.t-1',
  village11Operator: 'op.v-1-1',
  village12Operator: 'op.v-1-2',
  town2Operator: 'op.t-2',
  gridWorker111: 'gw.g-1-1-1',
  gridWorker121: 'gw.g-1-2-1',
  department: 'dept.d-cg',
  mediator: 'med.v-1-1',
  petitionOfficer: 'xf.d',
  auditorDistrict: 'audit.d',
  auditorTown2: 'audit.t-2',
  admin: 'admin',
} as const;
export type TestUser = keyof typeof USERS;

export type { JsonResponse };
export type CallOptions = SessionCallOptions<TestUser>;

export interface IntakeTestApp {
  url: string;
  service: RunningService;
  runtime: ContextRuntime;
  clock: FixedClock;
  directory: Directory;
  issuer: BuiltInIssuer;
  principal(user: TestUser): Principal;
  token(user: TestUser): Promise<string>;
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<JsonResponse<T>>;
  /** POST /intake/cases as `user`, answering 201 or failing the test */
  report(user: TestUser, body: Record<string, unknown>): Promise<{ caseId: string; revision: number; gridId: string | null; unlocated: boolean }>;
  /** publishes a grid-dispatch integration event on the bus, as grid-dispatch's relay would */
  publishGridDispatch(event: IntegrationEvent<WorkOrderEventData>): Promise<void>;
  /** waits until the case view satisfies `ready` */
  viewWhen(caseId: string, ready: (view: CaseView) => boolean, what: string): Promise<CaseView>;
  /** all stored events of the intake context, oldest first */
  storedEvents(): ReturnType<ContextRuntime['infra']['events']['readAll']>;
  close(): Promise<void>;
}

export interface IntakeTestAppOptions {
  rateLimitPerMinute?: number;
  intake?: Partial<IntakeModuleOptions>;
}

export async function startIntakeTestApp(options: IntakeTestAppOptions = {}): Promise<IntakeTestApp> {
  const clock = new FixedClock(TEST_START);
  const session = await startServiceTestSession({
    dataDirPrefix: 'fq-intake-',
    users: USERS,
    // the platform reads the auth settings from the environment when the app is created
    rateLimits: ['RATE_LIMIT_INTAKE_PER_MINUTE', 'RATE_LIMIT_LOGIN_PER_MINUTE'],
    ...(options.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    start: (dataDir) =>
      startService(
        {
          name: 'intake',
          title: 'intake (test)',
          imports: [
            IntakeModule.register({
              reference: demoReference,
              clock,
              open311: { apiKeys: [{ label: 'test-client', key: TEST_API_KEY }], jurisdictionId: 'fengqiao.demo' },
              viewPollIntervalMs: 100,
              ...options.intake,
            }),
          ],
          // the built-in issuer (hosted by the platform in standalone mode) holds the demo directory
          identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
        },
        loadServiceConfig('intake', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
      ),
  });
  const { service, issuer, directory, principal, token, call } = session;
  const runtime = service.app.get<ContextRuntime>(runtimeToken('intake'));

  return {
    url: service.url,
    service,
    runtime,
    clock,
    directory,
    issuer,
    principal,
    token,
    call,
    async report(user, body) {
      const res = await call<{ caseId: string; revision: number; gridId: string | null; unlocated: boolean }>('POST', '/intake/cases', { as: user, body });
      if (res.status !== 201) throw new Error(`report as ${user} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async publishGridDispatch(event) {
      const valid = validateIntegrationEvent(event);
      await runtime.bus.publish(topics.gridDispatchCase, [toCloudEventMessage(toCloudEvent(valid), valid.subject)]);
    },
    async viewWhen(caseId, ready, what) {
      return eventually(
        async () => {
          const doc = await runtime.infra.readStore.get<CaseView>(CASE_VIEW, caseId);
          return doc && ready(doc) ? doc : undefined;
        },
        { what, timeoutMs: 10_000, intervalMs: 20 },
      );
    },
    storedEvents: () => runtime.infra.events.readAll({ afterPosition: 0, maxCount: 100_000 }),
    close: () => session.close(),
  };
}

/** A grid-dispatch integration event as grid-dispatch publishes it (snapshot-style data). */
export function gridDispatchEvent(
  name: WorkOrderEventName,
  data: Partial<WorkOrderEventData> & Pick<WorkOrderEventData, 'caseId' | 'status' | 'at' | 'jurisdiction'>,
  id: string = newId(),
): IntegrationEvent<WorkOrderEventData> {
  return {
    id,
    type: gridDispatchContracts[name].type,
    source: '/fengqiao/grid-dispatch',
    subject: data.caseId,
    time: data.at,
    correlationId: id,
    causationId: id,
    data: {
      event: name,
      actor: { userId: 'u-op-d', role: 'operator', unitId: 'd-fq' },
      category: 'fire_lane_blocked',
      urgency: 'normal',
      gridId: null,
      level: 'village',
      unitId: null,
      step: null,
      dueAt: null,
      ...data,
    },
  };
}

/** A point [lon, lat] inside a demo grid, as the report body's location. */
export function pointIn(gridId: string, fx = 0.5, fy = 0.5): { lat: number; lng: number } {
  const [lng, lat] = demoDistrict.pointInGrid(gridId, fx, fy);
  return { lat, lng };
}
