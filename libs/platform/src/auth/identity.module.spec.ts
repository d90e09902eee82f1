import { Controller, Module, Post } from '@nestjs/common';
import {
  FIXTURE_AUDIENCE,
  FIXTURE_ISSUER,
  FIXTURE_PASSWORD,
  FIXTURE_UNITS as U,
  FIXTURE_USERS,
  fixtureIssuer,
  fixtureUsername,
  squareBoundary,
  type FixtureIssuer,
} from '@fengqiao/identity/testing';
import type { AuthModuleOptions } from './auth.options';
import { AuthModule } from './auth.module';
import { RateLimit, RequireAction } from './decorators';
import { IdentityModule } from './identity.module';
import { startTestApp, type TestApp } from './testing/test-app';

// Response bodies in assertions: arbitrary JSON, checked by expect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();

@Controller('intake')
class IntakeProbeController {
  @Post('reports')
  @RequireAction('case.report')
  @RateLimit('intake')
  report() {
    return { ok: true };
  }
}
@Module({ controllers: [IntakeProbeController] })
class IntakeProbeModule {}

async function start(f: FixtureIssuer, extra: Partial<AuthModuleOptions> = {}, consoleOrigin?: string): Promise<TestApp> {
  return startTestApp(
    [
      IdentityModule.forRoot(() => ({ issuer: f.issuer })),
      AuthModule.forRoot({ mode: 'standalone', issuer: FIXTURE_ISSUER, audience: FIXTURE_AUDIENCE, clock: f.clock, ...extra } as AuthModuleOptions),
      IntakeProbeModule,
    ],
    { consoleOrigin },
  );
}

