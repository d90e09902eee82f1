import type { Type } from '@nestjs/common';
import type { Clock } from '@fengqiao/kernel';
import type { JsonWebKeySet } from '@fengqiao/identity';
import type { RateLimitName } from './decorators';
import type { RateLimitSettings } from './rate-limit';

interface CommonAuthOptions {
  /** expected `iss` of access tokens */
  issuer: string;
  /** expected `aud` of access tokens */
  audience: string;
  clock?: Clock;
  /** allowed skew between the issuer's clock and ours, seconds (default 30) */
  clockToleranceSeconds?: number;
  /** longest access-token lifetime (`exp` − `iat`) accepted, seconds; default: no limit */
  maxTokenLifetimeSeconds?: number;
  /** distributed services following the published directory wait this long for the version a token names (default 10 000 ms) */
  directoryWaitMs?: number;
  /** controllers answering without a token; default: the platform's HealthController */
  publicControllers?: Type<unknown>[];
  rateLimits?: Partial<Record<RateLimitName, RateLimitSettings>>;
}

/**
 * - standalone: tokens are checked against a local key set; without `keys`, against the built-in
 *   issuer of this process (IdentityModule), whose logouts then take effect at once;
 * - distributed: against the JWKS at `jwksUrl` (the issuer host's `/.well-known/jwks.json`, or an
 *   OIDC provider's, e.g. Keycloak's `…/realms/<realm>/protocol/openid-connect/certs`).
 */
export type AuthModuleOptions = CommonAuthOptions & ({ mode: 'standalone'; keys?: JsonWebKeySet } | { mode: 'distributed'; jwksUrl: string });

export interface ResolvedAuthOptions {
  options: AuthModuleOptions;
  publicControllers: Type<unknown>[];
  rateLimits: Record<RateLimitName, RateLimitSettings>;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
