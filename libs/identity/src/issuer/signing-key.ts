import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export type SigningAlgorithm = 'EdDSA' | 'RS256';

/** The algorithms access tokens may be signed with (anything else is refused on verification). */
export const ACCEPTED_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'RS256'];

export interface SigningKey {
  alg: SigningAlgorithm;
  /** RFC 7638 thumbprint of the public key */
  kid: string;
  privateKey: KeyObject;
  /** public half as published on /.well-known/jwks.json */
  publicJwk: JWK;
}

export interface JsonWebKeySet {
  keys: JWK[];
}

/**
 * The demo signing key of standalone mode (Ed25519). It is public, so it is refused in production:
 * the built-in issuer reads its key with `requireSecret('AUTH_SIGNING_KEY', DEMO_SIGNING_KEY_PEM)`.
 */
export const DEMO_SIGNING_KEY_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MC4CAQAwBQYDK2VwBCIEIPid3I6Iy+F2b3KclVFur28d2D6Z+N2koUOSr4EPjcja',
  '-----END PRIVATE KEY-----',
].join('\n');

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
function thumbprint(jwk: JWK): string {
  const members = jwk.kty === 'OKP' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x } : jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : undefined;
  if (!members) throw new Error(`unsupported key type ${String(jwk.kty)}`);
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function fromPrivateKey(privateKey: KeyObject): SigningKey {
  const type = privateKey.asymmetricKeyType;
  let alg: SigningAlgorithm;
  if (type === 'ed25519') alg = 'EdDSA';
  else if (type === 'rsa') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`RSA signing keys need at least 2048 bits, got ${bits}`);
    alg = 'RS256';
  } else throw new Error(`signing key must be Ed25519 or RSA, got ${String(type)}`);
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = thumbprint(publicJwk);
  return { alg, kid, privateKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

/** A signing key from a PKCS#8 PEM (Ed25519 → EdDSA, RSA ≥ 2048 bits → RS256). */
export function signingKeyFromPem(pem: string): SigningKey {
  return fromPrivateKey(createPrivateKey({ key: pem, format: 'pem' }));
}

/** A fresh key (tests, or a deployment that wants a new key on each start and accepts logouts). */
export function generateSigningKey(alg: SigningAlgorithm = 'EdDSA'): SigningKey {
  const { privateKey } = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return fromPrivateKey(privateKey);
}

/** The public key set to publish: the current key first, then keys still accepted after a rotation. */
export function publicJwks(current: SigningKey, previous: readonly JWK[] = []): JsonWebKeySet {
  return { keys: [current.publicJwk, ...previous] };
}
