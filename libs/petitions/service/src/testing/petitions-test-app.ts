/**
 * The petitions service for its own HTTP tests: the real platform bootstrap (`startService`,
 * standalone mode, a temporary data directory, in-process bus, the built-in issuer seeded with the
 * demo district's directory), PetitionsModule with a clock the test moves and no background
 * scheduler (tests tick it). Test data goes in through the HTTP API or as integration events on
 * the bus, never as rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridDispatchContracts, IntegrationEvent, topics, validateIntegrationEvent, WorkOrderEventData } from '@fengqiao/contracts';
import { toCloudEventMessage } from '@fengqiao/bus';
import { demoDistrict } from '@fengqiao/demo';
import { BuiltInIssuer, principalOf, type Principal } from '@fengqiao/identity';
import { FixedClock, newId } from '@fengqiao/kernel';
import { LooseJson } from '@fengqiao/testing';
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

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  as?: TestUser;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface PetitionsTestApp {
  url: string;
  service: RunningService;
  runtime: ContextRuntime;
  ctx: PetitionsContext;
  clock: FixedClock;
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

export async function startPetitionsTestApp(options: { petitions?: Partial<PetitionsModuleOptions>; rateLimitPerMinute?: number } = {}): Promise<PetitionsTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-petitions-'));
  const clock = new FixedClock(TEST_START);
  const limits = ['RATE_LIMIT_PETITION_PUBLIC_PER_MINUTE', 'RATE_LIMIT_LOGIN_PER_MINUTE', 'RATE_LIMIT_INTAKE_PER_MINUTE'];
  const saved = limits.map((name) => process.env[name]);
  for (const name of limits) process.env[name] = String(options.rateLimitPerMinute ?? 10_000);
  let service: RunningService;
  try {
    service = await startService(
      {
        name: 'petitions',
        title: 'petitions (test)',
        imports: [PetitionsModule.register({ runScheduler: false, powBits: 4, viewIntervalMs: 100, seedDemo: false, ...options.petitions, clock })],
        identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
      },
      loadServiceConfig('petitions', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
    );
  } finally {
    limits.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    });
  }
  const issuer = service.app.get(BuiltInIssuer, { strict: false });
  const runtime = service.app.get<ContextRuntime>(runtimeToken('petitions'));
  const ctx = service.app.get<PetitionsContext>(PETITIONS_CONTEXT);
  const principal = (user: TestUser): Principal => {
    const snapshot = issuer.directory.current();
    const found = snapshot.userByUsername(USERS[user]);
    if (!found) throw new Error(`demo has no user ${USERS[user]}`);
    return principalOf(snapshot.user(found.id)!, snapshot);
  };
  const tokens = new Map<TestUser, string>();
  const token = async (user: TestUser): Promise<string> => {
    let t = tokens.get(user);
    if (!t) {
      t = (await issuer.issueAccessToken(principal(user))).token;
      tokens.set(user, t);
    }
    return t;
  };
  const call = async <T>(method: string, path: string, o: CallOptions = {}): Promise<JsonResponse<T>> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.as) headers['authorization'] = `Bearer ${await token(o.as)}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${service.url}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, headers: res.headers, body: body as T, text };
  };
  return {
    url: service.url,
    service,
    runtime,
    ctx,
    clock,
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
    async close() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A petitioner with a made-up resident ID number (its check digit is not checked). */
export function petitioner(n: number, extra: { address?: string } = {}) {
  return { name: `信访人${n}`, idNumber: `33068119800101${String(1000 + n).slice(-4)}`, phone: `1380000${String(1000 + n).slice(-4)}`, address: extra.address ?? `浙江省诸暨市枫桥镇枫源村${n}组${n}号` };
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
