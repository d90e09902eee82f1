import { newId } from '@fengqiao/kernel';
import { BuiltInIssuer, principalOf, UserRole } from '@fengqiao/identity';
import { scopeUnitIds } from '@fengqiao/platform';
import { MatrixContext, MatrixRequest, MatrixUser, routeMatrix, RouteTable } from '@fengqiao/platform/testing';
import { GridDispatchHarness } from './testing/grid-dispatch.harness';
import { referToMediation } from './on-mediation-outcome/mediation-events.testing';

/**
 * Every grid-dispatch route against the role × action table and jurisdiction (platform
 * `routeMatrix`): one demo user per role; each call that must succeed gets a fresh case in the
 * right state, assigned to the caller's own unit where the decider requires it; each refused call
 * must change nothing in the store.
 */
const USERS: Record<UserRole, string> = {
  operator: 'op.v-1-1',
  grid_worker: 'gw.g-1-1-1',
  department: 'dept.t1-xf',
  mediator: 'med.v-1-1',
  petition_officer: 'xf.t-1',
  auditor: 'audit.t-2',
  admin: 'admin',
};
const UNIT_OF: Partial<Record<UserRole, string>> = { operator: 'v-1-1', grid_worker: 'g-1-1-1', department: 'dept-t1-xf' };
const NO_ROUTE = 'matrix_unrouted'; // a category no routing rule covers

