/**
 * The AuthStore contract: every adapter runs it.
 *
 *   authStoreContract('sqlite', () => new SqliteAuthStore(':memory:'));
 */
import type { AuthStore, RefreshTokenRecord, SessionFamily } from '../issuer/auth-store';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

function session(userId: string, expiresAt = '2099-01-01T00:00:00.000Z'): SessionFamily {
  return { familyId: unique('fam'), userId, createdAt: '2025-01-01T00:00:00.000Z', expiresAt };
}
function token(s: SessionFamily, issuedAt = '2025-01-01T00:00:00.000Z'): RefreshTokenRecord {
  return { tokenHash: unique('hash'), familyId: s.familyId, userId: s.userId, issuedAt, expiresAt: '2099-01-01T00:00:00.000Z' };
}

export function authStoreContract(name: string, factory: () => AuthStore | Promise<AuthStore>): void {
  describe(`AuthStore contract: ${name}`, () => {
    let store: AuthStore;
    beforeAll(async () => {
      store = await factory();
    });
    afterAll(() => store?.close());

    it('keeps one password hash per user and replaces it', () => {
      const user = unique('user');
      expect(store.passwordHash(user)).toBeUndefined();
      store.setPasswordHash(user, '$scrypt$one', '2025-01-01T00:00:00.000Z');
      store.setPasswordHash(user, '$scrypt$two', '2025-01-02T00:00:00.000Z');
      expect(store.passwordHash(user)).toBe('$scrypt$two');
    });

    it('stores a session with its first refresh token', () => {
      const s = session(unique('user'));
      const t = token(s);
      store.createSession(s, t);
      expect(store.session(s.familyId)).toEqual(s);
      expect(store.refreshToken(t.tokenHash)).toEqual(t);
      expect(store.refreshToken(unique('nope'))).toBeUndefined();
      expect(() => store.createSession(s, token(s))).toThrow();
    });

    it('rotates a refresh token once; a second rotation of the same token stores nothing', () => {
      const s = session(unique('user'));
      const first = token(s);
      store.createSession(s, first);
      const second = token(s, '2025-01-01T01:00:00.000Z');
      expect(store.rotate(first.tokenHash, '2025-01-01T01:00:00.000Z', second)).toBe(true);
      expect(store.refreshToken(first.tokenHash)?.usedAt).toBe('2025-01-01T01:00:00.000Z');
      expect(store.refreshToken(second.tokenHash)).toEqual(second);

      const third = token(s, '2025-01-01T02:00:00.000Z');
      expect(store.rotate(first.tokenHash, '2025-01-01T02:00:00.000Z', third)).toBe(false);
      expect(store.refreshToken(third.tokenHash)).toBeUndefined();
      expect(store.refreshToken(first.tokenHash)?.usedAt).toBe('2025-01-01T01:00:00.000Z');
      expect(store.rotate(unique('unknown'), '2025-01-01T02:00:00.000Z', token(s))).toBe(false);
    });

    it('revokes a session once, keeping the first reason and time', () => {
      const s = session(unique('user'));
      store.createSession(s, token(s));
      store.revokeSession(s.familyId, '2025-01-01T03:00:00.000Z', 'reuse_detected');
      store.revokeSession(s.familyId, '2025-01-01T04:00:00.000Z', 'logout');
      expect(store.session(s.familyId)).toMatchObject({ revokedAt: '2025-01-01T03:00:00.000Z', revokedReason: 'reuse_detected' });
    });

    it("revokes only the user's open sessions", () => {
      const user = unique('user');
      const other = unique('user');
      const [a, b, c, d] = [session(user), session(user), session(user), session(other)];
      for (const s of [a, b, c, d]) store.createSession(s, token(s));
      store.revokeSession(c.familyId, '2025-01-01T00:30:00.000Z', 'logout');
      expect(store.revokeUserSessions(user, '2025-01-01T01:00:00.000Z', 'password_changed')).toBe(2);
      expect(store.session(a.familyId)?.revokedReason).toBe('password_changed');
      expect(store.session(b.familyId)?.revokedReason).toBe('password_changed');
      expect(store.session(c.familyId)?.revokedReason).toBe('logout');
      expect(store.session(d.familyId)?.revokedAt).toBeUndefined();
    });

    it('counts failed logins per key and forgets them', () => {
      const key = unique('login');
      expect(store.loginAttempts(key)).toBeUndefined();
      store.setLoginAttempts(key, { failures: 1, firstFailureAt: '2025-01-01T00:00:00.000Z' });
      store.setLoginAttempts(key, { failures: 5, firstFailureAt: '2025-01-01T00:00:00.000Z', lockedUntil: '2025-01-01T00:15:00.000Z' });
      expect(store.loginAttempts(key)).toEqual({ failures: 5, firstFailureAt: '2025-01-01T00:00:00.000Z', lockedUntil: '2025-01-01T00:15:00.000Z' });
      store.setLoginAttempts(key, { failures: 1, firstFailureAt: '2025-01-01T01:00:00.000Z' });
      expect(store.loginAttempts(key)?.lockedUntil).toBeUndefined();
      store.clearLoginAttempts(key);
      expect(store.loginAttempts(key)).toBeUndefined();
    });

    it('purges sessions that ended, with their tokens, and keeps the rest', () => {
      const old = session(unique('user'), '2000-01-01T00:00:00.000Z');
      const live = session(unique('user'));
      const oldToken = token(old);
      const liveToken = token(live);
      store.createSession(old, oldToken);
      store.createSession(live, liveToken);
      expect(store.purgeExpired('2001-01-01T00:00:00.000Z')).toBeGreaterThanOrEqual(1);
      expect(store.session(old.familyId)).toBeUndefined();
      expect(store.refreshToken(oldToken.tokenHash)).toBeUndefined();
      expect(store.session(live.familyId)).toEqual(live);
      expect(store.refreshToken(liveToken.tokenHash)).toEqual(liveToken);
    });
  });
}
