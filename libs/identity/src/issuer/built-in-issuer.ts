/**
 * The built-in token issuer (standalone mode and small deployments; DESIGN §7).
 *
 * - Login: username + password checked against a scrypt hash; the same answer, after the same
 *   work, for an unknown user, a wrong password and a disabled account.
 * - Lockout: after `maxFailures` failures within `windowSeconds` the username is locked for
 *   `lockSeconds`; while locked even the right password is refused.
 * - Access tokens: short-lived JWTs (EdDSA or RS256) with the principal's roles, unit and unit path.
 * - Refresh tokens: opaque, single use, stored only as SHA-256. Each refresh returns a new one in the
 *   same family (the login session). Presenting a token that was already exchanged revokes the whole
 *   family: whoever holds the newer token (the user or a thief) must log in again.
 * - Logout revokes the family; `isSessionRevoked` lets an in-process guard refuse its access tokens
 *   at once (other processes refuse them when they expire, after `accessTokenTtlSeconds`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import pino from 'pino';
import { newId, systemClock, type Clock } from '@fengqiao/kernel';
import { AuthenticationError } from '../authentication-error';
import { normaliseUsername, type Directory } from '../directory/directory';
import { claimsOf, principalOf, type Principal } from '../principal';
import type { AuthStore, RefreshTokenRecord, RevocationReason } from './auth-store';
import { checkPasswordPolicy, DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password';
import { publicJwks, type JsonWebKeySet, type SigningKey } from './signing-key';
import type { JWK } from 'jose';

export interface LockoutPolicy {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/** 5 failures within 15 minutes lock the username for 15 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

/** The subset of a pino logger the issuer writes to. Never passwords, tokens or parties' data. */
export interface IssuerLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface BuiltInIssuerOptions {
  /** `iss` of every token, e.g. `https://fengqiao.example.gov.cn/auth` */
  issuer: string;
  /** `aud` of every token, e.g. `fengqiao` */
  audience: string;
  signingKey: SigningKey;
  /** public keys of earlier signing keys still published after a rotation */
  previousPublicKeys?: JWK[];
  directory: Directory;
  store: AuthStore;
  clock?: Clock;
  /** default 300 (5 minutes) */
  accessTokenTtlSeconds?: number;
  /** lifetime of one refresh token (idle timeout), default 8 hours */
  refreshTokenTtlSeconds?: number;
  /** absolute lifetime of a login session, default 12 hours */
  sessionMaxAgeSeconds?: number;
  lockout?: LockoutPolicy;
  scrypt?: ScryptParams;
  logger?: IssuerLogger;
}

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  /** seconds */
  expiresIn: number;
  refreshToken: string;
  /** seconds until this refresh token expires */
  refreshExpiresIn: number;
}

/** Some hash to burn the same scrypt time on when the user is unknown (no timing oracle). */
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();

