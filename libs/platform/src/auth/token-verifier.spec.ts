import { FixedClock } from '@fengqiao/kernel';
import { AuthenticationError, Directory } from '@fengqiao/identity';
import { FIXTURE_AUDIENCE, FIXTURE_ISSUER, FIXTURE_USERS, fixtureIssuer, fixturePrincipal, type FixtureIssuer } from '@fengqiao/identity/testing';
import { TokenVerifier } from './token-verifier';

/** What a token must be besides well signed: not longer-lived than allowed, for a user the directory knows and keeps active. */
describe('TokenVerifier: lifetime and subject', () => {
  let f: FixtureIssuer;
  let verifier: TokenVerifier;
  beforeEach(async () => {
    f = await fixtureIssuer();
    verifier = new TokenVerifier({
      issuer: FIXTURE_ISSUER,
      audience: FIXTURE_AUDIENCE,
      keys: f.issuer.jwks(),
      maxLifetimeSeconds: 3600,
      directory: f.directory,
    });
  });

  const refusal = async (token: string): Promise<{ code: string; message: string }> => {
    try {
      await verifier.verify(token);
    } catch (e) {
      if (e instanceof AuthenticationError) return { code: e.code, message: e.message };
      throw e;
    }
    throw new Error('the token was accepted');
  };

  it('accepts a token of an active user issued for the allowed lifetime', async () => {
    await expect(verifier.verify(await f.tokenFor('operator'))).resolves.toMatchObject({ userId: FIXTURE_USERS.operator });
  });

  it('remembers a verified token only while it is valid: once it expires it is refused, as a token seen for the first time would be', async () => {
    const clock = new FixedClock(f.clock.now());
    const timed = new TokenVerifier({ issuer: FIXTURE_ISSUER, audience: FIXTURE_AUDIENCE, keys: f.issuer.jwks(), clock, maxLifetimeSeconds: 3600 });
    const token = await f.tokenFor('operator');
    await expect(timed.verify(token)).resolves.toMatchObject({ userId: FIXTURE_USERS.operator });
    await expect(timed.verify(token)).resolves.toMatchObject({ userId: FIXTURE_USERS.operator }); // remembered
    clock.advance(3600_000 + 31_000); // past exp and the 30 s tolerance
    await expect(timed.verify(token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
    clock.advance(-3600_000); // a clock set back: verified in full again, and accepted
    await expect(timed.verify(token)).resolves.toMatchObject({ userId: FIXTURE_USERS.operator });
  });

  it('checks revocation on every request, also for a token it remembers', async () => {
    let revoked = false;
    const revocable = new TokenVerifier({ issuer: FIXTURE_ISSUER, audience: FIXTURE_AUDIENCE, keys: f.issuer.jwks(), isSessionRevoked: () => revoked });
    const { token } = await f.issuer.issueAccessToken({ ...fixturePrincipal('operator', f.directory.current()), sessionId: 's-1' });
    await expect(revocable.verify(token)).resolves.toBeDefined();
    revoked = true;
    await expect(revocable.verify(token)).rejects.toMatchObject({ code: 'AUTH.SESSION_REVOKED' });
  });

  it('does not take a forged token for a remembered one (a changed signature is verified, and refused)', async () => {
    const token = await f.tokenFor('operator');
    await expect(verifier.verify(token)).resolves.toBeDefined();
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await refusal(forged)).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses a token that lives longer than the maximum, though signed with the right key', async () => {
    const longLived = await fixtureIssuer({ signingKey: f.signingKey, accessTokenTtlSeconds: 365 * 24 * 3600, directory: f.directory });
    expect(await refusal(await longLived.tokenFor('operator'))).toEqual({
      code: 'AUTH.TOKEN_LIFETIME_EXCEEDED',
      message: '登录凭证有效期超过允许的上限，请重新登录',
    });
    // without a maximum (a verifier configured so) the same token passes: the limit is what refuses it
    const unlimited = new TokenVerifier({ issuer: FIXTURE_ISSUER, audience: FIXTURE_AUDIENCE, keys: f.issuer.jwks() });
    await expect(unlimited.verify(await longLived.tokenFor('operator'))).resolves.toMatchObject({ userId: FIXTURE_USERS.operator });
  });

  it('refuses a token for a user the directory does not know', async () => {
    const ghost = { ...fixturePrincipal('operator', f.directory.current()), userId: 'u-ghost', username: 'ghost' };
    const { token } = await f.issuer.issueAccessToken(ghost);
    expect(await refusal(token)).toEqual({ code: 'AUTH.USER_UNKNOWN', message: '登录凭证中的用户在人员目录中不存在，请重新登录' });
  });

  it('refuses a still-valid token of a user deactivated since, and accepts it again once re-enabled', async () => {
    const token = await f.tokenFor('operator');
    await expect(verifier.verify(token)).resolves.toBeDefined();
    f.directory.apply({ type: 'UserDisabled', userId: FIXTURE_USERS.operator }, { by: FIXTURE_USERS.admin, at: new Date() });
    expect(await refusal(token)).toEqual({ code: 'AUTH.USER_DISABLED', message: '账号已停用' });
    f.directory.apply({ type: 'UserEnabled', userId: FIXTURE_USERS.operator }, { by: FIXTURE_USERS.admin, at: new Date() });
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('checks the subject in the directory version the token names', async () => {
    const before = f.directory.version;
    const unitId = f.directory.current().user(FIXTURE_USERS.operator)!.unitId;
    f.directory.apply(
      { type: 'UserAdded', user: { id: 'u-new', username: 'new.fixture', displayName: '新同事', unitId, roles: ['operator'] } },
      { by: FIXTURE_USERS.admin, at: new Date() },
    );
    const newcomer = { ...fixturePrincipal('operator', f.directory.current()), userId: 'u-new', username: 'new.fixture' };
    // named the version it was added in: accepted; named a version before it existed: refused
    await expect(verifier.verify((await f.issuer.issueAccessToken(newcomer)).token)).resolves.toMatchObject({ userId: 'u-new' });
    expect((await refusal((await f.issuer.issueAccessToken({ ...newcomer, directoryVersion: before })).token)).code).toBe('AUTH.USER_UNKNOWN');
    // a version this directory has not reached yet is checked against the state now
    await expect(verifier.verify((await f.issuer.issueAccessToken({ ...newcomer, directoryVersion: before + 50 })).token)).resolves.toBeDefined();
  });

  it('where it follows the published directory, waits for the version a token names, then checks it (503 when it never arrives)', async () => {
    const follower = Directory.open();
    const entries = f.directory.entries();
    for (const e of entries.slice(0, -1)) follower.follow(e);
    const following = new TokenVerifier({
      issuer: FIXTURE_ISSUER,
      audience: FIXTURE_AUDIENCE,
      keys: f.issuer.jwks(),
      directory: follower,
      directoryWaitMs: 50,
    });
    const token = await f.tokenFor('operator');
    let status = 0;
    let code = '';
    try {
      await following.verify(token);
    } catch (e) {
      status = (e as { getStatus?: () => number }).getStatus?.() ?? 0;
      code = ((e as { getResponse?: () => { code?: string } }).getResponse?.() ?? {}).code ?? '';
    }
    expect({ status, code }).toEqual({ status: 503, code: 'AUTH.DIRECTORY_BEHIND' });
    // the missing change arrives while the request waits: accepted
    const patient = new TokenVerifier({
      issuer: FIXTURE_ISSUER,
      audience: FIXTURE_AUDIENCE,
      keys: f.issuer.jwks(),
      directory: follower,
      directoryWaitMs: 5_000,
    });
    const pending = patient.verify(token);
    setTimeout(() => follower.follow(entries[entries.length - 1]), 20);
    await expect(pending).resolves.toMatchObject({ userId: FIXTURE_USERS.operator });
  });
});
