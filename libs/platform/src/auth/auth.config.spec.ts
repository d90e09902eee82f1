import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SIGNING_KEY_PEM, generateSigningKey } from '@fengqiao/identity';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../config/service-config';
import { loadAuthConfig, STANDALONE_ISSUER } from './auth.config';
import { authImports } from './identity.module';
import { startTestApp } from './testing/test-app';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('auth configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fq-auth-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs standalone with the built-in issuer and the demo key outside production', () => {
    const c = loadAuthConfig({});
    expect(c).toMatchObject({ mode: 'standalone', hostIssuer: true, issuer: STANDALONE_ISSUER, audience: 'fengqiao', signingKeyPem: DEMO_SIGNING_KEY_PEM });
    expect(c.accessTokenTtlSeconds).toBe(300);
    expect(c.lockout).toEqual({ maxFailures: 5, windowSeconds: 900, lockSeconds: 900 });
    expect(c.rateLimits.login).toEqual({ limit: 10, ttlSeconds: 60 });
    expect(c.consoleOrigin).toBeUndefined();
  });

  it('refuses to run in production without a signing key, or with the demo key', () => {
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SIGNING_KEY must be set/);
    expect(() => loadAuthConfig({ NODE_ENV: 'production', AUTH_SIGNING_KEY: DEMO_SIGNING_KEY_PEM })).toThrow(/demo value/);
  });

  it('reads the key from a file in production', () => {
    const file = join(dir, 'signing.pem');
    const key = pem();
    writeFileSync(file, key);
    expect(loadAuthConfig({ NODE_ENV: 'production', AUTH_SIGNING_KEY_FILE: file }).signingKeyPem).toBe(key.trim());
  });

  it('needs an issuer and a key set in distributed mode, and no signing key where the issuer does not run', () => {
    expect(() => loadAuthConfig({ FENGQIAO_MODE: 'distributed' })).toThrow(/AUTH_ISSUER is required/);
    expect(() => loadAuthConfig({ FENGQIAO_MODE: 'distributed', AUTH_ISSUER: 'https://fq.example/auth' })).toThrow(/AUTH_JWKS_URL is required/);
    const verifier = loadAuthConfig({
      NODE_ENV: 'production',
      FENGQIAO_MODE: 'distributed',
      AUTH_ISSUER: 'https://fq.example/auth',
      AUTH_JWKS_URL: 'http://analytics:3005/.well-known/jwks.json',
    });
    expect(verifier).toMatchObject({ hostIssuer: false, jwksUrl: 'http://analytics:3005/.well-known/jwks.json' });
    expect(verifier.signingKeyPem).toBeUndefined();
    const host = loadAuthConfig({ FENGQIAO_MODE: 'distributed', AUTH_ISSUER: 'https://fq.example/auth', AUTH_BUILTIN_ISSUER: 'true' });
    expect(host.hostIssuer).toBe(true);
  });

  it('limits the access-token lifetime every service accepts, never below the lifetime it issues', () => {
    expect(loadAuthConfig({}).maxAccessTokenLifetimeSeconds).toBe(3600);
    expect(loadAuthConfig({ AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS: '900' }).maxAccessTokenLifetimeSeconds).toBe(900);
    expect(() => loadAuthConfig({ AUTH_ACCESS_TTL_SECONDS: '600', AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS: '300' })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ AUTH_MAX_ACCESS_TOKEN_LIFETIME_SECONDS: 'forever' })).toThrow(ConfigError);
  });

  it('checks the console origin, the numbers and the retired key set', () => {
    expect(loadAuthConfig({ CONSOLE_ORIGIN: 'https://console.fq.example/' }).consoleOrigin).toBe('https://console.fq.example');
    expect(() => loadAuthConfig({ CONSOLE_ORIGIN: 'https://console.fq.example/app' })).toThrow(/CONSOLE_ORIGIN/);
    expect(() => loadAuthConfig({ CONSOLE_ORIGIN: 'console' })).toThrow(/CONSOLE_ORIGIN/);
    expect(() => loadAuthConfig({ AUTH_ACCESS_TTL_SECONDS: '-5' })).toThrow(/AUTH_ACCESS_TTL_SECONDS/);
    expect(() => loadAuthConfig({ AUTH_BUILTIN_ISSUER: 'maybe' })).toThrow(/AUTH_BUILTIN_ISSUER/);
    const retired = generateSigningKey();
    expect(loadAuthConfig({ AUTH_PREVIOUS_JWKS: JSON.stringify({ keys: [retired.publicJwk] }) }).previousPublicKeys).toEqual([retired.publicJwk]);
    const privateJwk = retired.privateKey.export({ format: 'jwk' });
    expect(() => loadAuthConfig({ AUTH_PREVIOUS_JWKS: JSON.stringify({ keys: [privateJwk] }) })).toThrow(/public keys only/);
  });

  it('an app with the auth modules refuses to start in production with the demo key', async () => {
    const env = { NODE_ENV: 'production', AUTH_SIGNING_KEY: DEMO_SIGNING_KEY_PEM, FENGQIAO_DATA_DIR: join(dir, 'prod-data') };
    await expect(startTestApp(authImports(env))).rejects.toThrow(/demo value/);
  });

  it('an app with the auth modules starts with a real key and hosts the issuer on SQLite', async () => {
    const env = { NODE_ENV: 'production', AUTH_SIGNING_KEY: pem(), FENGQIAO_DATA_DIR: join(dir, 'real-data') };
    const t = await startTestApp(authImports(env));
    try {
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kty: string }[] };
      expect(jwks.keys.map((k) => k.kty)).toEqual(['OKP']);
      expect((await fetch(`${t.url}/auth/me`)).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
