/**
 * The petitions service for its own HTTP tests: the real platform bootstrap (`startService`,
 * standalone mode, a temporary data directory, in-process bus, the built-in issuer seeded with the
 * demo district's directory), PetitionsModule with a clock the test moves and no background
 * scheduler (tests tick it). Test data goes in through the HTTP API or as integration events on
 * the bus, never as rows.
 */
import { gridDispatchContracts, IntegrationEvent, topics, validateIntegrationEvent, WorkOrderEventData } from '@fengqiao/contracts';
import { toCloudEventMessage } from '@fengqiao/bus';
import { demoDistrict } from '@fengqiao/demo';
import { BuiltInIssuer, type Principal } from '@fengqiao/identity';
import { FixedClock, newId } from '@fengqiao/kernel';
import { LooseJson, startServiceTestSession, type CallOptions as SessionCallOptions, type JsonResponse } from '@fengqiao/testing';
import { ContextRuntime, loadServiceConfig, runtimeToken, startService, toCloudEvent, type RunningService } from '@fengqiao/platform';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { PetitionsModule } from '../petitions.module';
import { PetitionsModuleOptions } from '../petitions.options';

/** Tuesday 2025-09-23 09:00 in China: the 2025 National Day holiday (10-01…10-08) and its make-up workdays (09-28, 10-11) lie ahead. */
export const TEST_START = '2025-09-23T09:00:00+08:00';

export const USERS = {
  districtOfficer: 'xf.d',
  town1Officer: 'xf.t-1',
  town2Officer: 'xf.t-2',
  districtOperator: 'op.d',
  mediator: 'med.v-1-1',
  department: 'dept.d-cg',
  gridWorker: 'gw.g-1-1-1',
  auditorDistrict: 'audit.d',
  auditorTown2: 'audit.t-2',
  admin: 'admin',
} as const;
export type TestUser = keyof typeof USERS;

export type { JsonResponse };
export type CallOptions = SessionCallOptions<TestUser>;

export interface PetitionsTestApp {
  url: string;
  service: RunningService;
  runtime: ContextRuntime;
  ctx: PetitionsContext;
  clock: FixedClock;
  issuer: BuiltInIssuer;
  principal(user: TestUser): Principal;
  token(user: TestUser): Promise<string>;
  call<T = LooseJson>(method: string, path: string, options?: CallOptions): Promise<JsonResponse<T>>;
  /** POST as `user`, expecting `status` (default 200), failing the test otherwise */
  ok<T = LooseJson>(method: string, path: string, user: TestUser, body?: unknown, status?: number): Promise<T>;
  /** publishes a grid-dispatch integration event on the bus, as grid-dispatch's relay would */
  publishGridDispatch(event: IntegrationEvent<WorkOrderEventData>): Promise<void>;
  storedEvents(): ReturnType<ContextRuntime['infra']['events']['readAll']>;
  close(): Promise<void>;
}

export async function startPetitionsTestApp(
  options: { petitions?: Partial<PetitionsModuleOptions>; rateLimitPerMinute?: number } = {},
): Promise<PetitionsTestApp> {
  const clock = new FixedClock(TEST_START);
  const session = await startServiceTestSession({
    dataDirPrefix: 'fq-petitions-',
    users: USERS,
    rateLimits: ['RATE_LIMIT_PETITION_PUBLIC_PER_MINUTE', 'RATE_LIMIT_LOGIN_PER_MINUTE', 'RATE_LIMIT_INTAKE_PER_MINUTE'],
    ...(options.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    start: (dataDir) =>
      startService(
        {
          name: 'petitions',
          title: 'petitions (test)',
          imports: [PetitionsModule.register({ runScheduler: false, powBits: 4, viewIntervalMs: 100, seedDemo: false, ...options.petitions, clock })],
          identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
        },
        loadServiceConfig('petitions', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
      ),
  });
  const { service, issuer, principal, token, call } = session;
  const runtime = service.app.get<ContextRuntime>(runtimeToken('petitions'));
  const ctx = service.app.get<PetitionsContext>(PETITIONS_CONTEXT);
  return {
    url: service.url,
    service,
    runtime,
    ctx,
    clock,
    issuer,
    principal,
    token,
    call,
    async ok(method, path, user, body, status = 200) {
      const res = await call(method, path, { as: user, ...(body !== undefined ? { body } : {}) });
      if (res.status !== status) throw new Error(`${method} ${path} as ${user} answered ${res.status}: ${res.text}`);
      return res.body as never;
    },
    async publishGridDispatch(event) {
      const valid = validateIntegrationEvent(event);
      await runtime.bus.publish(topics.gridDispatchCase, [toCloudEventMessage(toCloudEvent(valid), valid.subject)]);
    },
    storedEvents: () => runtime.infra.events.readAll({ afterPosition: 0, maxCount: 100_000 }),
    close: () => session.close(),
  };
}

/** A petitioner with a made-up resident ID number (its check digit is not checked). */
export function petitioner(n: number, extra: { address?: string } = {}) {
  return {
    name: `信访人${n}`,
    idNumber: `33068119800101${String(1000 + n).slice(-4)}`,
    phone: `1380000${String(1000 + n).slice(-4)}`,
    address: extra.address ?? `浙江省诸暨市枫桥镇枫源村${n}组${n}号`,
  };
}

/** A registration body as a petition office sends it. */
export function registration(extra: Record<string, unknown> = {}) {
  return { channel: 'letter', petitioners: [petitioner(1)], summary: '反映征地补偿款未足额发放', matterType: 'land_expropriation', form: 'written', ...extra };
}

/** A grid-dispatch CaseReferred event (to petitions). */
export function caseReferred(caseId: string, at: string, id: string = newId()): IntegrationEvent<WorkOrderEventData> {
  return {
    id,
    type: gridDispatchContracts.CaseReferred.type,
    source: '/fengqiao/grid-dispatch',
    subject: caseId,
    time: at,
    correlationId: id,
    causationId: id,
    data: {
      caseId,
      event: 'CaseReferred',
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'],
      at,
      actor: { userId: 'u-op-v-1-1', role: 'operator', unitId: 'v-1-1' },
      status: 'referred',
      category: 'neighbour_dispute',
      urgency: 'normal',
      gridId: 'g-1-1-1',
      level: 'village',
      unitId: null,
      step: null,
      dueAt: null,
      text: '多次调处未果，当事人要求信访部门处理',
      referredTo: 'petitions',
    },
  };
}
