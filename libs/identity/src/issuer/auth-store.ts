/**
 * State of the built-in issuer: password hashes, login sessions (refresh-token families) and
 * failed-login counters. One port, two adapters (memory for tests, node:sqlite for standalone and
 * for the distributed issuer host), one contract suite (src/testing/auth-store.contract.ts).
 * Times are ISO-8601 strings from `Date.toISOString()`, so they compare as strings.
 */

export type RevocationReason = 'logout' | 'reuse_detected' | 'user_disabled' | 'password_changed' | 'admin';

/** A refresh token as stored: only its SHA-256, never the token. */
export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  issuedAt: string;
  expiresAt: string;
  /** set when the token was exchanged for its successor; a second use is a reuse */
  usedAt?: string;
}

/** A login session: the family of refresh tokens descending from one login. */
export interface SessionFamily {
  familyId: string;
  userId: string;
  createdAt: string;
  /** absolute end of the session, however often it is refreshed */
  expiresAt: string;
  revokedAt?: string;
  revokedReason?: RevocationReason;
}

export interface LoginAttempts {
  failures: number;
  /** start of the counting window */
  firstFailureAt: string;
  lockedUntil?: string;
}

export interface AuthStore {
  passwordHash(userId: string): string | undefined;
  setPasswordHash(userId: string, hash: string, at: string): void;

  /** Stores a new session with its first refresh token. */
  createSession(session: SessionFamily, first: RefreshTokenRecord): void;
  session(familyId: string): SessionFamily | undefined;
  refreshToken(tokenHash: string): RefreshTokenRecord | undefined;
  /**
   * Atomically marks `tokenHash` used and stores `next` in the same family. Returns false, storing
   * nothing, when the token was used already (a reuse, or a lost race with a concurrent refresh).
   */
  rotate(tokenHash: string, at: string, next: RefreshTokenRecord): boolean;
  /** Revokes a session (idempotent: the first reason and time stay). */
  revokeSession(familyId: string, at: string, reason: RevocationReason): void;
  /** Revokes every open session of a user; returns how many. */
  revokeUserSessions(userId: string, at: string, reason: RevocationReason): number;

  loginAttempts(key: string): LoginAttempts | undefined;
  setLoginAttempts(key: string, attempts: LoginAttempts): void;
  clearLoginAttempts(key: string): void;

  /** Deletes sessions and tokens that ended before `before`; returns how many sessions. */
  purgeExpired(before: string): number;
  close(): void;
}

export class MemoryAuthStore implements AuthStore {
  private readonly passwords = new Map<string, string>();
  private readonly sessions = new Map<string, SessionFamily>();
  private readonly tokens = new Map<string, RefreshTokenRecord>();
  private readonly attempts = new Map<string, LoginAttempts>();

  passwordHash(userId: string): string | undefined {
    return this.passwords.get(userId);
  }
  setPasswordHash(userId: string, hash: string, _at: string): void {
    this.passwords.set(userId, hash);
  }
  createSession(session: SessionFamily, first: RefreshTokenRecord): void {
    if (this.sessions.has(session.familyId)) throw new Error(`session ${session.familyId} exists`);
    if (this.tokens.has(first.tokenHash)) throw new Error('refresh token hash collision');
    this.sessions.set(session.familyId, { ...session });
    this.tokens.set(first.tokenHash, { ...first });
  }
  session(familyId: string): SessionFamily | undefined {
    const s = this.sessions.get(familyId);
    return s && { ...s };
  }
  refreshToken(tokenHash: string): RefreshTokenRecord | undefined {
    const t = this.tokens.get(tokenHash);
    return t && { ...t };
  }
  rotate(tokenHash: string, at: string, next: RefreshTokenRecord): boolean {
    const t = this.tokens.get(tokenHash);
    if (!t || t.usedAt !== undefined || this.tokens.has(next.tokenHash)) return false;
    this.tokens.set(tokenHash, { ...t, usedAt: at });
    this.tokens.set(next.tokenHash, { ...next });
    return true;
  }
  revokeSession(familyId: string, at: string, reason: RevocationReason): void {
    const s = this.sessions.get(familyId);
    if (s && s.revokedAt === undefined) this.sessions.set(familyId, { ...s, revokedAt: at, revokedReason: reason });
  }
  revokeUserSessions(userId: string, at: string, reason: RevocationReason): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.userId === userId && s.revokedAt === undefined) {
        this.revokeSession(s.familyId, at, reason);
        n++;
      }
    }
    return n;
  }
  loginAttempts(key: string): LoginAttempts | undefined {
    const a = this.attempts.get(key);
    return a && { ...a };
  }
  setLoginAttempts(key: string, attempts: LoginAttempts): void {
    this.attempts.set(key, { ...attempts });
  }
  clearLoginAttempts(key: string): void {
    this.attempts.delete(key);
  }
  purgeExpired(before: string): number {
    let n = 0;
    for (const s of [...this.sessions.values()]) {
      if (s.expiresAt < before) {
        this.sessions.delete(s.familyId);
        for (const [hash, t] of this.tokens) if (t.familyId === s.familyId) this.tokens.delete(hash);
        n++;
      }
    }
    return n;
  }
  close(): void {
    // nothing to release
  }
}
