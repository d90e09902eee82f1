/**
 * The route matrix for the petitions app (libs/platform auth testing): every route × every role ×
 * inside / outside the user's jurisdiction × no token, expecting success exactly where the role ×
 * action table and the jurisdiction allow it, and 401/403 with nothing written elsewhere. Petitions
 * are built through the API by the district office, received at the town of the user's "inside".
 */
import { inJurisdiction } from '@fengqiao/platform';
import {
  matrixAppOf,
  matrixUsers,
  platformRows,
  routeMatrix,
  type MatrixContext,
  type MatrixUser,
  type RouteMatrixReport,
  type RouteTable,
} from '@fengqiao/platform/testing';
import { LooseJson } from '@fengqiao/testing';
import { solveProofOfWork } from './public-petitions/proof-of-work';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp, TestUser, USERS } from './testing/petitions-test-app';

const MATRIX_USERS: TestUser[] = [
  'districtOfficer',
  'town1Officer',
  'districtOperator',
  'gridWorker',
  'department',
  'mediator',
  'auditorDistrict',
  'auditorTown2',
  'admin',
];

/** Per user: the town where a petition is inside their jurisdiction, and one where it is outside (none: nothing is outside). */
const TOWNS: Record<TestUser, { inside: string; outside?: string }> = {
  districtOfficer: { inside: 't-1' },
  town1Officer: { inside: 't-1', outside: 't-2' },
  town2Officer: { inside: 't-2', outside: 't-1' },
  districtOperator: { inside: 't-1' },
  gridWorker: { inside: 't-1', outside: 't-2' },
  department: { inside: 't-1', outside: 't-2' },
  mediator: { inside: 't-1', outside: 't-2' },
  auditorDistrict: { inside: 't-1' },
  auditorTown2: { inside: 't-2', outside: 't-1' },
  admin: { inside: 't-1' },
};
const PASSWORD = 'matrix-password-2025';
const DAY = 86_400_000;

type Step =
  | 'registered'
  | 'direct'
  | 'routed'
  | 'objected'
  | 'accepted'
  | 'handling'
  | 'hearing'
  | 'opinion'
  | 'delivered'
  | 'reviewRequested'
  | 'reviewing'
  | 'reviewDecided'
  | 'reviewDelivered'
  | 'reReviewRequested'
  | 'reReviewing';
const ORDER: Step[] = [
  'registered',
  'routed',
  'accepted',
  'handling',
  'opinion',
  'delivered',
  'reviewRequested',
  'reviewing',
  'reviewDecided',
  'reviewDelivered',
  'reReviewRequested',
  'reReviewing',
];

