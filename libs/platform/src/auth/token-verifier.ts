import { ServiceUnavailableException } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { systemClock, type Clock } from '@fengqiao/kernel';
import { ACCEPTED_ALGORITHMS, AuthenticationError, principalFromClaims, type JsonWebKeySet, type Principal } from '@fengqiao/identity';

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
}

/**
 * Verifies bearer access tokens: signature (EdDSA or RS256, key chosen by `kid` from the key set),
 * `iss`, `aud`, `exp` (with a small tolerance), then reads the principal from the claims.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly clock: Clock;

  constructor(private readonly options: TokenVerifierOptions) {
    this.keys =
      options.keys instanceof URL
        ? createRemoteJWKSet(options.keys, { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 })
        : createLocalJWKSet(options.keys);
    this.clock = options.clock ?? systemClock;
  }

  /** Throws AuthenticationError (→ 401), or 503 when the remote key set cannot be fetched. */
  async verify(token: string): Promise<Principal> {
    let payload;
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
    const principal = principalFromClaims(payload);
    if (principal.sessionId && this.options.isSessionRevoked?.(principal.sessionId)) throw new AuthenticationError('AUTH.SESSION_REVOKED');
    return principal;
  }
}
