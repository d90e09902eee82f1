import { ServiceUnavailableException } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { systemClock, type Clock } from '@fengqiao/kernel';
import { ACCEPTED_ALGORITHMS, AuthenticationError, principalFromClaims, type DirectorySnapshot, type JsonWebKeySet, type Principal } from '@fengqiao/identity';

/** The directory a verifier checks subjects against: the live one (its versions and the state now). */
export interface SubjectDirectory {
  readonly version: number;
  asOf(version: number): DirectorySnapshot;
  current(): DirectorySnapshot;
  /** resolves true once the directory has reached `version` (a follower of the published changes) */
  reached?(version: number, timeoutMs: number): Promise<boolean>;
}

export interface TokenVerifierOptions {
  /** expected `iss` */
  issuer: string;
  /** expected `aud` */
  audience: string;
  /** a local key set (standalone: the built-in issuer's), or the URL of a remote JWKS (distributed) */
  keys: JsonWebKeySet | URL;
  clock?: Clock;
  /** allowed clock skew between issuer and service, seconds (default 30) */
  clockToleranceSeconds?: number;
  /** in-process revocation check of the built-in issuer (logout takes effect at once) */
  isSessionRevoked?: (sessionId: string) => boolean;
  /**
   * Longest lifetime (`exp` − `iat`) an access token may have, seconds: a token issued for longer
   * is refused whatever its signature (a leaked demo key cannot mint year-long tokens). Default:
   * no limit (the config always sets one: AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS).
   */
  maxLifetimeSeconds?: number;
  /**
   * The live directory, where this process has it: the token's subject must exist and be active
   * in the directory version the token names (`fq_dir_ver`), and still be active now (a user
   * deactivated since is refused at once, not when the token expires).
   */
  directory?: SubjectDirectory;
  /**
   * Set where the directory is a follower of the published changes (distributed services that do
   * not host the issuer): a token naming a version the follower has not reached yet waits up to
   * this long for it (a user created a moment ago), then gets 503 `AUTH.DIRECTORY_BEHIND`.
   */
  directoryWaitMs?: number;
}

/**
 * Verifies bearer access tokens: signature (EdDSA or RS256, key chosen by `kid` from the key set),
 * `iss`, `aud`, `exp` (with a small tolerance), then reads the principal from the claims.
 */
/** How many verified tokens are remembered (about one per signed-in user of a district). */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly clock: Clock;
  /**
   * Claims of tokens whose signature, issuer and audience were verified, by token: a signature
   * check (EdDSA or RS256) costs more than the rest of a small request, and a client sends the same
   * token with every request. Time-dependent claims (`exp`, `nbf`), the lifetime, revocation and
   * the directory are checked again on every request; an entry whose time claims no longer hold is
   * dropped and the token verified in full (which refuses it with the usual error).
   */
  private readonly verified = new Map<string, JWTPayload>();

  constructor(private readonly options: TokenVerifierOptions) {
    this.keys =
      options.keys instanceof URL
        ? createRemoteJWKSet(options.keys, { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 })
        : createLocalJWKSet(options.keys);
    this.clock = options.clock ?? systemClock;
  }

  /** Throws AuthenticationError (→ 401), or 503 when the remote key set cannot be fetched. */
  async verify(token: string): Promise<Principal> {
    const payload = this.remembered(token) ?? (await this.verifySignature(token));
    this.checkLifetime(payload.iat, payload.exp as number);
    const principal = principalFromClaims(payload);
    if (principal.sessionId && this.options.isSessionRevoked?.(principal.sessionId)) throw new AuthenticationError('AUTH.SESSION_REVOKED');
    const directory = this.options.directory;
    if (directory) {
      const wait = this.options.directoryWaitMs;
      if (
        wait !== undefined &&
        directory.reached &&
        principal.directoryVersion > directory.version &&
        !(await directory.reached(principal.directoryVersion, wait))
      ) {
        throw new ServiceUnavailableException({ code: 'AUTH.DIRECTORY_BEHIND', message: '本服务的人员目录尚未同步到登录凭证的版本，请稍后重试' });
      }
      checkSubject(directory, principal);
    }
    return principal;
  }

  /** Signature, `iss`, `aud`, `exp`, `nbf` (jose); remembers the claims of a token that passes. */
  private async verifySignature(token: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...ACCEPTED_ALGORITHMS],
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        currentDate: this.clock.now(),
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new AuthenticationError('AUTH.TOKEN_EXPIRED');
      if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || !(e instanceof errors.JOSEError)) {
        throw new ServiceUnavailableException({ code: 'AUTH.KEYS_UNAVAILABLE', message: '暂时无法校验登录凭证，请稍后重试' });
      }
      throw new AuthenticationError('AUTH.TOKEN_INVALID');
    }
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, payload);
    return payload;
  }

  /** The claims of a token verified before, while its `exp` and `nbf` still hold (jose's rule and tolerance). */
  private remembered(token: string): JWTPayload | undefined {
    const payload = this.verified.get(token);
    if (!payload) return undefined;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const tolerance = this.options.clockToleranceSeconds ?? 30;
    if (typeof payload.exp === 'number' && payload.exp > now - tolerance && (payload.nbf === undefined || payload.nbf <= now + tolerance)) return payload;
    this.verified.delete(token);
    return undefined;
  }

  /** `exp` − `iat` (or − now, without `iat`) within the maximum; an `iat` in the future is not a token we issued. */
  private checkLifetime(iat: number | undefined, exp: number): void {
    const max = this.options.maxLifetimeSeconds;
    if (max === undefined) return;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const tolerance = this.options.clockToleranceSeconds ?? 30;
    if (iat !== undefined && (!Number.isFinite(iat) || iat > now + tolerance)) throw new AuthenticationError('AUTH.TOKEN_INVALID');
    const issuedAt = iat ?? now;
    if (exp - issuedAt > max + tolerance) throw new AuthenticationError('AUTH.TOKEN_LIFETIME_EXCEEDED');
  }
}

/**
 * The subject of a token in the directory: it must exist and be active in the version the token
 * names (when this directory has reached it; a newer version is checked against the state now),
 * and be active now.
 */
export function checkSubject(directory: SubjectDirectory, principal: Principal): void {
  const named = principal.directoryVersion;
  const then = named >= 1 && named <= directory.version ? directory.asOf(named) : directory.current();
  const user = then.user(principal.userId);
  if (!user) throw new AuthenticationError('AUTH.USER_UNKNOWN');
  if (user.disabled) throw new AuthenticationError('AUTH.USER_DISABLED');
  const now = directory.current().user(principal.userId);
  if (!now) throw new AuthenticationError('AUTH.USER_UNKNOWN');
  if (now.disabled) throw new AuthenticationError('AUTH.USER_DISABLED');
}
