import { Controller, Get, Module } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, SignJWT } from 'jose';
import { BuiltInIssuer, CLAIM, generateSigningKey, MemoryAuthStore, type Principal } from '@fengqiao/identity';
import {
  FIXTURE_AUDIENCE,
  FIXTURE_ISSUER,
  FIXTURE_PASSWORD,
  FIXTURE_USERS,
  fixtureIssuer,
  fixturePrincipal,
  fixtureUsername,
  type FixtureIssuer,
} from '@fengqiao/identity/testing';
import { AuthModule } from './auth.module';
import { CurrentPrincipal, Public, RequireAction } from './decorators';
import { denialLog, type Denial } from './denials';
import { IdentityModule } from './identity.module';
import { startTestApp, type TestApp } from './testing/test-app';

@Controller('probe')
class ProbeController {
  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('read')
  @RequireAction('case.read')
  read(@CurrentPrincipal() principal: Principal) {
    return { userId: principal.userId, unitPath: principal.unitPath };
  }

  @Get('unclassified')
  unclassified() {
    return { leaked: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('AuthGuard (standalone: built-in issuer in the same process)', () => {
  let f: FixtureIssuer;
  let t: TestApp;
  let denials: Denial[];
  let stop: () => void;

  beforeAll(async () => {
    f = await fixtureIssuer();
    t = await startTestApp([
      IdentityModule.forRoot(() => ({ issuer: f.issuer })),
      AuthModule.forRoot({ mode: 'standalone', issuer: FIXTURE_ISSUER, audience: FIXTURE_AUDIENCE, clock: f.clock }),
      ProbeModule,
    ]);
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    denials = [];
    stop = denialLog.subscribe((d) => denials.push(d));
  });
  afterEach(() => stop());

  const get = (path: string, token?: string, scheme = 'Bearer') =>
    fetch(`${t.url}${path}`, { headers: token === undefined ? {} : { authorization: `${scheme} ${token}` } });
  const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

  it('answers public routes and /health without a token', async () => {
    expect((await get('/probe/open')).status).toBe(200);
    expect((await get('/health')).status).toBe(200);
  });

  it('refuses a missing token with 401, a WWW-Authenticate challenge, and a logged denial', async () => {
    const res = await get('/probe/read');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await codeOf(res)).toBe('AUTH.TOKEN_MISSING');
    expect(denials).toEqual([
      { status: 401, reason: 'AUTH.TOKEN_MISSING', userId: null, roles: [], action: 'case.read', resource: { type: 'GET /probe/read' } },
    ]);
  });

  it('accepts a valid token and hands the principal to the handler', async () => {
    const res = await get('/probe/read', await f.tokenFor('operator'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: fixturePrincipal('operator').userId, unitPath: fixturePrincipal('operator').unitPath });
  });

  it('refuses other schemes and malformed headers', async () => {
    const token = await f.tokenFor('operator');
    expect((await get('/probe/read', token, 'Basic')).status).toBe(401);
    expect((await get('/probe/read', `${token} extra`)).status).toBe(401);
    expect((await get('/probe/read', 'not.a.jwt')).status).toBe(401);
  });

  it('refuses an expired token (after the 30 s tolerance) with AUTH.TOKEN_EXPIRED', async () => {
    const token = await f.tokenFor('operator');
    const exp = decodeJwt(token).exp! * 1000;
    const start = f.clock.now();
    try {
      f.clock.set(new Date(exp + 10_000));
      expect((await get('/probe/read', token)).status).toBe(200);
      f.clock.set(new Date(exp + 31_000));
      const res = await get('/probe/read', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await codeOf(res)).toBe('AUTH.TOKEN_EXPIRED');
    } finally {
      f.clock.set(start);
    }
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, payload, signature] = (await f.tokenFor('grid_worker')).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${b64({ ...claims, [CLAIM.roles]: ['operator'], [CLAIM.unit]: 'd-demo', [CLAIM.unitPath]: ['d-demo'] })}.${signature}`;
    const res = await get('/probe/read', forged);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('AUTH.TOKEN_INVALID');
  });

  it('refuses a token signed with another key, even one claiming the real key id', async () => {
    const realKid = f.issuer.jwks().keys[0].kid!;
    const other = generateSigningKey();
    const claims = { [CLAIM.roles]: ['operator'], [CLAIM.unit]: 'v-fy', [CLAIM.unitPath]: ['d-demo', 't-fq', 'v-fy'] };
    for (const kid of [other.kid, realKid]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuer(FIXTURE_ISSUER)
        .setAudience(FIXTURE_AUDIENCE)
        .setSubject('intruder')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(other.privateKey);
      expect((await get('/probe/read', token)).status).toBe(401);
    }
  });

  it('refuses a token from another issuer or for another audience, even with the right key', async () => {
    const principal = fixturePrincipal('operator');
    for (const [iss, aud] of [
      ['https://evil.example/auth', FIXTURE_AUDIENCE],
      [FIXTURE_ISSUER, 'another-system'],
    ]) {
      const rogue = new BuiltInIssuer({
        issuer: iss,
        audience: aud,
        signingKey: f.signingKey,
        directory: f.directory,
        store: new MemoryAuthStore(),
        clock: f.clock,
      });
      const res = await get('/probe/read', (await rogue.issueAccessToken(principal)).token);
      expect([iss, aud, res.status, await codeOf(res)]).toEqual([iss, aud, 401, 'AUTH.TOKEN_INVALID']);
    }
  });

  it('refuses unsigned (alg none) and HMAC tokens', async () => {
    const [, payload] = (await f.tokenFor('operator')).split('.');
    expect((await get('/probe/read', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`)).status).toBe(401);
    const hmac = await new SignJWT(decodeJwt(await f.tokenFor('operator')))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JSON.stringify(f.issuer.jwks().keys[0])));
    expect((await get('/probe/read', hmac)).status).toBe(401);
  });

  it('refuses a role without the action (403) and a route without any declaration (fail closed)', async () => {
    const admin = await get('/probe/read', await f.tokenFor('admin'));
    expect(admin.status).toBe(403);
    expect(await codeOf(admin)).toBe('AUTH.ACTION_FORBIDDEN');
    const unclassified = await get('/probe/unclassified', await f.tokenFor('operator'));
    expect(unclassified.status).toBe(403);
    expect(await codeOf(unclassified)).toBe('AUTH.ROUTE_NOT_CLASSIFIED');
    expect((await get('/probe/unclassified')).status).toBe(401);
    expect(denials.map((d) => [d.status, d.reason, d.userId, d.action])).toEqual([
      [403, 'AUTH.ACTION_FORBIDDEN', fixturePrincipal('admin').userId, 'case.read'],
      [403, 'AUTH.ROUTE_NOT_CLASSIFIED', fixturePrincipal('operator').userId, null],
      [401, 'AUTH.TOKEN_MISSING', null, null],
    ]);
  });

  it('refuses the access tokens of a session at once after logout', async () => {
    const pair = await f.issuer.login(fixtureUsername('operator'), FIXTURE_PASSWORD);
    expect((await get('/probe/read', pair.accessToken)).status).toBe(200);
    const logout = await fetch(`${t.url}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: pair.refreshToken }),
    });
    expect(logout.status).toBe(204);
    const res = await get('/probe/read', pair.accessToken);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('AUTH.SESSION_REVOKED');
  });

  it('refuses the still-valid token of a user deactivated through the directory API, with a Chinese message', async () => {
    // a token without a session (as another issuer's or a forged one would be): only the directory can refuse it
    const token = await f.tokenFor('grid_worker');
    expect((await get('/probe/read', token)).status).toBe(200);
    const change = (type: 'UserDisabled' | 'UserEnabled') =>
      fetch(`${t.url}/directory/changes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ change: { type, userId: FIXTURE_USERS.grid_worker } }),
      });
    const adminToken = await f.tokenFor('admin');
    expect((await change('UserDisabled')).status).toBe(201);
    const res = await get('/probe/read', token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'AUTH.USER_DISABLED', message: '账号已停用' });
    expect((await change('UserEnabled')).status).toBe(201);
    expect((await get('/probe/read', token)).status).toBe(200);
  });
});

