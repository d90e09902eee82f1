/**
 * Authentication settings from the environment (or *_FILE files). The signing key is a secret:
 * `requireSecret` refuses a missing key or the demo key when NODE_ENV=production.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | FENGQIAO_MODE | standalone | standalone or distributed |
 * | AUTH_ISSUER | urn:fengqiao:standalone (standalone only) | `iss` of access tokens |
 * | AUTH_AUDIENCE | fengqiao | `aud` of access tokens |
 * | AUTH_BUILTIN_ISSUER | true in standalone, false in distributed | whether this process hosts the built-in issuer |
 * | AUTH_JWKS_URL | — (required in distributed mode unless this process hosts the issuer) | key set to verify tokens with |
 * | AUTH_SIGNING_KEY / AUTH_SIGNING_KEY_FILE | demo Ed25519 key, refused in production | PKCS#8 PEM, Ed25519 or RSA ≥ 2048 |
 * | AUTH_PREVIOUS_JWKS | — | JSON key set of retired keys still accepted |
 * | AUTH_ACCESS_TTL_SECONDS | 300 | access-token lifetime |
 * | AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS | 3600 | longest `exp` − `iat` a service accepts (any issuer); at least AUTH_ACCESS_TTL_SECONDS |
 * | AUTH_REFRESH_TTL_SECONDS | 28800 | refresh-token lifetime (idle timeout) |
 * | AUTH_SESSION_MAX_AGE_SECONDS | 43200 | absolute session lifetime |
 * | AUTH_LOCKOUT_MAX_FAILURES / _WINDOW_SECONDS / AUTH_LOCKOUT_SECONDS | 5 / 900 / 900 | login lockout |
 * | RATE_LIMIT_LOGIN_PER_MINUTE / RATE_LIMIT_INTAKE_PER_MINUTE / RATE_LIMIT_PETITION_PUBLIC_PER_MINUTE | 10 / 60 / 20 | rate limits |
 * | CONSOLE_ORIGIN | — (no cross-origin calls) | the web console's origin, the only one CORS allows |
 * | FENGQIAO_DATA_DIR | ./data | where the issuer keeps identity.sqlite |
 * | AUTH_DIRECTORY_EVENTS | true | distributed mode: the issuer's host publishes directory changes on `identity.directory.events.v1` and every other service follows them (set false everywhere with an external OIDC provider, which publishes none) |
 * | AUTH_DIRECTORY_WAIT_MS | 10000 | how long a following service waits for the directory version a token names before answering 503 |
 */
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { DEFAULT_LOCKOUT, DEMO_SIGNING_KEY_PEM, type LockoutPolicy } from '@fengqiao/identity';
import { ConfigError, requireSecret, type RunMode } from '../config/service-config';
import type { RateLimitName } from './decorators';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './rate-limit';

export interface AuthConfig {
  mode: RunMode;
  issuer: string;
  audience: string;
  /** whether this process runs the built-in issuer (login, refresh, logout, JWKS, directory) */
  hostIssuer: boolean;
  /** distributed services that do not host the issuer verify against this key set */
  jwksUrl?: string;
  /** PEM of the signing key, only where the issuer runs */
  signingKeyPem?: string;
  previousPublicKeys: JWK[];
  accessTokenTtlSeconds: number;
  /** access tokens whose lifetime (`exp` − `iat`) is longer are refused */
  maxAccessTokenLifetimeSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  lockout: LockoutPolicy;
  rateLimits: Record<RateLimitName, RateLimitSettings>;
  consoleOrigin?: string;
  /** distributed mode: this process (the issuer's host) publishes the directory's changes */
  publishDirectory: boolean;
  /** distributed mode: this process follows the published directory (it does not host the issuer) */
  followDirectory: boolean;
  /** a follower waits this long for the directory version a token names */
  directoryWaitMs: number;
  dataDir: string;
  production: boolean;
}

export const STANDALONE_ISSUER = 'urn:fengqiao:standalone';

