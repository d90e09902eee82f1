import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { AuthenticationError, type AuthenticationFailure } from '../authentication-error';
import { principalFromClaims } from '../principal';
import {
  FIXTURE_AUDIENCE,
  FIXTURE_ISSUER,
  FIXTURE_PASSWORD,
  FIXTURE_UNITS as U,
  FIXTURE_USERS,
  fixtureIssuer,
  fixtureUsername,
  type FixtureIssuer,
} from '../testing/fixture-directory';
import { hashPassword } from './password';

async function failure(p: Promise<unknown>): Promise<{ code: AuthenticationFailure; retryAfter?: number }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AuthenticationError) return { code: e.code, retryAfter: e.retryAfterSeconds };
    throw e;
  }
  throw new Error('expected an AuthenticationError');
}

interface LogLine {
  level: 'info' | 'warn';
  obj: Record<string, unknown>;
  msg: string;
}

describe('BuiltInIssuer', () => {
  let f: FixtureIssuer;
  let logs: LogLine[];
  const operator = fixtureUsername('operator');

  beforeEach(async () => {
    logs = [];
    f = await fixtureIssuer({
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 3600,
      sessionMaxAgeSeconds: 4 * 3600,
      logger: {
        info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
        warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
      },
    });
  });

  const verify = (token: string) =>
    jwtVerify(token, createLocalJWKSet(f.issuer.jwks()), {
      issuer: FIXTURE_ISSUER,
      audience: FIXTURE_AUDIENCE,
      currentDate: f.clock.now(),
    });

  describe('login', () => {
    it('issues a signed access token carrying roles, unit and unit path, and an opaque refresh token', async () => {
      const pair = await f.issuer.login(operator, FIXTURE_PASSWORD);
      expect(pair.tokenType).toBe('Bearer');
      expect(pair.expiresIn).toBe(300);
      expect(pair.refreshExpiresIn).toBe(3600);
      expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const { payload, protectedHeader } = await verify(pair.accessToken);
      expect(protectedHeader.alg).toBe('EdDSA');
      expect(protectedHeader.kid).toBe(f.issuer.jwks().keys[0].kid);
      expect(payload.exp! - payload.iat!).toBe(300);
      const principal = principalFromClaims(payload);
      expect(principal).toMatchObject({
        userId: FIXTURE_USERS.operator,
        roles: ['operator'],
        unitId: U.villageFengyuan,
        unitPath: [U.district, U.townFengqiao, U.villageFengyuan],
        directoryVersion: f.directory.version,
      });
      expect(principal.sessionId).toEqual(expect.any(String));
      expect(f.issuer.isSessionRevoked(principal.sessionId!)).toBe(false);
    });

    it('accepts the username in any case', async () => {
      await expect(f.issuer.login(operator.toUpperCase(), FIXTURE_PASSWORD)).resolves.toBeDefined();
    });

    it('gives the same answer for a wrong password, an unknown user and a disabled account', async () => {
      expect(await failure(f.issuer.login(operator, 'wrong password'))).toEqual({ code: 'AUTH.BAD_CREDENTIALS' });
      expect(await failure(f.issuer.login('nobody.here', FIXTURE_PASSWORD))).toEqual({ code: 'AUTH.BAD_CREDENTIALS' });
      f.directory.apply({ type: 'UserDisabled', userId: FIXTURE_USERS.mediator }, { by: FIXTURE_USERS.admin, at: f.clock.now() });
      expect(await failure(f.issuer.login(fixtureUsername('mediator'), FIXTURE_PASSWORD))).toEqual({ code: 'AUTH.BAD_CREDENTIALS' });
    });

    it('upgrades a hash made with weaker parameters on the next login', async () => {
      f.store.setPasswordHash(FIXTURE_USERS.operator, await hashPassword(FIXTURE_PASSWORD, { logN: 8, r: 8, p: 1 }), 'x');
      await f.issuer.login(operator, FIXTURE_PASSWORD);
      expect(f.store.passwordHash(FIXTURE_USERS.operator)).toMatch(/^\$scrypt\$ln=10,/);
      await expect(f.issuer.login(operator, FIXTURE_PASSWORD)).resolves.toBeDefined();
    });
  });

  describe('lockout', () => {
    it('locks the username after 5 failures for 15 minutes, even for the right password', async () => {
      for (let i = 1; i <= 4; i++) expect((await failure(f.issuer.login(operator, `wrong-${i}`))).code).toBe('AUTH.BAD_CREDENTIALS');
      expect(await failure(f.issuer.login(operator, 'wrong-5'))).toEqual({ code: 'AUTH.LOCKED', retryAfter: 900 });
      expect(await failure(f.issuer.login(operator, FIXTURE_PASSWORD))).toEqual({ code: 'AUTH.LOCKED', retryAfter: 900 });
      f.clock.advance(14 * 60 * 1000);
      expect(await failure(f.issuer.login(operator, FIXTURE_PASSWORD))).toEqual({ code: 'AUTH.LOCKED', retryAfter: 60 });
      f.clock.advance(60 * 1000);
      await expect(f.issuer.login(operator, FIXTURE_PASSWORD)).resolves.toBeDefined();
      expect(logs.filter((l) => l.obj['event'] === 'auth.lockout')).toEqual([
        { level: 'warn', obj: { event: 'auth.lockout', userId: FIXTURE_USERS.operator, failures: 5, lockSeconds: 900 }, msg: 'login locked' },
      ]);
    });

    it('starts counting again after a success, and after the window', async () => {
      for (let i = 0; i < 4; i++) await failure(f.issuer.login(operator, 'wrong'));
      await f.issuer.login(operator, FIXTURE_PASSWORD);
      for (let i = 0; i < 4; i++) expect((await failure(f.issuer.login(operator, 'wrong'))).code).toBe('AUTH.BAD_CREDENTIALS');
      f.clock.advance(16 * 60 * 1000);
      for (let i = 0; i < 4; i++) expect((await failure(f.issuer.login(operator, 'wrong'))).code).toBe('AUTH.BAD_CREDENTIALS');
      await expect(f.issuer.login(operator, FIXTURE_PASSWORD)).resolves.toBeDefined();
    });

    it('locks unknown usernames too, so a lockout does not reveal who exists', async () => {
      for (let i = 0; i < 4; i++) await failure(f.issuer.login('ghost.user', 'x'));
      expect((await failure(f.issuer.login('ghost.user', 'x'))).code).toBe('AUTH.LOCKED');
    });

    it('locks one username without touching others', async () => {
      for (let i = 0; i < 5; i++) await failure(f.issuer.login(operator, 'wrong'));
      await expect(f.issuer.login(fixtureUsername('admin'), FIXTURE_PASSWORD)).resolves.toBeDefined();
    });
  });

  describe('refresh tokens', () => {
    it('rotates: each refresh returns a new refresh token and a fresh access token in the same session', async () => {
      const first = await f.issuer.login(operator, FIXTURE_PASSWORD);
      f.clock.advance(60_000);
      const second = await f.issuer.refresh(first.refreshToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(decodeJwt(second.accessToken)['sid']).toBe(decodeJwt(first.accessToken)['sid']);
      expect(decodeJwt(second.accessToken).iat).toBe(decodeJwt(first.accessToken).iat! + 60);
      const third = await f.issuer.refresh(second.refreshToken);
      expect(third.refreshToken).not.toBe(second.refreshToken);
    });

    it('revokes the whole family when a rotated token is used again', async () => {
      const first = await f.issuer.login(operator, FIXTURE_PASSWORD);
      const second = await f.issuer.refresh(first.refreshToken);
      // an attacker replays the stolen first token
      expect((await failure(f.issuer.refresh(first.refreshToken))).code).toBe('AUTH.REFRESH_REUSED');
      // the legitimate newer token is dead too, and so are the session's access tokens
      expect((await failure(f.issuer.refresh(second.refreshToken))).code).toBe('AUTH.REFRESH_REVOKED');
      expect(f.issuer.isSessionRevoked(String(decodeJwt(second.accessToken)['sid']))).toBe(true);
      const warn = logs.find((l) => l.obj['event'] === 'auth.refresh_reuse');
      expect(warn).toMatchObject({ level: 'warn', obj: { userId: FIXTURE_USERS.operator } });
      expect(JSON.stringify(logs)).not.toContain(first.refreshToken);
      // other sessions of the same user are untouched
      const other = await f.issuer.login(operator, FIXTURE_PASSWORD);
      await expect(f.issuer.refresh(other.refreshToken)).resolves.toBeDefined();
    });

    it('refuses unknown and expired refresh tokens, and ends sessions at their maximum age', async () => {
      expect((await failure(f.issuer.refresh('not-a-token'))).code).toBe('AUTH.REFRESH_INVALID');
      const pair = await f.issuer.login(operator, FIXTURE_PASSWORD);
      f.clock.advance(3600 * 1000);
      expect((await failure(f.issuer.refresh(pair.refreshToken))).code).toBe('AUTH.REFRESH_EXPIRED');

      // refreshed every 50 minutes, the session still ends 4 hours after login
      let current = await f.issuer.login(operator, FIXTURE_PASSWORD);
      for (let i = 0; i < 4; i++) {
        f.clock.advance(50 * 60 * 1000);
        current = await f.issuer.refresh(current.refreshToken);
      }
      expect(current.refreshExpiresIn).toBe(40 * 60);
      f.clock.advance(40 * 60 * 1000);
      expect((await failure(f.issuer.refresh(current.refreshToken))).code).toBe('AUTH.REFRESH_EXPIRED');
    });

    it("picks up directory changes: the new access token has the user's new unit and the new version", async () => {
      const pair = await f.issuer.login(operator, FIXTURE_PASSWORD);
      f.directory.apply({ type: 'UserChanged', userId: FIXTURE_USERS.operator, unitId: U.villageLiqiao }, { by: FIXTURE_USERS.admin, at: f.clock.now() });
      const next = await f.issuer.refresh(pair.refreshToken);
      const principal = principalFromClaims(decodeJwt(next.accessToken));
      expect(principal.unitPath).toEqual([U.district, U.townFengqiao, U.villageLiqiao]);
      expect(principal.directoryVersion).toBe(f.directory.version);
    });

    it('ends the session of a user who was disabled', async () => {
      const pair = await f.issuer.login(operator, FIXTURE_PASSWORD);
      f.directory.apply({ type: 'UserDisabled', userId: FIXTURE_USERS.operator }, { by: FIXTURE_USERS.admin, at: f.clock.now() });
      expect((await failure(f.issuer.refresh(pair.refreshToken))).code).toBe('AUTH.USER_DISABLED');
      expect(f.issuer.isSessionRevoked(String(decodeJwt(pair.accessToken)['sid']))).toBe(true);
    });
  });

  describe('logout and password change', () => {
    it('logout revokes the session: its refresh token and access tokens are refused', async () => {
      const pair = await f.issuer.login(operator, FIXTURE_PASSWORD);
      expect(f.issuer.logout(pair.refreshToken)).toBe(true);
      expect((await failure(f.issuer.refresh(pair.refreshToken))).code).toBe('AUTH.REFRESH_REVOKED');
      expect(f.issuer.isSessionRevoked(String(decodeJwt(pair.accessToken)['sid']))).toBe(true);
      expect(f.issuer.logout('unknown')).toBe(false);
      expect(f.issuer.isSessionRevoked('no-such-session')).toBe(true);
    });

    it('a new password ends every open session and replaces the old one', async () => {
      const a = await f.issuer.login(operator, FIXTURE_PASSWORD);
      const b = await f.issuer.login(operator, FIXTURE_PASSWORD);
      await f.issuer.setPassword(FIXTURE_USERS.operator, 'a-new-password-1');
      for (const pair of [a, b]) expect((await failure(f.issuer.refresh(pair.refreshToken))).code).toBe('AUTH.REFRESH_REVOKED');
      expect((await failure(f.issuer.login(operator, FIXTURE_PASSWORD))).code).toBe('AUTH.BAD_CREDENTIALS');
      await expect(f.issuer.login(operator, 'a-new-password-1')).resolves.toBeDefined();
    });
  });

  it('publishes only public keys', () => {
    const jwks = f.issuer.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
