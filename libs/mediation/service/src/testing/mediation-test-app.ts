/**
 * The mediation service for its own HTTP tests: the real platform bootstrap (standalone mode, a
 * temporary data directory, in-process bus, the built-in issuer seeded with the demo directory),
 * MediationModule with a clock the test moves. Test data goes in through the HTTP API or as
 * integration events on the bus, never as rows.
 */
import { gridDispatchContracts, IntegrationEvent, topics, validateIntegrationEvent, WorkOrderEventData } from '@fengqiao/contracts';
import { toCloudEventMessage } from '@fengqiao/bus';
import { demoDistrict } from '@fengqiao/demo';
import { BuiltInIssuer, type Principal } from '@fengqiao/identity';
import { FixedClock, newId } from '@fengqiao/kernel';
import { ContextRuntime, loadServiceConfig, runtimeToken, startService, toCloudEvent, type RunningService } from '@fengqiao/platform';
import { eventually, LooseJson, startServiceTestSession, type CallOptions as SessionCallOptions, type JsonResponse } from '@fengqiao/testing';
import { MEDIATION_CASE_VIEW, MediationCaseView } from '../case-view/mediation-case.view';
import { MediationModule } from '../mediation.module';
import { MediationModuleOptions } from '../mediation.options';

/** a Monday morning in China time */
export const TEST_START = '2025-03-03T09:00:00+08:00';

export const USERS = {
  mediator11: 'med.v-1-1',
  mediator12: 'med.v-1-2',
  mediator21: 'med.v-2-1',
  mediatorTown1: 'med.t-1',
  mediatorDistrict: 'med.d-fq',
  operator11: 'op.v-1-1',
  districtOperator: 'op.d',
  gridWorker111: 'gw.g-1-1-1',
  department: 'dept.d-cg',
  petitionOfficer: 'xf.d',
  auditorDistrict: 'audit.d',
  auditorTown2: 'audit.t-2',
  admin: 'admin',
} as const;
export type TestUser = keyof typeof USERS;

export type { JsonResponse };
export type CallOptions = SessionCallOptions<TestUser>;

export interface MediationTestApp {
  url: string;
  service: RunningService;
  runtime: ContextRuntime;
  clock: FixedClock;
  issuer: BuiltInIssuer;
  principal(user: TestUser): Principal;
  userId(user: TestUser): string;
  token(user: TestUser): Promise<string>;
  call<T = LooseJson>(method: string, path: string, options?: CallOptions): Promise<JsonResponse<T>>;
  /** POST /mediation/cases as `user` (a neighbour dispute with two parties), answering 201 or failing */
  register(user?: TestUser, body?: Record<string, unknown>): Promise<{ caseId: string; revision: number; partyIds: string[] }>;
  /** a grid-dispatch integration event on the bus, as grid-dispatch's relay publishes it */
  publishGridDispatch(event: IntegrationEvent<WorkOrderEventData>): Promise<void>;
  viewWhen(predicate: (v: MediationCaseView) => boolean, what: string): Promise<MediationCaseView>;
  storedEvents(): ReturnType<ContextRuntime['infra']['events']['readAll']>;
  close(): Promise<void>;
}

export const NEIGHBOURS = {
  source: { kind: 'application', channel: 'walk_in' },
  parties: [
    { role: 'applicant', name: '王建国', idNumber: '330681197001011234', phone: '13800001111', address: '浙江省诸暨市枫桥镇枫源村3组12号' },
    { role: 'respondent', name: '李秀英', phone: '13900002222', address: '浙江省诸暨市枫桥镇枫源村3组14号' },
  ],
  summary: '楼上住户卫生间漏水，楼下住户要求维修并赔偿，双方多次争吵',
  category: 'neighbour_dispute',
};

export async function startMediationTestApp(options: Partial<MediationModuleOptions> = {}): Promise<MediationTestApp> {
  const clock = new FixedClock(TEST_START);
  const session = await startServiceTestSession({
    dataDirPrefix: 'fq-mediation-',
    users: USERS,
    rateLimits: ['RATE_LIMIT_LOGIN_PER_MINUTE'],
    start: (dataDir) =>
      startService(
        {
          name: 'mediation',
          title: 'mediation (test)',
          imports: [MediationModule.register({ clock, viewPollIntervalMs: 100, schedulerIntervalMs: 3_600_000, seedDemo: false, ...options })],
          identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
        },
        loadServiceConfig('mediation', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
      ),
  });
  const { service, issuer, principal, userId, token, call } = session;
  const runtime = service.app.get<ContextRuntime>(runtimeToken('mediation'));
  return {
    url: service.url,
    service,
    runtime,
    clock,
    issuer,
    principal,
    userId,
    token,
    call,
    async register(user = 'mediator11', body = NEIGHBOURS) {
      const res = await call<{ caseId: string; revision: number }>('POST', '/mediation/cases', { as: user, body });
      if (res.status !== 201) throw new Error(`register as ${user} answered ${res.status}: ${res.text}`);
      const got = await call<{ parties: { partyId: string }[] }>('GET', `/mediation/cases/${res.body.caseId}`, { as: user });
      return { ...res.body, partyIds: got.body.parties.map((p) => p.partyId) };
    },
    async publishGridDispatch(event) {
      const valid = validateIntegrationEvent(event);
      await runtime.bus.publish(topics.gridDispatchCase, [toCloudEventMessage(toCloudEvent(valid), valid.subject)]);
    },
    viewWhen(predicate, what) {
      return eventually(
        async () => {
          const docs = await runtime.infra.readStore.find<MediationCaseView>(MEDIATION_CASE_VIEW, {});
          return docs.find(predicate);
        },
        { what, timeoutMs: 10_000, intervalMs: 20 },
      );
    },
    storedEvents: () => runtime.infra.events.readAll({ afterPosition: 0, maxCount: 100_000 }),
    close: () => session.close(),
  };
}

/** grid-dispatch's `referred` event of a grid case at g-1-1-1, as its relay publishes it. */
export function gridCaseReferred(
  gridCaseId: string,
  at: string,
  referredTo: 'mediation' | 'petitions' = 'mediation',
  id = newId(),
): IntegrationEvent<WorkOrderEventData> {
  return {
    id,
    type: gridDispatchContracts.CaseReferred.type,
    source: '/fengqiao/grid-dispatch',
    subject: gridCaseId,
    time: at,
    correlationId: id,
    causationId: id,
    data: {
      caseId: gridCaseId,
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
      text: '实为邻里纠纷，转人民调解',
      referredTo,
    },
  };
}
