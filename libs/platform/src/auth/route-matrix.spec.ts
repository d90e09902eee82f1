/**
 * The route matrix on a small app: the built-in issuer's routes (login, refresh, logout, JWKS,
 * me, directory), /health, a published Open311 read endpoint, and a "cases" controller over an
 * in-memory map (a test fixture standing in for a context's read model) guarded the way services
 * guard theirs: @RequireAction on the route, `assertInJurisdiction` on single cases and
 * `jurisdictionFilter` on lists.
 */
import { Body, Controller, Get, Inject, Injectable, Module, Param, Post } from '@nestjs/common';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Query } from 'mingo';
import { IllegalStateError, NotFoundError } from '@fengqiao/kernel';
import { BuiltInIssuer, jurisdictionOf, principalOf, USER_ROLES, type Principal } from '@fengqiao/identity';
import {
  FIXTURE_AUDIENCE,
  FIXTURE_ISSUER,
  FIXTURE_PASSWORD,
  FIXTURE_UNITS as U,
  FIXTURE_USERS,
  fixtureIssuer,
  fixtureJurisdictions,
  type FixtureIssuer,
} from '@fengqiao/identity/testing';
import { AuthModule } from './auth.module';
import { CurrentPrincipal, Public, RateLimit, RequireAction } from './decorators';
import { IdentityModule } from './identity.module';
import { assertInJurisdiction, inJurisdiction, jurisdictionFilter } from './jurisdiction';
import { PersonalDataFields } from './personal-data';
import { routeMatrix, type MatrixContext, type MatrixUser, type RouteMatrixReport, type RouteTable } from './testing/route-matrix';
import { startTestApp, type TestApp } from './testing/test-app';

interface CaseDoc {
  id: string;
  jurisdiction: string[];
  status: 'open' | 'closed';
  description: string;
  reporter: { name: string; phone: string };
}

@Injectable()
class CaseBook {
  readonly cases = new Map<string, CaseDoc>();
  private next = 0;
  add(jurisdiction: string[]): CaseDoc {
    const doc: CaseDoc = {
      id: `c-${++this.next}`,
      jurisdiction,
      status: 'open',
      description: '消防通道堵塞',
      reporter: { name: '张三丰', phone: '13812345678' },
    };
    this.cases.set(doc.id, doc);
    return doc;
  }
  load(id: string): CaseDoc {
    const doc = this.cases.get(id);
    if (!doc) throw new NotFoundError('CASE.NOT_FOUND', '未找到该事件');
    return doc;
  }
}

class ReportRequest {
  @IsString()
  @IsNotEmpty()
  unitId!: string;

  @IsString()
  @MaxLength(200)
  description!: string;
}

const PARTY_FIELDS = { name: 'name', phone: 'phone' } as const;

@Controller('cases')
class CasesController {
  constructor(
    @Inject(CaseBook) private readonly book: CaseBook,
    @Inject(BuiltInIssuer) private readonly issuer: BuiltInIssuer,
  ) {}

  @Get()
  @RequireAction('case.list')
  @PersonalDataFields(PARTY_FIELDS)
  list(@CurrentPrincipal() principal: Principal): { items: CaseDoc[] } {
    // the scope is part of the query (as in the read store), not a filter on the results
    const query = new Query(jurisdictionFilter(principal, 'case.list'));
    return { items: [...this.book.cases.values()].filter((d) => query.test({ ...d })) };
  }

  @Get(':id')
  @RequireAction('case.read')
  @PersonalDataFields(PARTY_FIELDS)
  read(@Param('id') id: string, @CurrentPrincipal() principal: Principal): CaseDoc {
    const doc = this.book.load(id);
    assertInJurisdiction(principal, doc.jurisdiction, 'case.read', { type: 'case', id });
    return doc;
  }

  @Post()
  @RequireAction('case.report')
  @RateLimit('intake')
  report(@Body() body: ReportRequest, @CurrentPrincipal() principal: Principal): CaseDoc {
    const snapshot = this.issuer.directory.current();
    const where = jurisdictionOf(snapshot, body.unitId);
    assertInJurisdiction(principal, where, 'case.report', { type: 'case' });
    const doc = this.book.add(where);
    doc.description = body.description;
    return doc;
  }