function read(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function positive(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = read(name, env);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

function flag(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const raw = read(name, env);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
}

/**
 * This process's part in the directory events (distributed mode, AUTH_DIRECTORY_EVENTS): the
 * issuer's host publishes, every other service follows. Reads no secret, so it can be decided
 * when the modules are listed (the rest of the configuration is checked when the app starts).
 */
export function directoryEventsRole(env: NodeJS.ProcessEnv = process.env): 'publish' | 'follow' | 'none' {
  const mode = read('FENGQIAO_MODE', env) ?? 'standalone';
  if (mode !== 'distributed' || !flag('AUTH_DIRECTORY_EVENTS', true, env)) return 'none';
  return flag('AUTH_BUILTIN_ISSUER', false, env) ? 'publish' : 'follow';
}

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const mode = (read('FENGQIAO_MODE', env) ?? 'standalone') as RunMode;
  if (mode !== 'standalone' && mode !== 'distributed') throw new ConfigError(`FENGQIAO_MODE must be "standalone" or "distributed", got "${mode}"`);
  const hostIssuer = flag('AUTH_BUILTIN_ISSUER', mode === 'standalone', env);

  const issuer = read('AUTH_ISSUER', env) ?? (mode === 'standalone' ? STANDALONE_ISSUER : undefined);
  if (!issuer) throw new ConfigError('AUTH_ISSUER is required in distributed mode (the `iss` of the tokens, e.g. https://fengqiao.example/auth)');
  const jwksUrl = read('AUTH_JWKS_URL', env);
  if (jwksUrl) url('AUTH_JWKS_URL', jwksUrl);
  if (mode === 'distributed' && !hostIssuer && !jwksUrl) {
    throw new ConfigError('AUTH_JWKS_URL is required in distributed mode (e.g. http://analytics:3005/.well-known/jwks.json)');
  }

  let previousPublicKeys: JWK[] = [];
  const previous = read('AUTH_PREVIOUS_JWKS', env);
  if (previous) {
    try {
      const parsed = JSON.parse(previous) as { keys?: unknown };
      if (!Array.isArray(parsed.keys)) throw new Error('no keys');
      previousPublicKeys = parsed.keys as JWK[];
    } catch {
      throw new ConfigError('AUTH_PREVIOUS_JWKS must be a JSON key set: {"keys": [...]}');
    }
    if (previousPublicKeys.some((k) => 'd' in k)) throw new ConfigError('AUTH_PREVIOUS_JWKS must hold public keys only');
  }

  const consoleOrigin = read('CONSOLE_ORIGIN', env);
  if (consoleOrigin !== undefined) {
    const u = url('CONSOLE_ORIGIN', consoleOrigin);
    if (u.origin !== consoleOrigin.replace(/\/$/, ''))
      throw new ConfigError(`CONSOLE_ORIGIN must be an origin such as https://console.example, got "${consoleOrigin}"`);
  }

  const accessTokenTtlSeconds = positive('AUTH_ACCESS_TTL_SECONDS', 300, env);
  const maxAccessTokenLifetimeSeconds = positive('AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS', 3600, env);
  if (maxAccessTokenLifetimeSeconds < accessTokenTtlSeconds) {
    throw new ConfigError(
      `AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS (${maxAccessTokenLifetimeSeconds}) must be at least AUTH_ACCESS_TTL_SECONDS (${accessTokenTtlSeconds})`,
    );
  }

  const directoryEvents = directoryEventsRole(env);
  return {
    mode,
    issuer,
    publishDirectory: directoryEvents === 'publish',
    followDirectory: directoryEvents === 'follow',
    directoryWaitMs: positive('AUTH_DIRECTORY_WAIT_MS', 10_000, env),
    audience: read('AUTH_AUDIENCE', env) ?? 'fengqiao',
    hostIssuer,
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(hostIssuer ? { signingKeyPem: requireSecret('AUTH_SIGNING_KEY', DEMO_SIGNING_KEY_PEM, env) } : {}),
    previousPublicKeys,
    accessTokenTtlSeconds,
    maxAccessTokenLifetimeSeconds,
    refreshTokenTtlSeconds: positive('AUTH_REFRESH_TTL_SECONDS', 8 * 3600, env),
    sessionMaxAgeSeconds: positive('AUTH_SESSION_MAX_AGE_SECONDS', 12 * 3600, env),
    lockout: {
      maxFailures: positive('AUTH_LOCKOUT_MAX_FAILURES', DEFAULT_LOCKOUT.maxFailures, env),
      windowSeconds: positive('AUTH_LOCKOUT_WINDOW_SECONDS', DEFAULT_LOCKOUT.windowSeconds, env),
      lockSeconds: positive('AUTH_LOCKOUT_SECONDS', DEFAULT_LOCKOUT.lockSeconds, env),
    },
    rateLimits: {
      login: { limit: positive('RATE_LIMIT_LOGIN_PER_MINUTE', DEFAULT_RATE_LIMITS.login.limit, env), ttlSeconds: 60 },
      intake: { limit: positive('RATE_LIMIT_INTAKE_PER_MINUTE', DEFAULT_RATE_LIMITS.intake.limit, env), ttlSeconds: 60 },
      petition_public: { limit: positive('RATE_LIMIT_PETITION_PUBLIC_PER_MINUTE', DEFAULT_RATE_LIMITS.petition_public.limit, env), ttlSeconds: 60 },
    },
    ...(consoleOrigin ? { consoleOrigin: consoleOrigin.replace(/\/$/, '') } : {}),
    dataDir: read('FENGQIAO_DATA_DIR', env) ?? './data',
    production: env.NODE_ENV === 'production',
  };
}