const post = (t: TestApp, path: string, body: unknown, token?: string) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('IdentityModule over HTTP', () => {
  let f: FixtureIssuer;
  let t: TestApp;
  const operator = { username: fixtureUsername('operator'), password: FIXTURE_PASSWORD };

  beforeAll(async () => {
    f = await fixtureIssuer({ accessTokenTtlSeconds: 300 });
    t = await start(f, { rateLimits: { login: { limit: 1000, ttlSeconds: 60 } } }, 'https://console.fq.example');
  });
  afterAll(() => t?.close());

  it('logs in and tells the console who the user is and what they may do', async () => {
    const res = await post(t, '/auth/login', operator);
    expect(res.status).toBe(200);
    const pair = await json(res);
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    const me = await json(await fetch(`${t.url}/auth/me`, { headers: { authorization: `Bearer ${pair.accessToken}` } }));
    expect(me).toMatchObject({
      userId: FIXTURE_USERS.operator,
      displayName: '测试operator',
      unitName: '枫源村',
      unitPath: [U.district, U.townFengqiao, U.villageFengyuan],
      roles: ['operator'],
    });
    expect(me.actions).toEqual(expect.arrayContaining(['case.file', 'case.close']));
    expect(me.actions).not.toContain('mediation.read');
  });

  it('answers bad credentials with 401 and bad input with 400', async () => {
    const wrong = await post(t, '/auth/login', { username: fixtureUsername('admin'), password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toEqual({ statusCode: 401, code: 'AUTH.BAD_CREDENTIALS', message: '用户名或密码错误' });
    const missing = await post(t, '/auth/login', { username: 'x' });
    expect(missing.status).toBe(400);
    expect((await json(missing)).code).toBe('VALIDATION_FAILED');
  });

  it('locks out after 5 failures with 429 and Retry-After', async () => {
    const creds = { username: fixtureUsername('mediator'), password: 'wrong password' };
    for (let i = 0; i < 4; i++) expect((await post(t, '/auth/login', creds)).status).toBe(401);
    const locked = await post(t, '/auth/login', creds);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect((await json(locked)).code).toBe('AUTH.LOCKED');
    expect((await post(t, '/auth/login', { ...creds, password: FIXTURE_PASSWORD })).status).toBe(429);
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole session', async () => {
    const first = await json(await post(t, '/auth/login', operator));
    const second = await json(await post(t, '/auth/refresh', { refreshToken: first.refreshToken }));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const me = (token: string) => fetch(`${t.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(second.accessToken)).status).toBe(200);

    const reuse = await post(t, '/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    expect((await json(reuse)).code).toBe('AUTH.REFRESH_REUSED');
    const descendant = await post(t, '/auth/refresh', { refreshToken: second.refreshToken });
    expect((await json(descendant)).code).toBe('AUTH.REFRESH_REVOKED');
    const revoked = await me(second.accessToken);
    expect(revoked.status).toBe(401);
    expect((await json(revoked)).code).toBe('AUTH.SESSION_REVOKED');
  });

  it('lets an admin change the directory inside their unit only, and ends the sessions of a disabled user', async () => {
    const admin = await json(await post(t, '/auth/login', { username: fixtureUsername('admin'), password: FIXTURE_PASSWORD }));
    const grid = { id: 'g-fy-2', kind: 'grid', name: '枫源村第二网格', parentId: U.villageFengyuan, boundary: squareBoundary(120.2, 29.61) };
    const added = await post(t, '/directory/changes', { change: { type: 'UnitAdded', unit: grid } }, admin.accessToken);
    expect(added.status).toBe(201);
    expect(await json(added)).toMatchObject({ by: FIXTURE_USERS.admin, change: { type: 'UnitAdded', unit: { id: 'g-fy-2' } } });
    const units = await json(await fetch(`${t.url}/directory/units`, { headers: { authorization: `Bearer ${admin.accessToken}` } }));
    expect(units.units.find((u: { id: string }) => u.id === 'g-fy-2').path).toEqual([U.district, U.townFengqiao, U.villageFengyuan, 'g-fy-2']);

    const bad = await post(t, '/directory/changes', { change: { type: 'UnitExploded', unitId: 'x' } }, admin.accessToken);
    expect(bad.status).toBe(400);
    expect((await json(bad)).code).toBe('DIRECTORY.INVALID_CHANGE');
    const invalid = await post(
      t,
      '/directory/changes',
      { change: { type: 'UnitAdded', unit: { ...grid, id: 'g-bad', parentId: U.townFengqiao } } },
      admin.accessToken,
    );
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).code).toBe('DIRECTORY.PARENT_KIND');

    const grid_worker = await json(await post(t, '/auth/login', { username: fixtureUsername('grid_worker'), password: FIXTURE_PASSWORD }));
    const disabled = await post(t, '/directory/changes', { change: { type: 'UserDisabled', userId: FIXTURE_USERS.grid_worker } }, admin.accessToken);
    expect(disabled.status).toBe(201);
    const after = await fetch(`${t.url}/auth/me`, { headers: { authorization: `Bearer ${grid_worker.accessToken}` } });
    expect((await json(after)).code).toBe('AUTH.SESSION_REVOKED');
    expect((await post(t, '/auth/login', { username: fixtureUsername('grid_worker'), password: FIXTURE_PASSWORD })).status).toBe(401);
  });

  it('allows cross-origin calls from the console only', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/auth/login`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const console = await preflight('https://console.fq.example');
    expect(console.status).toBe(204);
    expect(console.headers.get('access-control-allow-origin')).toBe('https://console.fq.example');
    expect(console.headers.get('access-control-allow-headers')).toContain('Authorization');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${t.url}/.well-known/jwks.json`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  let f: FixtureIssuer;
  let t: TestApp;

  beforeAll(async () => {
    f = await fixtureIssuer();
    t = await start(f, { rateLimits: { login: { limit: 3, ttlSeconds: 60 }, intake: { limit: 2, ttlSeconds: 60 } } });
  });
  afterAll(() => t?.close());

  it('limits login attempts per client across the login routes, even with the right password', async () => {
    const good = { username: fixtureUsername('operator'), password: FIXTURE_PASSWORD };
    expect((await post(t, '/auth/login', good)).status).toBe(200);
    expect((await post(t, '/auth/refresh', { refreshToken: 'nope' })).status).toBe(401);
    expect((await post(t, '/auth/login', good)).status).toBe(200);
    const limited = await post(t, '/auth/login', good);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-login')).not.toBeNull();
    expect((await json(limited)).code).toBe('TOO_MANY_REQUESTS');
    // routes without a limit are not counted
    expect((await fetch(`${t.url}/.well-known/jwks.json`)).status).toBe(200);
  });

  it('limits intake per user, not per address', async () => {
    const operator = await f.tokenFor('operator');
    const gridWorker = await f.tokenFor('grid_worker');
    expect((await post(t, '/intake/reports', {}, operator)).status).toBe(201);
    expect((await post(t, '/intake/reports', {}, operator)).status).toBe(201);
    expect((await post(t, '/intake/reports', {}, operator)).status).toBe(429);
    expect((await post(t, '/intake/reports', {}, gridWorker)).status).toBe(201);
  });
});