describe('AuthGuard (distributed: tokens from an external OIDC provider, RS256, remote JWKS)', () => {
  const provider = generateSigningKey('RS256');
  let jwksServer: Server;
  let issuerUrl: string;
  let t: TestApp;

  beforeAll(async () => {
    jwksServer = createServer((req, res) => {
      if (req.url === '/realms/fengqiao/protocol/openid-connect/certs') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [provider.publicJwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    issuerUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/realms/fengqiao`;
    t = await startTestApp([
      AuthModule.forRoot({ mode: 'distributed', issuer: issuerUrl, audience: FIXTURE_AUDIENCE, jwksUrl: `${issuerUrl}/protocol/openid-connect/certs` }),
      ProbeModule,
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => jwksServer?.close(r));
  });

  const providerToken = (key = provider, iss = issuerUrl) =>
    new SignJWT({
      // what a Keycloak realm with user-attribute and role mappers puts in the token
      [CLAIM.roles]: ['operator', 'offline_access', 'uma_authorization'],
      [CLAIM.unit]: 'v-fy',
      [CLAIM.unitPath]: ['d-demo', 't-fq', 'v-fy'],
      preferred_username: 'zhang.operator',
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(FIXTURE_AUDIENCE)
      .setSubject('kc-user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);

  it('accepts an RS256 token from the configured issuer, verified against its JWKS', async () => {
    const res = await fetch(`${t.url}/probe/read`, { headers: { authorization: `Bearer ${await providerToken()}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: 'kc-user-1', unitPath: ['d-demo', 't-fq', 'v-fy'] });
  });

  it('refuses tokens from another issuer or another key', async () => {
    for (const token of [await providerToken(provider, 'http://127.0.0.1:1/realms/other'), await providerToken(generateSigningKey('RS256'))]) {
      expect((await fetch(`${t.url}/probe/read`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    }
  });

  it('answers 503, not 401, while the key set cannot be fetched', async () => {
    const dead = await startTestApp([
      AuthModule.forRoot({ mode: 'distributed', issuer: issuerUrl, audience: FIXTURE_AUDIENCE, jwksUrl: 'http://127.0.0.1:1/certs' }),
      ProbeModule,
    ]);
    try {
      const res = await fetch(`${dead.url}/probe/read`, { headers: { authorization: `Bearer ${await providerToken()}` } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('AUTH.KEYS_UNAVAILABLE');
    } finally {
      await dead.close();
    }
  });
});