  @Post(':id/close')
  @RequireAction('case.close')
  close(@Param('id') id: string, @CurrentPrincipal() principal: Principal): { id: string; status: string } {
    const doc = this.book.load(id);
    assertInJurisdiction(principal, doc.jurisdiction, 'case.close', { type: 'case', id });
    if (doc.status === 'closed') throw new IllegalStateError('CASE.ALREADY_CLOSED', '事件已结案');
    doc.status = 'closed';
    return { id, status: doc.status };
  }
}

/** A published Open311 read endpoint: public, and without any party data. */
@Controller('open311/v2')
class Open311Controller {
  constructor(@Inject(CaseBook) private readonly book: CaseBook) {}

  @Get('requests.json')
  @Public()
  requests() {
    return [...this.book.cases.values()].map((d) => ({ service_request_id: d.id, status: d.status, description: d.description }));
  }
}

@Module({ controllers: [CasesController, Open311Controller], providers: [CaseBook], exports: [CaseBook] })
class CasesFixtureModule {}

/** extra users: a town-level admin (so an admin has an "outside"), an operator of another town, password targets */
const EXTRA_USERS = [
  { id: 'u-admin-cd', username: 'admin.chengdong', displayName: '城东管理员', unitId: U.townChengdong, roles: ['admin' as const] },
  { id: 'u-operator-dh', username: 'operator.donghu', displayName: '东湖社区操作员', unitId: U.villageDonghu, roles: ['operator' as const] },
  { id: 'u-target-xy', username: 'target.xiyuan', displayName: '西苑网格员', unitId: U.gridXiyuan, roles: ['grid_worker' as const] },
  { id: 'u-target-dh', username: 'target.donghu', displayName: '东湖网格员', unitId: U.gridDonghu, roles: ['grid_worker' as const] },
  { id: 'u-target-fy', username: 'target.fengyuan', displayName: '枫源网格员', unitId: U.gridFengyuan, roles: ['grid_worker' as const] },
];