export class BuiltInIssuer {
  readonly issuer: string;
  readonly audience: string;
  private readonly clock: Clock;
  private readonly accessTtl: number;
  private readonly refreshTtl: number;
  private readonly sessionMaxAge: number;
  private readonly lockout: LockoutPolicy;
  private readonly scrypt: ScryptParams;
  private readonly logger: IssuerLogger;
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly options: BuiltInIssuerOptions) {
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.clock = options.clock ?? systemClock;
    this.accessTtl = options.accessTokenTtlSeconds ?? 300;
    this.refreshTtl = options.refreshTokenTtlSeconds ?? 8 * 3600;
    this.sessionMaxAge = options.sessionMaxAgeSeconds ?? 12 * 3600;
    this.lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
    this.logger = options.logger ?? pino({ base: { component: 'identity' } });
    for (const [name, v] of Object.entries({ accessTtl: this.accessTtl, refreshTtl: this.refreshTtl, sessionMaxAge: this.sessionMaxAge })) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`BuiltInIssuer: ${name} must be a positive whole number of seconds`);
    }
  }

  get directory(): Directory {
    return this.options.directory;
  }

  /** The issuer's clock (directory changes made through it are dated by it). */
  now(): Date {
    return this.clock.now();
  }

  /** The key set to publish at `/.well-known/jwks.json`. */
  jwks(): JsonWebKeySet {
    return publicJwks(this.options.signingKey, this.options.previousPublicKeys);
  }

  /** Signs an access token for a principal (login, refresh, and test fixtures). */
  async issueAccessToken(principal: Principal): Promise<{ token: string; expiresIn: number }> {
    const key = this.options.signingKey;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new SignJWT(claimsOf(principal))
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(principal.userId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.accessTtl)
      .setJti(newId())
      .sign(key.privateKey);
    return { token, expiresIn: this.accessTtl };
  }

  async login(username: string, password: string): Promise<TokenPair> {
    const key = normaliseUsername(typeof username === 'string' ? username : '');
    const lockedFor = this.lockedSeconds(key);
    if (lockedFor > 0) throw new AuthenticationError('AUTH.LOCKED', lockedFor);

    const user = this.directory.current().userByUsername(key);
    const stored = user ? this.options.store.passwordHash(user.id) : undefined;
    const matches = await verifyPassword(typeof password === 'string' ? password : '', stored ?? (await this.dummy()));
    if (!user || !stored || !matches || user.disabled) {
      this.recordFailure(key, user?.id);
      const nowLocked = this.lockedSeconds(key);
      if (nowLocked > 0) throw new AuthenticationError('AUTH.LOCKED', nowLocked);
      throw new AuthenticationError('AUTH.BAD_CREDENTIALS');
    }
    this.options.store.clearLoginAttempts(key);
    if (needsRehash(stored, this.scrypt)) {
      this.options.store.setPasswordHash(user.id, await hashPassword(password, this.scrypt), this.clock.now().toISOString());
    }
    const now = this.clock.now().getTime();
    const familyId = newId();
    const refresh = this.newRefreshToken(familyId, user.id, now);
    this.options.store.createSession({ familyId, userId: user.id, createdAt: iso(now), expiresAt: iso(now + this.sessionMaxAge * 1000) }, refresh.record);
    this.logger.info({ event: 'auth.login', userId: user.id, sessionId: familyId }, 'login');
    return this.pair(principalOf(user, this.directory.current(), familyId), refresh);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const store = this.options.store;
    const record = typeof refreshToken === 'string' ? store.refreshToken(sha256(refreshToken)) : undefined;
    if (!record) throw new AuthenticationError('AUTH.REFRESH_INVALID');
    const session = store.session(record.familyId);
    const now = this.clock.now().getTime();
    if (!session || session.revokedAt !== undefined) throw new AuthenticationError('AUTH.REFRESH_REVOKED');
    if (record.usedAt !== undefined) return this.reuseDetected(record);
    if (record.expiresAt <= iso(now) || session.expiresAt <= iso(now)) throw new AuthenticationError('AUTH.REFRESH_EXPIRED');

    const user = this.directory.current().user(record.userId);
    if (!user || user.disabled) {
      store.revokeSession(record.familyId, iso(now), 'user_disabled');
      throw new AuthenticationError('AUTH.USER_DISABLED');
    }
    const next = this.newRefreshToken(record.familyId, user.id, now, session.expiresAt);
    if (!store.rotate(record.tokenHash, iso(now), next.record)) return this.reuseDetected(record);
    return this.pair(principalOf(user, this.directory.current(), record.familyId), next);
  }

  /** Revokes the session of a refresh token. Returns false when the token is unknown. */
  logout(refreshToken: string): boolean {
    const record = typeof refreshToken === 'string' ? this.options.store.refreshToken(sha256(refreshToken)) : undefined;
    if (!record) return false;
    this.options.store.revokeSession(record.familyId, this.clock.now().toISOString(), 'logout');
    this.logger.info({ event: 'auth.logout', userId: record.userId, sessionId: record.familyId }, 'logout');
    return true;
  }

  /** Whether access tokens of this session must be refused now (logged out, revoked, ended, unknown). */
  isSessionRevoked(sessionId: string): boolean {
    const session = this.options.store.session(sessionId);
    return !session || session.revokedAt !== undefined || session.expiresAt <= this.clock.now().toISOString();
  }

  /** Sets a user's password (policy checked) and ends the user's open sessions. */
  async setPassword(userId: string, password: string): Promise<void> {
    checkPasswordPolicy(password);
    const hash = await hashPassword(password, this.scrypt);
    const at = this.clock.now().toISOString();
    this.options.store.setPasswordHash(userId, hash, at);
    this.revokeUser(userId, 'password_changed');
  }

  /** Ends every open session of a user (disabled account, stolen device). */
  revokeUser(userId: string, reason: RevocationReason): number {
    const n = this.options.store.revokeUserSessions(userId, this.clock.now().toISOString(), reason);
    if (n > 0) this.logger.info({ event: 'auth.sessions_revoked', userId, sessions: n, reason }, 'sessions revoked');
    return n;
  }

  private reuseDetected(record: RefreshTokenRecord): never {
    this.options.store.revokeSession(record.familyId, this.clock.now().toISOString(), 'reuse_detected');
    this.logger.warn(
      { event: 'auth.refresh_reuse', userId: record.userId, sessionId: record.familyId },
      'a rotated refresh token was used again; the whole session is revoked',
    );
    throw new AuthenticationError('AUTH.REFRESH_REUSED');
  }

  private newRefreshToken(familyId: string, userId: string, nowMs: number, sessionEnd?: string) {
    const token = randomBytes(32).toString('base64url');
    let expiresMs = nowMs + this.refreshTtl * 1000;
    if (sessionEnd !== undefined) expiresMs = Math.min(expiresMs, Date.parse(sessionEnd));
    const record: RefreshTokenRecord = { tokenHash: sha256(token), familyId, userId, issuedAt: iso(nowMs), expiresAt: iso(expiresMs) };
    return { token, record };
  }

  private async pair(principal: Principal, refresh: { token: string; record: RefreshTokenRecord }): Promise<TokenPair> {
    const access = await this.issueAccessToken(principal);
    const now = this.clock.now().getTime();
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      refreshExpiresIn: Math.max(0, Math.floor((Date.parse(refresh.record.expiresAt) - now) / 1000)),
    };
  }

  /** Seconds the username stays locked, 0 when it is not. */
  private lockedSeconds(key: string): number {
    const lockedUntil = this.options.store.loginAttempts(key)?.lockedUntil;
    if (!lockedUntil) return 0;
    return Math.max(0, Math.ceil((Date.parse(lockedUntil) - this.clock.now().getTime()) / 1000));
  }

  private recordFailure(key: string, userId: string | undefined): void {
    const now = this.clock.now().getTime();
    const previous = this.options.store.loginAttempts(key);
    const fresh =
      !previous ||
      Date.parse(previous.firstFailureAt) + this.lockout.windowSeconds * 1000 <= now ||
      (previous.lockedUntil !== undefined && Date.parse(previous.lockedUntil) <= now);
    const failures = fresh ? 1 : previous.failures + 1;
    const firstFailureAt = fresh ? iso(now) : previous.firstFailureAt;
    const locks = failures >= this.lockout.maxFailures;
    this.options.store.setLoginAttempts(key, { failures, firstFailureAt, ...(locks ? { lockedUntil: iso(now + this.lockout.lockSeconds * 1000) } : {}) });
    if (locks) {
      // the login name is not logged: it may be mistyped personal data; the user id is, when known
      this.logger.warn({ event: 'auth.lockout', userId: userId ?? null, failures, lockSeconds: this.lockout.lockSeconds }, 'login locked');
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.scrypt);
    return this.dummyHash;
  }
}