describe('grid-dispatch route matrix (role × action × jurisdiction)', () => {
  let h: GridDispatchHarness;
  let users: MatrixUser[];
  let anyCase: string;
  let t1Case: string;
  let t2Case: string;
  let t1Referred: string;
  let t2Referred: string;

  beforeAll(async () => {
    h = await GridDispatchHarness.start();
    const issuer = h.app.get(BuiltInIssuer, { strict: false });
    const snapshot = issuer.directory.current();
    users = await Promise.all(
      Object.entries(USERS).map(async ([role, username]) => {
        const user = snapshot.userByUsername(username)!;
        expect(user.roles).toEqual([role]);
        return { name: `${role}@${user.unitId}`, principal: principalOf(user, snapshot), token: await h.token(username) };
      }),
    );
    anyCase = t1Case = await filed('g-1-1-1', 'fire_lane_blocked', 2);
    t2Case = await filed('g-2-1-1', 'illegal_parking', 2);
    t1Referred = await referToMediation(h, await filed('g-1-1-1', 'fire_lane_blocked', 2), 'op.v-1-1'); // dispatched to dept-t1-xf first
    t2Referred = await referToMediation(h, await filed('g-2-1-1', 'illegal_parking', 2), 'op.v-2-1');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  async function filed(gridId: string, category: string, events: number): Promise<string> {
    const caseId = `m-${newId()}`;
    await h.fileCase({ caseId, gridId, category }, events);
    return caseId;
  }

  const ok = async (caseId: string, command: string, as: string, body: unknown = {}) => {
    const res = await h.command(caseId, command, as, body);
    if (res.status !== 200) throw new Error(`setup ${command} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  const roleOf = (ctx: MatrixContext): UserRole | undefined => ctx.user?.principal.roles[0];
  const assignee = (unitId: string): UserRole => Object.entries(UNIT_OF).find(([, u]) => u === unitId)![0] as UserRole;

  /** a case in g-1-1-1 that routing cannot place, dispatched by the village centre to `unitId` */
  async function dispatchedTo(unitId: string): Promise<string> {
    const caseId = await filed('g-1-1-1', NO_ROUTE, 1);
    await ok(caseId, 'dispatch', USERS.operator, { unitId });
    return caseId;
  }
  async function inProgress(unitId: string): Promise<string> {
    const caseId = await dispatchedTo(unitId);
    await ok(caseId, 'accept', USERS[assignee(unitId)]);
    return caseId;
  }
  async function atFeedback(): Promise<string> {
    const caseId = await inProgress('dept-t1-xf');
    await ok(caseId, 'feedback', USERS.department, { result: '已处置' });
    return caseId;
  }
  async function verified(): Promise<string> {
    const caseId = await atFeedback();
    await ok(caseId, 'verify', USERS.operator, { result: 'pass', findings: '属实' });
    return caseId;
  }
  async function closed(): Promise<string> {
    const caseId = await verified();
    await ok(caseId, 'close', USERS.operator, { summary: '办结' });
    return caseId;
  }

  /**
   * A command route: outside → a case outside the caller's scope; a caller whose role may not do
   * it → any case; inside → `setup(unitOfCaller)` builds the case.
   */
  function command(
    name: string,
    access: RouteTable[string]['access'],
    setup: (unit: string) => Promise<string>,
    body: (caseId: string, unit: string) => unknown | Promise<unknown> = () => ({}),
  ): RouteTable[string] {
    return {
      access,
      target: 'resource',
      request: async (ctx): Promise<MatrixRequest> => {
        const role = roleOf(ctx);
        const unit = (role && UNIT_OF[role]) || 'v-1-1';
        let caseId: string;
        if (!ctx.user || access === 'public') caseId = anyCase;
        else if (ctx.where === 'outside') caseId = role === 'auditor' ? t1Case : t2Case;
        else if (!role || !UNIT_OF[role])
          caseId = role === 'auditor' ? t2Case : anyCase; // refused by the role table
        else caseId = await setup(unit);
        return { path: `/grid-dispatch/cases/${caseId}/${name}`, body: await body(caseId, unit) };
      },
    };
  }

  const inScope = (body: unknown, ctx: MatrixContext): string | undefined => {
    const items = (body as { items: { caseId: string; jurisdiction: string[] }[] }).items;
    const scope = scopeUnitIds(ctx.user!.principal, 'case.list');
    const stray = items.find((i) => !i.jurisdiction.some((u) => scope.includes(u)));
    return stray ? `case ${stray.caseId} outside the caller's scope` : undefined;
  };

  /** a 1×1 PNG, the body of a photo upload */
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
  const upload = command('attachments', 'case.feedback', inProgress, () => PNG);
  const photos = new Map<string, string>();
  /** the ref of a photo on a case, uploaded once by the district centre */
  async function photoOf(caseId: string): Promise<string> {
    if (!photos.has(caseId)) {
      const res = await fetch(`${h.url}/grid-dispatch/cases/${caseId}/attachments`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', authorization: `Bearer ${await h.token('op.d')}` },
        body: PNG,
      });
      if (res.status !== 201) throw new Error(`photo upload: ${res.status} ${await res.text()}`);
      photos.set(caseId, ((await res.json()) as { ref: string }).ref);
    }
    return photos.get(caseId)!;
  }

  it('grants exactly what the table and the jurisdiction allow, and refused calls write nothing', async () => {
    const table: RouteTable = {
      'POST /grid-dispatch/cases/:caseId/dispatch': command(
        'dispatch',
        'case.dispatch',
        () => filed('g-1-1-1', NO_ROUTE, 1),
        () => ({ unitId: 'dept-t1-xf' }),
      ),
      'POST /grid-dispatch/cases/:caseId/accept': command('accept', 'case.accept', dispatchedTo),
      'POST /grid-dispatch/cases/:caseId/object': command('object', 'case.object', dispatchedTo, () => ({ reason: '非本单位职责' })),
      'POST /grid-dispatch/cases/:caseId/rule-objection': command(
        'rule-objection',
        'case.rule_objection',
        async () => {
          const caseId = await dispatchedTo('dept-t1-xf');
          await ok(caseId, 'object', USERS.department, { reason: '非本单位职责' });
          return caseId;
        },
        () => ({ decision: 'rejected', reason: '属本单位职责' }),
      ),
      'POST /grid-dispatch/cases/:caseId/progress': command('progress', 'case.handle', inProgress, () => ({ note: '已到现场' })),
      'POST /grid-dispatch/cases/:caseId/request-extension': command('request-extension', 'case.request_extension', inProgress, () => ({
        duration: 1,
        unit: 'working_days',
        reason: '需协调',
      })),
      'POST /grid-dispatch/cases/:caseId/rule-extension': command(
        'rule-extension',
        'case.rule_extension',
        async () => {
          const caseId = await inProgress('dept-t1-xf');
          await ok(caseId, 'request-extension', USERS.department, { duration: 1, unit: 'working_days', reason: '需协调' });
          return caseId;
        },
        () => ({ decision: 'granted', reason: '同意' }),
      ),
      'POST /grid-dispatch/cases/:caseId/suspend': command(
        'suspend',
        'case.suspend',
        () => inProgress('dept-t1-xf'),
        () => ({ reason: '待决议' }),
      ),
      'POST /grid-dispatch/cases/:caseId/resume': command('resume', 'case.suspend', async () => {
        const caseId = await inProgress('dept-t1-xf');
        await ok(caseId, 'suspend', USERS.operator, { reason: '待决议' });
        return caseId;
      }),
      'POST /grid-dispatch/cases/:caseId/feedback': command('feedback', 'case.feedback', inProgress, () => ({ result: '已处置' })),
      'POST /grid-dispatch/cases/:caseId/verify': command('verify', 'case.verify', atFeedback, () => ({ result: 'pass', findings: '属实' })),
      'POST /grid-dispatch/cases/:caseId/close': command('close', 'case.close', verified, () => ({ summary: '办结' })),
      'POST /grid-dispatch/cases/:caseId/callback': command('callback', 'case.callback', closed, () => ({ rating: 5, satisfied: true })),
      'POST /grid-dispatch/cases/:caseId/archive': command('archive', 'case.archive', async () => {
        const caseId = await closed();
        await ok(caseId, 'callback', USERS.operator, { rating: 5, satisfied: true });
        return caseId;
      }),
      'POST /grid-dispatch/cases/:caseId/reopen': command('reopen', 'case.reopen', closed, () => ({ reason: '再次反映' })),
      'POST /grid-dispatch/cases/:caseId/merge': command(
        'merge',
        'case.merge',
        () => dispatchedTo('dept-t1-xf'),
        () => ({ duplicateOf: anyCase }),
      ),
      'POST /grid-dispatch/cases/:caseId/refer': command(
        'refer',
        'case.refer',
        () => dispatchedTo('dept-t1-xf'),
        () => ({ target: 'mediation', reason: '转调解' }),
      ),
      'POST /grid-dispatch/cases/:caseId/supervise': command(
        'supervise',
        'case.supervise',
        () => dispatchedTo('dept-t1-xf'),
        () => ({ opinion: '请加快' }),
      ),
      'POST /grid-dispatch/cases/:caseId/answer-supervision': command(
        'answer-supervision',
        'case.answer_supervision',
        async (unit) => {
          const caseId = await inProgress(unit);
          await ok(caseId, 'supervise', 'op.t-1', { opinion: '请加快' });
          return caseId;
        },
        async (caseId) => {
          const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: 'op.d' });
          return { supervisionId: detail.body.supervisions?.[0]?.supervisionId ?? 'none', answer: '正在处置' };
        },
      ),
      'POST /grid-dispatch/cases/:caseId/escalate': command(
        'escalate',
        'case.escalate',
        () => dispatchedTo('dept-t1-xf'),
        () => ({ reason: '需街道协调' }),
      ),
      'POST /grid-dispatch/cases/:caseId/attachments': {
        ...upload,
        request: async (ctx) => {
          const req = await upload.request(ctx);
          return req && { ...req, headers: { 'content-type': 'image/png' } };
        },
      },
      'GET /grid-dispatch/cases/:caseId/attachments/:attachmentId': {
        access: 'case.read',
        target: 'resource',
        request: async (ctx) => {
          const role = roleOf(ctx);
          const caseId = ctx.where === 'outside' ? (role === 'auditor' ? t1Case : t2Case) : role === 'auditor' ? t2Case : t1Case;
          return { path: await photoOf(caseId) };
        },
      },
      'GET /grid-dispatch/cases/:caseId/mediation': {
        access: 'case.read',
        target: 'resource',
        request: (ctx) => {
          const auditor = roleOf(ctx) === 'auditor';
          return { path: `/grid-dispatch/cases/${(ctx.where === 'outside') !== auditor ? t2Referred : t1Referred}/mediation` };
        },
      },
      'GET /grid-dispatch/cases/:caseId': {
        access: 'case.read',
        target: 'resource',
        request: (ctx) => {
          const role = roleOf(ctx);
          const inside = role === 'auditor' ? t2Case : t1Case; // t1Case lies in g-1-1-1 and is assigned to dept-t1-xf
          return { path: `/grid-dispatch/cases/${ctx.where === 'outside' ? (role === 'auditor' ? t1Case : t2Case) : inside}` };
        },
      },
      'GET /grid-dispatch/board': {
        access: 'case.list',
        target: 'collection',
        request: () => ({ path: '/grid-dispatch/board?pageSize=200' }),
        check: (res, ctx) => inScope(res.body, ctx),
      },
      'GET /grid-dispatch/queue': {
        access: 'case.list',
        target: 'collection',
        request: () => ({ path: '/grid-dispatch/queue?pageSize=200' }),
        check: (res, ctx) => inScope(res.body, ctx),
      },
      'GET /grid-dispatch/routing-rules': { access: 'directory.read', target: 'collection', request: () => ({ path: '/grid-dispatch/routing-rules' }) },
      'GET /grid-dispatch/routing-rules/versions/:version': {
        access: 'directory.read',
        target: 'collection',
        request: () => ({ path: '/grid-dispatch/routing-rules/versions/1' }),
      },
      'PUT /grid-dispatch/routing-rules': {
        access: 'config.manage',
        target: 'collection',
        request: async () => {
          const current = (await h.tables.routingRules.current())!;
          return { path: '/grid-dispatch/routing-rules', body: { rules: current.rows }, headers: { 'if-match': `"${current.version}"` } };
        },
      },
      'GET /grid-dispatch/deadline-rules': { access: 'directory.read', target: 'collection', request: () => ({ path: '/grid-dispatch/deadline-rules' }) },
      'GET /grid-dispatch/deadline-rules/versions/:version': {
        access: 'directory.read',
        target: 'collection',
        request: () => ({ path: '/grid-dispatch/deadline-rules/versions/1' }),
      },
      'PUT /grid-dispatch/deadline-rules': {
        access: 'config.manage',
        target: 'collection',
        request: async () => {
          const current = (await h.tables.deadlineRules.current())!;
          return { path: '/grid-dispatch/deadline-rules', body: { rules: current.rows }, headers: { 'if-match': `"${current.version}"` } };
        },
      },
    };

    const store = h.runtime.infra.events;
    const report = await routeMatrix(h.app, table, {
      baseUrl: h.url,
      users,
      snapshot: async () => (await store.readAll({ maxCount: 1_000_000 })).length,
    });
    // the app also serves the platform's routes (issuer, directory, health, erasure): the platform's own matrix and intake's cover them
    const platformRoutes = report.routes.filter((r) => !r.path.startsWith('/grid-dispatch/')).map((r) => r.key);
    expect(platformRoutes.every((k) => / \/(auth|directory|health|\.well-known|privacy)\b/.test(k))).toBe(true);
    expect(report.failures.filter((f) => !platformRoutes.some((k) => f.startsWith(`${k} `)))).toEqual([]);
    expect(report.routes.filter((r) => r.path.startsWith('/grid-dispatch/'))).toHaveLength(Object.keys(table).length);
    expect(report.calls).toBeGreaterThan(200);
    expect(report.skipped).toEqual([]);
  }, 120_000);

  /**
   * Every route that names a second case (today: merge's `duplicateOf`): the second case is
   * authorised like the first. A target outside the caller's jurisdiction and one that does not
   * exist give the same 404, and nothing is written.
   */
  it("merge: the target case must lie in the caller's jurisdiction too, and an unknown target looks the same", async () => {
    const merge = (caseId: string, duplicateOf: string, as = USERS.operator) => h.command(caseId, 'merge', as, { duplicateOf });
    const before = async (caseId: string) => (await h.events(caseId)).length;
    for (const [as, inside, outsideTarget] of [
      [USERS.operator, () => dispatchedTo('dept-t1-xf'), t2Case], // a village operator, a case of another town
      ['op.t-2', () => filed('g-2-1-2', NO_ROUTE, 1), t1Case], // a town operator, a case of another town
    ] as const) {
      const caseId = await inside();
      const n = await before(caseId);
      const outside = await merge(caseId, outsideTarget, as);
      const unknown = await merge(caseId, `m-${newId()}`, as);
      expect({ status: outside.status, code: outside.body.code }).toEqual({ status: 404, code: 'GRID_DISPATCH.TARGET_NOT_FOUND' });
      expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'GRID_DISPATCH.TARGET_NOT_FOUND' });
      expect(await before(caseId)).toBe(n);
      expect(await before(outsideTarget)).toBeGreaterThan(0);
    }
    // the district sees both towns: the same merge goes through
    const caseId = await filed('g-1-1-2', NO_ROUTE, 1);
    expect((await merge(caseId, t2Case, 'op.d')).status).toBe(200);
    // …but not into a case that is itself merged away
    const third = await filed('g-1-1-2', NO_ROUTE, 1);
    expect(await merge(third, caseId, 'op.d')).toMatchObject({ status: 409, body: { code: 'GRID_DISPATCH.TARGET_MERGED', details: { mergedInto: t2Case } } });
  }, 60_000);
});