describe('route matrix: every route × every role × inside/outside the jurisdiction × no token', () => {
  let f: FixtureIssuer;
  let t: TestApp;
  let book: CaseBook;
  let users: MatrixUser[];
  /** per user name: where a case is inside / outside their jurisdiction */
  let cases: Map<string, { inside: string[]; outside?: string[] }>;
  /** per user name: a unit to change and a user whose password to set, inside / outside their jurisdiction */
  let targets: Map<string, { unit: Record<'inside' | 'outside', string | undefined>; user: Record<'inside' | 'outside', string | undefined> }>;
  let renames = 0;

  beforeAll(async () => {
    f = await fixtureIssuer();
    f.directory.applyAll(
      EXTRA_USERS.map((user) => ({ type: 'UserAdded' as const, user })),
      { by: 'system', at: f.clock.now() },
    );
    await f.issuer.setPassword('u-admin-cd', FIXTURE_PASSWORD);
    await f.issuer.setPassword('u-operator-dh', FIXTURE_PASSWORD);
    t = await startTestApp([
      IdentityModule.forRoot(() => ({ issuer: f.issuer })),
      AuthModule.forRoot({
        mode: 'standalone',
        issuer: FIXTURE_ISSUER,
        audience: FIXTURE_AUDIENCE,
        clock: f.clock,
        rateLimits: { login: { limit: 1000, ttlSeconds: 60 }, intake: { limit: 1000, ttlSeconds: 60 } },
      }),
      CasesFixtureModule,
    ]);
    book = t.app.get(CaseBook);

    const snapshot = f.directory.current();
    const j = fixtureJurisdictions(snapshot);
    const userIds = [...USER_ROLES.map((r) => FIXTURE_USERS[r]), 'u-admin-cd', 'u-operator-dh'];
    users = await Promise.all(
      userIds.map(async (id) => {
        const principal = principalOf(snapshot.user(id)!, snapshot);
        return { name: `${principal.roles[0]}@${principal.unitId}`, principal, token: (await f.issuer.issueAccessToken(principal)).token };
      }),
    );
    cases = new Map();
    targets = new Map();
    for (const u of users) {
      const role = u.principal.roles[0];
      const fixtureUser = u.principal.userId === FIXTURE_USERS[role];
      cases.set(
        u.name,
        fixtureUser
          ? j[role]
          : u.principal.userId === 'u-admin-cd'
            ? { inside: jurisdictionOf(snapshot, U.gridDonghu), outside: jurisdictionOf(snapshot, U.gridFengyuan) }
            : { inside: jurisdictionOf(snapshot, U.gridDonghu), outside: jurisdictionOf(snapshot, U.gridXiyuan) },
      );
      const townAdmin = u.principal.userId === 'u-admin-cd';
      targets.set(u.name, {
        unit: {
          inside: townAdmin ? U.villageDonghu : U.villageXiyuan,
          outside: townAdmin ? U.villageFengyuan : role === 'admin' ? undefined : U.villageDonghu,
        },
        user: { inside: townAdmin ? 'u-target-dh' : 'u-target-xy', outside: townAdmin ? 'u-target-fy' : role === 'admin' ? undefined : 'u-target-dh' },
      });
    }
  });
  afterAll(() => t?.close());

  /** the app's state: cases, directory version, every password hash */
  const snapshot = () => ({
    cases: [...book.cases.values()].map((c) => ({ ...c })),
    directory: f.directory.version,
    passwords: f.directory
      .current()
      .users()
      .map((u) => f.store.passwordHash(u.id) ?? null),
  });

  const someone = (ctx: MatrixContext) => ctx.user ?? users[0];
  const caseFor = (ctx: MatrixContext) => {
    const where = cases.get(someone(ctx).name)!;
    const jurisdiction = ctx.where === 'inside' ? where.inside : where.outside;
    return jurisdiction && book.add(jurisdiction);
  };
  const loginOf = (ctx: MatrixContext) => {
    const p = someone(ctx).principal;
    return { username: p.username, password: FIXTURE_PASSWORD };
  };

  const table: RouteTable = {
    'GET /health': { access: 'public', target: 'collection', request: () => ({ path: '/health' }) },
    'GET /health/ready': { access: 'public', target: 'collection', request: () => ({ path: '/health/ready' }) },
    'GET /health/live': { access: 'public', target: 'collection', request: () => ({ path: '/health/live' }) },
    'GET /.well-known/jwks.json': {
      access: 'public',
      target: 'collection',
      request: () => ({ path: '/.well-known/jwks.json' }),
      check: (res) => (JSON.stringify(res.body).includes('"d"') ? 'the key set shows a private key' : undefined),
    },
    'POST /auth/login': { access: 'public', target: 'collection', request: (ctx) => ({ path: '/auth/login', body: loginOf(ctx) }) },
    'POST /auth/refresh': {
      access: 'public',
      target: 'collection',
      request: async (ctx) => {
        const { username, password } = loginOf(ctx);
        return { path: '/auth/refresh', body: { refreshToken: (await f.issuer.login(username, password)).refreshToken } };
      },
    },
    'POST /auth/logout': {
      access: 'public',
      target: 'collection',
      request: async (ctx) => {
        const { username, password } = loginOf(ctx);
        return { path: '/auth/logout', body: { refreshToken: (await f.issuer.login(username, password)).refreshToken } };
      },
    },
    'GET /auth/me': {
      access: 'self.read',
      target: 'collection',
      request: () => ({ path: '/auth/me' }),
      check: (res, ctx) => ((res.body as { userId?: string }).userId === ctx.user?.principal.userId ? undefined : 'answered for someone else'),
    },
    'GET /directory/units': { access: 'directory.read', target: 'collection', request: () => ({ path: '/directory/units' }) },
    'POST /directory/changes': {
      access: 'directory.manage',
      target: 'resource',
      request: (ctx) => {
        const unitId = targets.get(someone(ctx).name)!.unit[ctx.where];
        return unitId === undefined ? undefined : { path: '/directory/changes', body: { change: { type: 'UnitRenamed', unitId, name: `改名${++renames}` } } };
      },
    },
    'PUT /directory/users/:id/password': {
      access: 'user.manage',
      target: 'resource',
      request: (ctx) => {
        const userId = targets.get(someone(ctx).name)!.user[ctx.where];
        return userId === undefined ? undefined : { path: `/directory/users/${userId}/password`, body: { password: `new-password-${++renames}` } };
      },
    },
    'GET /open311/v2/requests.json': {
      access: 'public',
      target: 'collection',
      request: () => ({ path: '/open311/v2/requests.json' }),
      check: (res) => (JSON.stringify(res.body).includes('138') ? 'party data published' : undefined),
    },
    'GET /cases': {
      access: 'case.list',
      target: 'collection',
      request: (ctx) => {
        caseFor({ ...ctx, where: 'inside' });
        caseFor({ ...ctx, where: 'outside' });
        return { path: '/cases' };
      },
      check: (res, ctx) => {
        const items = (res.body as { items: CaseDoc[] }).items;
        const principal = ctx.user!.principal;
        const leaked = items.filter((d) => !inJurisdiction(principal, d.jurisdiction, 'case.list'));
        if (leaked.length) return `listed ${leaked.length} case(s) outside the jurisdiction`;
        const inside = cases.get(ctx.user!.name)!.inside;
        return items.some((d) => JSON.stringify(d.jurisdiction) === JSON.stringify(inside)) ? undefined : 'its own cases are missing';
      },
    },
    'GET /cases/:id': {
      access: 'case.read',
      target: 'resource',
      request: (ctx) => {
        const doc = caseFor(ctx);
        return doc && { path: `/cases/${doc.id}` };
      },
    },
    'POST /cases': {
      access: 'case.report',
      target: 'resource',
      request: (ctx) => {
        const where = cases.get(someone(ctx).name)!;
        const path = ctx.where === 'inside' ? where.inside : where.outside;
        return path && { path: '/cases', body: { unitId: path[path.length - 1], description: '占道经营' } };
      },
    },
    'POST /cases/:id/close': {
      access: 'case.close',
      target: 'resource',
      request: (ctx) => {
        const doc = caseFor(ctx);
        return doc && { path: `/cases/${doc.id}/close` };
      },
    },
  };

  let report: RouteMatrixReport;
  beforeAll(async () => {
    report = await routeMatrix(t.app, table, { baseUrl: t.url, users, snapshot });
  }, 60_000);

  it('finds every route of the app from its controllers', () => {
    expect(report.routes.map((r) => r.key)).toEqual(Object.keys(table).sort((a, b) => a.localeCompare(b)));
  });

  it('gets success exactly where the table and the jurisdiction allow it, 401/403 with nothing written elsewhere', () => {
    expect(report.failures).toEqual([]);
    // 14 routes; 9 users; 6 resource routes called inside and outside
    expect(report.calls).toBeGreaterThan(14 + 9 * 14);
  });

  it('skips only the "outside" calls of the district admin, for whom nothing is outside', () => {
    expect(report.skipped.sort()).toEqual(
      [
        'GET /cases/:id as admin@d-demo (outside)',
        'POST /cases as admin@d-demo (outside)',
        'POST /cases/:id/close as admin@d-demo (outside)',
        'POST /directory/changes as admin@d-demo (outside)',
        'PUT /directory/users/:id/password as admin@d-demo (outside)',
      ].sort(),
    );
  });

  describe('a user of one village cannot read, list or change a case of another village', () => {
    const as = (userId: string) => users.find((u) => u.principal.userId === userId)!;
    const call = (user: MatrixUser, path: string, method = 'GET') => fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${user.token}` } });

    it('in the same town and across towns', async () => {
      const fengyuan = as(FIXTURE_USERS.operator);
      const donghu = as('u-operator-dh');
      const snap = f.directory.current();
      const neighbour = book.add(jurisdictionOf(snap, U.gridLiqiao));
      const otherTown = book.add(jurisdictionOf(snap, U.gridDonghu));
      const own = book.add(jurisdictionOf(snap, U.gridFengyuan));

      for (const other of [neighbour, otherTown]) {
        expect((await call(fengyuan, `/cases/${other.id}`)).status).toBe(403);
        expect((await call(fengyuan, `/cases/${other.id}/close`, 'POST')).status).toBe(403);
        expect(book.cases.get(other.id)!.status).toBe('open');
      }
      const listed = ((await (await call(fengyuan, '/cases')).json()) as { items: CaseDoc[] }).items.map((d) => d.id);
      expect(listed).toContain(own.id);
      expect(listed).not.toContain(neighbour.id);
      expect(listed).not.toContain(otherTown.id);

      expect((await call(donghu, `/cases/${own.id}`)).status).toBe(403);
      expect((await call(donghu, `/cases/${otherTown.id}`)).status).toBe(200);
    });
  });

  it('masks party data by role and scope in responses', async () => {
    const snap = f.directory.current();
    const inFengyuan = book.add(jurisdictionOf(snap, U.gridFengyuan));
    const inLiqiao = book.add(jurisdictionOf(snap, U.gridLiqiao));
    const read = async (role: (typeof USER_ROLES)[number], id: string) => {
      const user = users.find((u) => u.principal.userId === FIXTURE_USERS[role])!;
      return ((await (await fetch(`${t.url}/cases/${id}`, { headers: { authorization: `Bearer ${user.token}` } })).json()) as CaseDoc).reporter;
    };
    expect(await read('operator', inFengyuan.id)).toEqual({ name: '张三丰', phone: '13812345678' });
    // the auditor reads the whole town, but sees personal data only in 枫源村
    expect(await read('auditor', inFengyuan.id)).toEqual({ name: '张三丰', phone: '13812345678' });
    expect(await read('auditor', inLiqiao.id)).toEqual({ name: '张**', phone: '138****5678' });
  });
});

@Controller('leaky')
class LeakyController {
  constructor(@Inject(CaseBook) private readonly book: CaseBook) {}

  /** forgets the jurisdiction check */
  @Get(':id')
  @RequireAction('case.read')
  read(@Param('id') id: string) {
    return this.book.load(id);
  }

  /** writes before it checks */
  @Post(':id/close')
  @RequireAction('case.close')
  close(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const doc = this.book.load(id);
    doc.status = 'closed';
    assertInJurisdiction(principal, doc.jurisdiction, 'case.close', { type: 'case', id });
    return doc;
  }

  /** a new route nobody put in the table */
  @Get(':id/history')
  @RequireAction('audit.timeline')
  history() {
    return [];
  }

  /** a route with no declaration at all */
  @Get(':id/raw')
  raw() {
    return {};
  }
}

@Module({ controllers: [LeakyController], imports: [CasesFixtureModule] })
class LeakyModule {}

describe('route matrix: it fails an app that gets it wrong', () => {
  let f: FixtureIssuer;
  let t: TestApp;
  let report: RouteMatrixReport;

  beforeAll(async () => {
    f = await fixtureIssuer();
    t = await startTestApp([
      IdentityModule.forRoot(() => ({ issuer: f.issuer })),
      AuthModule.forRoot({ mode: 'standalone', issuer: FIXTURE_ISSUER, audience: FIXTURE_AUDIENCE, clock: f.clock }),
      LeakyModule,
    ]);
    const book = t.app.get(CaseBook);
    const snapshot = f.directory.current();
    const operator = principalOf(snapshot.user(FIXTURE_USERS.operator)!, snapshot);
    const users: MatrixUser[] = [{ name: 'operator', principal: operator, token: (await f.issuer.issueAccessToken(operator)).token }];
    const caseFor = (where: 'inside' | 'outside') => book.add(jurisdictionOf(snapshot, where === 'inside' ? U.gridFengyuan : U.gridLiqiao));
    const table: RouteTable = {
      'GET /leaky/:id': { access: 'case.read', target: 'resource', request: (ctx) => ({ path: `/leaky/${caseFor(ctx.where).id}` }) },
      'POST /leaky/:id/close': { access: 'case.close', target: 'resource', request: (ctx) => ({ path: `/leaky/${caseFor(ctx.where).id}/close` }) },
      // the table says read, the route says something else
      'GET /cases': { access: 'case.read', target: 'collection', request: () => ({ path: '/cases' }) },
      // a table entry for a route that does not exist
      'DELETE /cases/:id': { access: 'case.close', target: 'resource', request: () => ({ path: '/cases/x' }) },
    };
    report = await routeMatrix(t.app, table, {
      baseUrl: t.url,
      users,
      snapshot: () => [...book.cases.values()].map((c) => ({ ...c })),
    });
  }, 60_000);
  afterAll(() => t?.close());

  it.each([
    'GET /leaky/:id as operator (outside): expected 403, got 200',
    'POST /leaky/:id/close as operator (outside): refused, yet the state changed',
    'GET /leaky/:id/history (LeakyController.history): not in the route table; add it with the action it performs',
    'GET /leaky/:id/raw (LeakyController.raw): has neither @Public nor @RequireAction',
    'GET /cases (CasesController.list): declares case.list but the table says case.read',
    'DELETE /cases/:id: in the route table but the app has no such route',
    'GET /cases/:id (CasesController.read): not in the route table; add it with the action it performs',
  ])('reports: %s', (failure) => {
    expect(report.failures).toContain(failure);
  });
});
