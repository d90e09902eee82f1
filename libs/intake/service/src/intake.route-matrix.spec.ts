/**
 * The route matrix for the intake app (libs/platform auth testing): every route of the app ×
 * every role × inside / outside the user's jurisdiction × no token, expecting success exactly
 * where the role × action table and the jurisdiction allow it, and 401/403 with nothing written
 * elsewhere. The identity routes are there because the platform hosts the built-in issuer in
 * standalone mode; their own matrix lives in libs/platform.
 */
import { districtDepartmentId } from '@fengqiao/demo';
import { inJurisdiction } from '@fengqiao/platform';
import {
  issuerRows,
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
import { gridDispatchEvent, IntakeTestApp, pointIn, startIntakeTestApp, TEST_API_KEY, TestUser, USERS } from './testing/intake-test-app';

const MATRIX_USERS: TestUser[] = [
  'districtOperator',
  'town1Operator',
  'village11Operator',
  'gridWorker111',
  'department',
  'mediator',
  'petitionOfficer',
  'auditorDistrict',
  'auditorTown2',
  'admin',
];

/** Per user: a grid where a case is inside their jurisdiction, and one where it is outside (none: nothing is outside). */
const PLACES: Record<TestUser, { inside: string; outside?: string }> = {
  districtOperator: { inside: 'g-1-1-1' },
  town1Operator: { inside: 'g-1-1-1', outside: 'g-2-1-1' },
  town2Operator: { inside: 'g-2-1-1', outside: 'g-1-1-1' },
  village11Operator: { inside: 'g-1-1-1', outside: 'g-1-2-1' },
  village12Operator: { inside: 'g-1-2-1', outside: 'g-1-1-1' },
  gridWorker111: { inside: 'g-1-1-1', outside: 'g-1-2-1' },
  gridWorker121: { inside: 'g-1-2-1', outside: 'g-1-1-1' },
  // the department's "inside" cases are those dispatched to it (see caseFor)
  department: { inside: 'g-1-1-1', outside: 'g-1-1-1' },
  mediator: { inside: 'g-1-1-1', outside: 'g-1-2-1' },
  petitionOfficer: { inside: 'g-1-1-1', outside: 'g-1-2-1' },
  auditorDistrict: { inside: 'g-1-1-1' },
  auditorTown2: { inside: 'g-2-1-1', outside: 'g-1-1-1' },
  admin: { inside: 'g-1-1-1', outside: 'g-1-2-1' },
};

const PASSWORD = 'matrix-password-2025';

describe('intake route matrix: every route × every role × inside/outside × no token', () => {
  let t: IntakeTestApp;
  let users: MatrixUser[];
  let report: RouteMatrixReport;
  let userOfCall: (ctx: MatrixContext, fallback: TestUser) => TestUser;

  const userOf = (ctx: MatrixContext): TestUser => userOfCall(ctx, 'districtOperator');
  const placeOf = (ctx: MatrixContext): string | undefined => {
    const p = PLACES[userOf(ctx)];
    return ctx.where === 'inside' ? p.inside : p.outside;
  };

  /** a fresh case where the matrix wants it, reported by the district centre */
  const caseAt = async (gridId: string) =>
    (
      await t.report('districtOperator', {
        channel: 'hotline',
        category: 'fire_lane_blocked',
        description: '消防通道堵塞',
        location: { point: pointIn(gridId) },
      })
    ).caseId;

  /** a fresh case inside / outside the caller's jurisdiction; for the department, inside = dispatched to it */
  const caseFor = async (ctx: MatrixContext): Promise<string | undefined> => {
    const gridId = placeOf(ctx);
    if (!gridId) return undefined;
    const caseId = await caseAt(gridId);
    if (userOf(ctx) === 'department' && ctx.where === 'inside') {
      const dept = districtDepartmentId('urban_management');
      expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body: {} })).status).toBe(200);
      await t.publishGridDispatch(
        gridDispatchEvent('CaseDispatched', {
          caseId,
          status: 'dispatched',
          at: t.clock.now().toISOString(),
          jurisdiction: ['d-fq', 't-1', 'v-1-1', gridId, dept],
          unitId: dept,
        }),
      );
      await t.viewWhen(caseId, (v) => v.jurisdiction.includes(dept), 'the dispatch to the department');
    }
    return caseId;
  };

  beforeAll(async () => {
    t = await startIntakeTestApp();
    ({ users, userOf: userOfCall } = await matrixUsers(MATRIX_USERS, app, PASSWORD));
  }, 60_000);
  afterAll(() => t?.close());
  const app = matrixAppOf<TestUser>(USERS, () => t);

  /** the app's state: the intake event store and the directory */
  const snapshot = async () => {
    const events = await t.storedEvents();
    return { events: events.length, last: events.at(-1)?.id ?? null, directory: t.directory.version };
  };

  const table: RouteTable = {
    // ------------------------------------------------------------------ platform and issuer
    ...platformRows({ app, password: PASSWORD, userOf }),
    ...issuerRows({ app, password: PASSWORD, userOf, otherUser: 'gridWorker121', admin: 'admin' }),
    'GET /intake/categories': { access: 'directory.read', target: 'collection', request: () => ({ path: '/intake/categories' }) },

    // ------------------------------------------------------------------ intake
    'POST /intake/cases': {
      access: 'case.report',
      target: 'resource',
      request: (ctx) => {
        const gridId = placeOf(ctx);
        const channel = userOf(ctx).startsWith('gridWorker') ? 'grid_worker' : 'hotline';
        return gridId
          ? { path: '/intake/cases', body: { channel, category: 'garbage_overflow', description: '垃圾满溢', location: { point: pointIn(gridId) } } }
          : undefined;
      },
    },
    'GET /intake/cases': {
      access: 'case.list',
      target: 'collection',
      request: async (ctx) => {
        await caseFor({ ...ctx, where: 'inside' });
        await caseFor({ ...ctx, where: 'outside' });
        return { path: '/intake/cases?pageSize=100' };
      },
      check: (res, ctx) => {
        const items = (res.body as { items: LooseJson[] }).items;
        const leaked = items.filter((c) => !inJurisdiction(ctx.user!.principal, c.jurisdiction, 'case.list'));
        if (leaked.length) return `listed ${leaked.length} case(s) outside the jurisdiction`;
        return items.length > 0 ? undefined : 'its own cases are missing';
      },
    },
    'GET /intake/cases/:id': {
      access: 'case.read',
      target: 'resource',
      request: async (ctx) => {
        const id = await caseFor(ctx);
        return id ? { path: `/intake/cases/${id}` } : undefined;
      },
    },
    'GET /intake/cases/:id/duplicates': {
      access: 'case.read',
      target: 'resource',
      request: async (ctx) => {
        const id = await caseFor(ctx);
        return id ? { path: `/intake/cases/${id}/duplicates` } : undefined;
      },
    },
    'POST /intake/cases/:id/accept': {
      access: 'case.accept_report',
      target: 'resource',
      request: async (ctx) => {
        const id = await caseFor(ctx);
        return id ? { path: `/intake/cases/${id}/accept`, body: {} } : undefined;
      },
    },
    'POST /intake/cases/:id/decline': {
      access: 'case.accept_report',
      target: 'resource',
      request: async (ctx) => {
        const id = await caseFor(ctx);
        return id ? { path: `/intake/cases/${id}/decline`, body: { declineReason: 'answered_at_once', reason: '已当场答复' } } : undefined;
      },
    },
    'POST /intake/cases/:id/file': {
      access: 'case.file',
      target: 'resource',
      request: async (ctx) => {
        const id = await caseFor(ctx);
        return id ? { path: `/intake/cases/${id}/file`, body: {} } : undefined;
      },
    },
    'POST /intake/cases/:id/merge': {
      access: 'case.merge',
      target: 'resource',
      request: async (ctx) => {
        const gridId = placeOf(ctx);
        if (!gridId) return undefined;
        const earlier = await caseAt(gridId);
        const id = await caseFor(ctx);
        return id ? { path: `/intake/cases/${id}/merge`, body: { duplicateOf: earlier } } : undefined;
      },
    },

    // ------------------------------------------------------------------ Open311 (public; POST by API key)
    'GET /open311/v2/discovery.json': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/discovery.json' }) },
    'GET /open311/v2/discovery': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/discovery' }) },
    // the XML twins of the JSON routes (GeoReport v2's base format)
    'GET /open311/v2/discovery.xml': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/discovery.xml' }) },
    'GET /open311/v2/services.xml': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/services.xml' }) },
    'GET /open311/v2/requests.xml': {
      access: 'public',
      target: 'collection',
      request: () => ({ path: '/open311/v2/requests.xml' }),
      check: (res) => (/138\d{8}|reporter/.test(typeof res.body === 'string' ? res.body : JSON.stringify(res.body)) ? 'reporter data published' : undefined),
    },
    'POST /open311/v2/requests.xml': {
      access: 'public',
      target: 'collection',
      request: () => ({
        path: '/open311/v2/requests.xml',
        body: { api_key: TEST_API_KEY, service_code: 'road_damage', address_string: '溪口路与滨河路交叉口', description: '路面坑洼' },
      }),
    },
    'GET /open311/v2/services.json': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/services.json' }) },
    'GET /open311/v2/services': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/services' }) },
    'GET /open311/v2/services/:code': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/services/fire_lane_blocked.json' }) },
    'GET /open311/v2/requests.json': {
      access: 'public',
      target: 'collection',
      request: () => ({ path: '/open311/v2/requests.json' }),
      check: (res) => (/138\d{8}|reporter/.test(JSON.stringify(res.body)) ? 'reporter data published' : undefined),
    },
    'GET /open311/v2/requests': { access: 'public', target: 'collection', request: () => ({ path: '/open311/v2/requests' }) },
    'GET /open311/v2/requests/:id': {
      access: 'public',
      target: 'collection',
      request: async () => ({ path: `/open311/v2/requests/${await caseAt('g-1-3-1')}.json` }),
    },
    'POST /open311/v2/requests.json': {
      access: 'public',
      target: 'collection',
      request: () => ({
        path: '/open311/v2/requests.json',
        body: {
          api_key: TEST_API_KEY,
          service_code: 'road_damage',
          lat: pointIn('g-1-3-1').lat,
          long: pointIn('g-1-3-1').lng,
          description: '路面坑洼',
          phone: '13800000123',
        },
      }),
    },
    'POST /open311/v2/requests': {
      access: 'public',
      target: 'collection',
      request: () => ({
        path: '/open311/v2/requests',
        body: { api_key: TEST_API_KEY, service_code: 'road_damage', address_string: '溪口路与滨河路交叉口', description: '路面坑洼' },
      }),
    },
  };

  beforeAll(async () => {
    report = await routeMatrix(t.service.app, table, { baseUrl: t.url, users, snapshot });
  }, 120_000);

  it('finds every route of the app from its controllers, and the table covers them all', () => {
    expect(report.routes.map((r) => r.key)).toEqual(Object.keys(table).sort((a, b) => a.localeCompare(b)));
  });

  it('success exactly where the role × action table and the jurisdiction allow it; 401/403 with nothing written elsewhere', () => {
    expect(report.failures).toEqual([]);
    const resourceRoutes = Object.values(table).filter((r) => r.target === 'resource').length;
    expect(report.calls).toBeGreaterThan(Object.keys(table).length * (users.length + 1) + resourceRoutes * (users.length - 3));
  });

  it('skips only the "outside" calls of users for whom nothing is outside (district level)', () => {
    const skippedUsers = new Set(report.skipped.map((s) => /as (\S+) \(outside\)$/.exec(s)?.[1]));
    expect([...skippedUsers].sort()).toEqual([USERS.admin, USERS.auditorDistrict, USERS.districtOperator].sort());
  });

  /**
   * Every route that names a second case (merge's and a repeat decline's `duplicateOf`): the second
   * case is authorised like the first. Outside the caller's jurisdiction and unknown give the same
   * 404 (nobody learns which case ids exist elsewhere); nothing is written.
   */
  it('authorises the second case a route names: the merge target and the earlier case of a repeat', async () => {
    const routes = [
      { command: 'merge', body: (duplicateOf: string) => ({ duplicateOf }) },
      { command: 'decline', body: (duplicateOf: string) => ({ declineReason: 'duplicate', duplicateOf, reason: '已告知原事件进展' }) },
    ];
    for (const { command, body } of routes) {
      const caseId = await caseAt('g-1-1-1');
      const elsewhere = await caseAt('g-1-2-1');
      const before = await snapshot();
      const outside = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/${command}`, { as: 'village11Operator', body: body(elsewhere) });
      const unknown = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/${command}`, { as: 'village11Operator', body: body('no-such-case') });
      expect({ command, status: outside.status, code: outside.body.code }).toEqual({ command, status: 404, code: 'INTAKE.TARGET_NOT_FOUND' });
      expect({ command, status: unknown.status, code: unknown.body.code }).toEqual({ command, status: 404, code: 'INTAKE.TARGET_NOT_FOUND' });
      expect((await snapshot()).last).toBe(before.last);
      // the town centre sees both villages: the same command goes through
      const ok = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/${command}`, { as: 'town1Operator', body: body(elsewhere) });
      expect({ command, status: ok.status }).toEqual({ command, status: 200 });
    }
  });
});
