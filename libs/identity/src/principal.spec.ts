import { generateKeyPairSync } from 'node:crypto';
import { AuthenticationError } from './authentication-error';
import { CLAIM, claimsOf, principalFromClaims } from './principal';
import { generateSigningKey, signingKeyFromPem, DEMO_SIGNING_KEY_PEM } from './issuer/signing-key';
import { fixturePrincipal } from './testing/fixture-directory';

describe('access token claims', () => {
  it('round-trips every fixture principal', () => {
    for (const role of ['operator', 'auditor', 'admin'] as const) {
      const p = { ...fixturePrincipal(role), sessionId: 'sess-1' };
      expect(principalFromClaims({ sub: p.userId, ...claimsOf(p) })).toEqual(p);
    }
  });

  it("ignores roles the system does not know (an OIDC provider's own roles)", () => {
    const p = principalFromClaims({ sub: 'u', [CLAIM.unit]: 'v', [CLAIM.unitPath]: ['d', 'v'], [CLAIM.roles]: ['offline_access', 'operator', 'operator'] });
    expect(p.roles).toEqual(['operator']);
    expect(p.username).toBe('u');
    expect(p.directoryVersion).toBe(0);
  });

  it.each([
    ['no subject', { [CLAIM.unit]: 'v', [CLAIM.unitPath]: ['d', 'v'], [CLAIM.roles]: [] }],
    ['no unit', { sub: 'u', [CLAIM.unitPath]: ['d', 'v'], [CLAIM.roles]: [] }],
    ['a path not ending in the unit', { sub: 'u', [CLAIM.unit]: 'v', [CLAIM.unitPath]: ['d', 'x'], [CLAIM.roles]: [] }],
    ['a path that is not a list', { sub: 'u', [CLAIM.unit]: 'v', [CLAIM.unitPath]: 'd/v', [CLAIM.roles]: [] }],
    ['roles that are not a list', { sub: 'u', [CLAIM.unit]: 'v', [CLAIM.unitPath]: ['d', 'v'], [CLAIM.roles]: 'admin' }],
    ['a malformed audit scope', { sub: 'u', [CLAIM.unit]: 'v', [CLAIM.unitPath]: ['d', 'v'], [CLAIM.roles]: [], [CLAIM.auditScope]: { units: 'd' } }],
  ])('refuses a token with %s', (_what, payload) => {
    expect(() => principalFromClaims(payload)).toThrow(AuthenticationError);
  });
});

describe('signing keys', () => {
  it('reads Ed25519 and RSA PEMs and names each key by its thumbprint', () => {
    const demo = signingKeyFromPem(DEMO_SIGNING_KEY_PEM);
    expect(demo.alg).toBe('EdDSA');
    expect(demo.kid).toBe(signingKeyFromPem(DEMO_SIGNING_KEY_PEM).kid);
    expect(demo.kid).not.toBe(generateSigningKey().kid);
    const rsa = generateSigningKey('RS256');
    expect(rsa.alg).toBe('RS256');
    expect(rsa.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: rsa.kid });
    expect(rsa.publicJwk).not.toHaveProperty('d');
  });

  it('refuses RSA keys under 2048 bits and other key types', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signingKeyFromPem(small)).toThrow(/2048/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signingKeyFromPem(ec)).toThrow(/Ed25519 or RSA/);
  });
});