describe('petitions route matrix: every route × every role × inside/outside × no token', () => {
  let t: PetitionsTestApp;
  let users: MatrixUser[];
  let report: RouteMatrixReport;
  let n = 1000;
  let userOfCall: (ctx: MatrixContext, fallback: TestUser) => TestUser;
  const userOf = (ctx: MatrixContext): TestUser => userOfCall(ctx, 'districtOfficer');
  const app = matrixAppOf<TestUser>(USERS, () => t);
  const townOf = (ctx: MatrixContext): string | undefined => (ctx.where === 'inside' ? TOWNS[userOf(ctx)].inside : TOWNS[userOf(ctx)].outside);

  /** a fresh petition received at `town`, brought to `step` by the district office */
  const petitionAt = async (town: string, step: Step): Promise<string> => {
    const d = 'districtOfficer' as const;
    if (step === 'direct') {
      const r = await t.ok<LooseJson>(
        'POST',
        '/petitions',
        d,
        registration({ petitioners: [petitioner(++n)], receivingUnitId: `dept-t${town.slice(2)}-cg`, receiverKind: 'handling_body' }),
        201,
      );
      return r.petitionId;
    }
    const r = await t.ok<LooseJson>('POST', '/petitions', d, registration({ petitioners: [petitioner(++n)], receivingUnitId: town }), 201);
    const id: string = r.petitionId;
    const dept = `dept-t${town.slice(2)}-cg`;
    const now = () => t.clock.now().toISOString();
    const steps: Record<string, () => Promise<unknown>> = {
      routed: () => t.ok('POST', `/petitions/${id}/transfer`, d, { toUnitId: dept, route: 'competent_body' }),
      accepted: () => t.ok('POST', `/petitions/${id}/acceptance`, d, { noticeRef: 'n' }),
      handling: () => t.ok('POST', `/petitions/${id}/handling`, d, { handlerIds: ['h'] }),
      opinion: () =>
        t.ok('POST', `/petitions/${id}/opinion`, d, { outcome: 'explain', request: 'r', factsAndReasons: 'f', legalBasisCited: 'l', documentRef: 'd' }),
      delivered: () => t.ok('POST', `/petitions/${id}/opinion/delivery`, d, { receivedAt: now() }),
      reviewRequested: () => t.ok('POST', `/petitions/${id}/review`, d, { requestedAt: now(), reviewingUnitId: town }),
      reviewing: () => t.ok('POST', `/petitions/${id}/review/start`, d, {}),
      reviewDecided: () => t.ok('POST', `/petitions/${id}/review/decision`, d, { outcome: 'upheld', reasons: 'r', documentRef: 'd' }),
      reviewDelivered: () => t.ok('POST', `/petitions/${id}/review/decision/delivery`, d, { receivedAt: now() }),
      reReviewRequested: () => t.ok('POST', `/petitions/${id}/re-review`, d, { requestedAt: now(), reReviewingUnitId: 'd-fq' }),
      reReviewing: () => t.ok('POST', `/petitions/${id}/re-review/start`, d, {}),
    };
    const target = step === 'objected' ? 'routed' : step === 'hearing' ? 'handling' : step;
    for (const s of ORDER.slice(1, ORDER.indexOf(target) + 1)) {
      t.clock.advance(60_000);
      await steps[s]();
    }
    if (step === 'objected') await t.ok('POST', `/petitions/${id}/objection`, d, { reason: '不属本单位职责' });
    if (step === 'hearing') await t.ok('POST', `/petitions/${id}/hearings`, d, { hearingId: 'h-1' });
    t.clock.advance(60_000);
    return id;
  };
  const at =
    (step: Step, path: (id: string) => string, body: unknown = {}) =>
    async (ctx: MatrixContext) => {
      const town = townOf(ctx);
      if (!town) return undefined;
      const id = await petitionAt(town, step);
      return { path: path(id), body };
    };
  const atGet = (step: Step, path: (id: string) => string) => async (ctx: MatrixContext) => {
    const town = townOf(ctx);
    return town ? { path: path(await petitionAt(town, step)) } : undefined;
  };
  const onlineDelivered = async () => {
    const c = (await t.call('GET', '/public/petitions/challenge')).body;
    const sub = await t.call('POST', '/public/petitions', {
      body: {
        challenge: c.challenge,
        nonce: solveProofOfWork(c.challenge, c.bits),
        name: '网民',
        idNumber: `33068119900101${++n}`,
        phone: '13900001111',
        matterType: 'other',
        summary: '网上反映的问题',
      },
    });
    const list = (await t.call('GET', '/petitions?status=registered&limit=200', { as: 'districtOfficer' })).body.items as LooseJson[];
    const id = list.find((i) => i.source.kind === 'online_form' && i.summary === '网上反映的问题' && !used.has(i.petitionId))!.petitionId as string;
    used.add(id);
    for (const [p, b] of [
      ['transfer', { toUnitId: 't-1', route: 'competent_body' }],
      ['acceptance', { noticeRef: 'n' }],
      ['handling', { handlerIds: ['h'] }],
      ['opinion', { outcome: 'support', request: 'r', factsAndReasons: 'f', legalBasisCited: 'l', documentRef: 'd' }],
      ['opinion/delivery', null],
    ] as const) {
      t.clock.advance(60_000);
      await t.ok('POST', `/petitions/${id}/${p}`, 'districtOfficer', b ?? { receivedAt: t.clock.now().toISOString() });
    }
    return sub.body.queryCode as string;
  };
  const used = new Set<string>();
  const pointAt = async (village: string) =>
    (
      await t.ok<LooseJson>(
        'POST',
        '/petitions/reception-points',
        'districtOfficer',
        { name: '接访点', kind: 'village_centre', unitId: village, address: '村委会' },
        201,
      )
    ).pointId as string;
  const dayAt = async (village: string) =>
    (
      await t.ok<LooseJson>(
        'POST',
        '/petitions/reception-days',
        'districtOfficer',
        { pointId: await pointAt(village), date: '2025-10-09', startTime: '09:00', endTime: '11:00', leaderName: '王', leaderTitle: '书记' },
        201,
      )
    ).dayId as string;
  const villageOf = (ctx: MatrixContext) => {
    const town = townOf(ctx);
    return town ? `v-${town.slice(2)}-1` : undefined;
  };

  beforeAll(async () => {
    t = await startPetitionsTestApp();
    // closing waits for the review window (30 days) once per call: start early enough to stay inside the calendar's years
    t.clock.set('2024-03-04T09:00:00+08:00');
    ({ users, userOf: userOfCall } = await matrixUsers(MATRIX_USERS, app, PASSWORD));
  }, 60_000);
  afterAll(() => t?.close());

  const snapshot = async () => {
    const events = await t.storedEvents();
    return { events: events.length, last: events.at(-1)?.id ?? null };
  };
  const noLeak = (res: { body: unknown }, ctx: MatrixContext) => {
    const body = res.body as LooseJson;
    const items: LooseJson[] = body.items ?? [...(body.nearDue ?? []), ...(body.overdue ?? [])];
    const leaked = items.filter((i) => !inJurisdiction(ctx.user!.principal, i.jurisdiction, 'petition.list'));
    return leaked.length ? `listed ${leaked.length} petition(s) outside the jurisdiction` : undefined;
  };

  const table: RouteTable = {
    ...platformRows({ app, password: PASSWORD, userOf }),

    'POST /petitions': {
      access: 'petition.register',
      target: 'resource',
      request: (ctx) => {
        const town = townOf(ctx);
        return town ? { path: '/petitions', body: registration({ petitioners: [petitioner(++n)], receivingUnitId: town }) } : undefined;
      },
    },
    'GET /petitions': { access: 'petition.list', target: 'collection', request: async () => ({ path: '/petitions?limit=200' }), check: noLeak },
    'GET /petitions/clocks': {
      access: 'petition.list',
      target: 'collection',
      request: async () => ({ path: '/petitions/clocks?within=30' }),
      check: noLeak,
    },
    'GET /petitions/:id': { access: 'petition.read', target: 'resource', request: atGet('registered', (id) => `/petitions/${id}`) },
    'GET /petitions/:id/related': { access: 'petition.read', target: 'resource', request: atGet('registered', (id) => `/petitions/${id}/related`) },
    'GET /petitions/:id/documents/:kind': {
      access: 'petition.read',
      target: 'resource',
      request: atGet('routed', (id) => `/petitions/${id}/documents/transfer_letter`),
    },
    'POST /petitions/:id/transfer': {
      access: 'petition.route',
      target: 'resource',
      request: at('registered', (id) => `/petitions/${id}/transfer`, { toUnitId: 'dept-d-zj', route: 'competent_body' }),
    },
    'POST /petitions/:id/assign': {
      access: 'petition.route',
      target: 'resource',
      request: at('registered', (id) => `/petitions/${id}/assign`, { toUnitId: 'dept-d-zj', reportWithin: 20 }),
    },
    'POST /petitions/:id/objection': {
      access: 'petition.accept',
      target: 'resource',
      request: at('routed', (id) => `/petitions/${id}/objection`, { reason: '不属本单位职责' }),
    },
    'POST /petitions/:id/objection-ruling': {
      access: 'petition.route',
      target: 'resource',
      request: at('objected', (id) => `/petitions/${id}/objection-ruling`, { agreed: false }),
    },
    'POST /petitions/:id/acceptance': {
      access: 'petition.accept',
      target: 'resource',
      request: at('routed', (id) => `/petitions/${id}/acceptance`, { noticeRef: 'n' }),
    },
    'POST /petitions/:id/redirect': {
      access: 'petition.accept',
      target: 'resource',
      request: at('direct', (id) => `/petitions/${id}/redirect`, { toldToApplyTo: '区住建局' }),
    },
    'POST /petitions/:id/legal-procedure': {
      access: 'petition.accept',
      target: 'resource',
      request: at('routed', (id) => `/petitions/${id}/legal-procedure`, { procedure: 'litigation', body: '枫桥区人民法院' }),
    },
    'POST /petitions/:id/repeat': {
      access: 'petition.accept',
      target: 'resource',
      request: at('routed', (id) => `/petitions/${id}/repeat`, { relatedPetitionId: 'p-earlier' }),
    },
    'POST /petitions/:id/handling': {
      access: 'petition.handle',
      target: 'resource',
      request: at('accepted', (id) => `/petitions/${id}/handling`, { handlerIds: ['h'] }),
    },
    'POST /petitions/:id/extension': {
      access: 'petition.handle',
      target: 'resource',
      request: at('handling', (id) => `/petitions/${id}/extension`, { extendBy: 10, approvedBy: '负责人', reason: '复杂' }),
    },
    'POST /petitions/:id/hearings': {
      access: 'petition.handle',
      target: 'resource',
      request: at('handling', (id) => `/petitions/${id}/hearings`, { hearingId: 'h-1' }),
    },
    'POST /petitions/:id/hearings/:hearingId/end': {
      access: 'petition.handle',
      target: 'resource',
      request: at('hearing', (id) => `/petitions/${id}/hearings/h-1/end`, { recordRef: 'r' }),
    },
    'POST /petitions/:id/settlement': {
      access: 'petition.handle',
      target: 'resource',
      request: at('handling', (id) => `/petitions/${id}/settlement`, { kind: 'settlement_agreement', consentingPartyIds: ['a'], documentRef: 'd' }),
    },
    'POST /petitions/:id/opinion': {
      access: 'petition.opinion',
      target: 'resource',
      request: at('handling', (id) => `/petitions/${id}/opinion`, {
        outcome: 'support',
        request: 'r',
        factsAndReasons: 'f',
        legalBasisCited: 'l',
        documentRef: 'd',
      }),
    },
    'POST /petitions/:id/opinion/delivery': {
      access: 'petition.opinion',
      target: 'resource',
      request: async (ctx) => {
        const town = townOf(ctx);
        return town
          ? { path: `/petitions/${await petitionAt(town, 'opinion')}/opinion/delivery`, body: { receivedAt: t.clock.now().toISOString() } }
          : undefined;
      },
    },
    'POST /petitions/:id/close': {
      access: 'petition.close',
      target: 'resource',
      request: async (ctx) => {
        const town = townOf(ctx);
        if (!town) return undefined;
        const id = await petitionAt(town, 'delivered');
        t.clock.advance(32 * DAY);
        return { path: `/petitions/${id}/close`, body: {} };
      },
    },
    'POST /petitions/:id/review': {
      access: 'petition.review',
      target: 'resource',
      request: async (ctx) => {
        const town = townOf(ctx);
        return town
          ? { path: `/petitions/${await petitionAt(town, 'delivered')}/review`, body: { requestedAt: t.clock.now().toISOString(), reviewingUnitId: town } }
          : undefined;
      },
    },
    'POST /petitions/:id/review/start': {
      access: 'petition.review',
      target: 'resource',
      request: at('reviewRequested', (id) => `/petitions/${id}/review/start`),
    },
    'POST /petitions/:id/review/decision': {
      access: 'petition.review',
      target: 'resource',
      request: at('reviewing', (id) => `/petitions/${id}/review/decision`, { outcome: 'upheld', reasons: 'r', documentRef: 'd' }),
    },
    'POST /petitions/:id/review/decision/delivery': {
      access: 'petition.review',
      target: 'resource',
      request: async (ctx) => {
        const town = townOf(ctx);
        return town
          ? { path: `/petitions/${await petitionAt(town, 'reviewDecided')}/review/decision/delivery`, body: { receivedAt: t.clock.now().toISOString() } }
          : undefined;
      },
    },
    'POST /petitions/:id/re-review': {
      access: 'petition.review',
      target: 'resource',
      request: async (ctx) => {
        const town = townOf(ctx);
        return town
          ? {
              path: `/petitions/${await petitionAt(town, 'reviewDelivered')}/re-review`,
              body: { requestedAt: t.clock.now().toISOString(), reReviewingUnitId: 'd-fq' },
            }
          : undefined;
      },
    },
    'POST /petitions/:id/re-review/start': {
      access: 'petition.review',
      target: 'resource',
      request: at('reReviewRequested', (id) => `/petitions/${id}/re-review/start`),
    },
    'POST /petitions/:id/re-review/decision': {
      access: 'petition.close',
      target: 'resource',
      request: at('reReviewing', (id) => `/petitions/${id}/re-review/decision`, { outcome: 'upheld', reasons: 'r', documentRef: 'd' }),
    },
    'POST /petitions/:id/supervision': {
      access: 'petition.supervise',
      target: 'resource',
      request: at('routed', (id) => `/petitions/${id}/supervision`, { form: 'supervision', grounds: ['delay'], reason: '逾期未告知' }),
    },

    'POST /petitions/reception-points': {
      access: 'petition.reception',
      target: 'resource',
      request: (ctx) => {
        const village = villageOf(ctx);
        return village
          ? { path: '/petitions/reception-points', body: { name: '接访点', kind: 'village_centre', unitId: village, address: '村委会' } }
          : undefined;
      },
    },
    'POST /petitions/reception-days': {
      access: 'petition.reception',
      target: 'resource',
      request: async (ctx) => {
        const village = villageOf(ctx);
        return village
          ? {
              path: '/petitions/reception-days',
              body: { pointId: await pointAt(village), date: '2025-10-09', startTime: '09:00', endTime: '11:00', leaderName: '王', leaderTitle: '书记' },
            }
          : undefined;
      },
    },
    'POST /petitions/reception-days/:dayId/cancel': {
      access: 'petition.reception',
      target: 'resource',
      request: async (ctx) => {
        const village = villageOf(ctx);
        return village ? { path: `/petitions/reception-days/${await dayAt(village)}/cancel`, body: {} } : undefined;
      },
    },
    'GET /petitions/reception-days/:dayId': {
      access: 'petition.list',
      target: 'resource',
      request: async (ctx) => {
        const village = villageOf(ctx);
        return village ? { path: `/petitions/reception-days/${await dayAt(village)}` } : undefined;
      },
    },

    'GET /public/petitions/reception-schedule': { access: 'public', target: 'collection', request: () => ({ path: '/public/petitions/reception-schedule' }) },
    'GET /public/petitions/challenge': { access: 'public', target: 'collection', request: () => ({ path: '/public/petitions/challenge' }) },
    'POST /public/petitions': {
      access: 'public',
      target: 'collection',
      request: async () => {
        const c = (await t.call('GET', '/public/petitions/challenge')).body;
        return {
          path: '/public/petitions',
          body: {
            challenge: c.challenge,
            nonce: solveProofOfWork(c.challenge, c.bits),
            name: '网民',
            idNumber: `33068119900102${++n}`,
            phone: '13900001111',
            matterType: 'environment',
            summary: '噪声扰民问题',
          },
        };
      },
    },
    'POST /public/petitions/progress': {
      access: 'public',
      target: 'collection',
      request: async () => ({ path: '/public/petitions/progress', body: { queryCode: await onlineDelivered() } }),
    },
    'POST /public/petitions/rating': {
      access: 'public',
      target: 'collection',
      request: async () => ({ path: '/public/petitions/rating', body: { queryCode: await onlineDelivered(), rating: 4 } }),
    },
    'POST /public/petitions/documents/:kind': {
      access: 'public',
      target: 'collection',
      request: async () => ({ path: '/public/petitions/documents/opinion', body: { queryCode: await onlineDelivered() } }),
    },
  };
  beforeAll(async () => {
    report = await routeMatrix(t.service.app, table, { baseUrl: t.url, users, snapshot });
  }, 300_000);

  // the issuer's refresh, logout and directory management have their own matrix (libs/platform)
  const ISSUER_ONLY = /^(POST \/auth\/(refresh|logout)|POST \/directory\/changes|PUT \/directory\/users\/:id\/password)\b/;

  it('finds every route of the app from its controllers, and the table covers them all', () => {
    const missing = report.routes.map((r) => r.key).filter((k) => !(k in table) && !ISSUER_ONLY.test(k));
    expect(missing).toEqual([]);
  });

  it('success exactly where the role × action table and the jurisdiction allow it; 401/403 with nothing written elsewhere', () => {
    expect(report.failures.filter((f) => !(ISSUER_ONLY.test(f) && f.includes('not in the route table')))).toEqual([]);
    expect(report.calls).toBeGreaterThan(Object.keys(table).length * users.length);
  });
});
