/**
 * Signed checkpoints of the Merkle log (DESIGN §4): {origin, treeSize, rootHash, timestamp, keyId}
 * signed with Ed25519 through `node:crypto`.
 *
 * - Signed bytes: "fengqiao/merkle-checkpoint/v1\n" + RFC 8785 canonical JSON of the checkpoint,
 *   so the signature does not depend on key order or whitespace of whoever re-serialises it.
 * - keyId: the RFC 7638 JWK thumbprint (SHA-256, base64url) of the Ed25519 public key, so anyone
 *   holding the public key can recompute the id, and a checkpoint cannot name a different key.
 * - Export: JSON with the checkpoint, its signature and the public key as a JWK; public keys are
 *   also exported as a JWK Set. An auditor verifies offline against a key (set) they trust:
 *   the key inside an export proves nothing by itself, only that it matches `keyId`.
 */
import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { HASH_SIZE, fromHex } from './merkle-hash';

export interface Checkpoint {
  /** Which log this is (e.g. `fengqiao/district-310105/event-store`): a checkpoint of one log cannot pass for another's. */
  origin: string;
  treeSize: number;
  /** MTH of the first `treeSize` leaves, hex. */
  rootHash: string;
  /** When the checkpoint was signed, ISO-8601. */
  timestamp: string;
  /** RFC 7638 thumbprint of the signing key. */
  keyId: string;
}

export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  /** Ed25519 signature over the signed bytes, base64url. */
  signature: string;
}

/** Public Ed25519 key as a JWK (RFC 8037), with `kid` = RFC 7638 thumbprint. */
export interface CheckpointPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface CheckpointKeySet {
  keys: CheckpointPublicJwk[];
}

export const CHECKPOINT_EXPORT_FORMAT = 'fengqiao/merkle-checkpoint/v1';
const SIGNING_CONTEXT = `${CHECKPOINT_EXPORT_FORMAT}\n`;

/** The exported, self-describing form of a signed checkpoint. */
export interface ExportedCheckpoint extends SignedCheckpoint {
  format: typeof CHECKPOINT_EXPORT_FORMAT;
  publicKey: CheckpointPublicJwk;
}

export type CheckpointVerificationFailure = 'MALFORMED' | 'UNKNOWN_KEY' | 'KEY_ID_MISMATCH' | 'BAD_SIGNATURE';

export type CheckpointVerification = { ok: true } | { ok: false; reason: CheckpointVerificationFailure; detail: string };

/** The bytes that are signed for a checkpoint. */
export function checkpointSigningBytes(checkpoint: Checkpoint): Buffer {
  const body: Checkpoint = {
    origin: checkpoint.origin,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    timestamp: checkpoint.timestamp,
    keyId: checkpoint.keyId,
  };
  const json = canonicalize(body);
  if (json === undefined) throw new TypeError('checkpoint cannot be canonicalised');
  return Buffer.from(SIGNING_CONTEXT + json, 'utf8');
}

function assertEd25519(key: KeyObject, type: 'public' | 'private'): void {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 ${type} key, got ${key.type} ${key.asymmetricKeyType ?? ''}`);
  }
}

/** RFC 7638 thumbprint of an Ed25519 public key: base64url(SHA-256({"crv","kty","x"} canonical)). */
export function ed25519KeyId(publicKey: KeyObject): string {
  assertEd25519(publicKey, 'public');
  const jwk = publicKey.export({ format: 'jwk' });
  const required = canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  if (required === undefined) throw new TypeError('public key cannot be canonicalised');
  return createHash('sha256').update(required, 'utf8').digest('base64url');
}

export function publicJwk(publicKey: KeyObject): CheckpointPublicJwk {
  assertEd25519(publicKey, 'public');
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new TypeError('Ed25519 public key without x');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: ed25519KeyId(publicKey), alg: 'EdDSA', use: 'sig' };
}

/** A public key from a JWK; throws when it is not an Ed25519 key. */
export function publicKeyFromJwk(jwk: Pick<CheckpointPublicJwk, 'kty' | 'crv' | 'x'>): KeyObject {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new TypeError('not an Ed25519 JWK');
  }
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  assertEd25519(key, 'public');
  return key;
}

export function exportKeySet(publicKeys: readonly KeyObject[]): CheckpointKeySet {
  return { keys: publicKeys.map(publicJwk) };
}

/** The log's signing key. Load it from configuration (PKCS#8 PEM) or generate one. */
export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  private constructor(private readonly privateKey: KeyObject) {
    assertEd25519(privateKey, 'private');
    this.publicKey = createPublicKey(privateKey);
    this.keyId = ed25519KeyId(this.publicKey);
  }

  static generate(): CheckpointSigner {
    const { privateKey } = generateKeyPairSync('ed25519');
    return new CheckpointSigner(privateKey);
  }

  /** From a KeyObject or a PKCS#8 PEM string (e.g. from the service configuration). */
  static fromPrivateKey(key: KeyObject | string): CheckpointSigner {
    return new CheckpointSigner(typeof key === 'string' ? createPrivateKey(key) : key);
  }

  /** PKCS#8 PEM of the private key, to put in a secret store. */
  exportPrivateKeyPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  publicJwk(): CheckpointPublicJwk {
    return publicJwk(this.publicKey);
  }

  sign(head: Omit<Checkpoint, 'keyId'>): SignedCheckpoint {
    validateCheckpointShape({ ...head, keyId: this.keyId });
    const checkpoint: Checkpoint = { ...head, keyId: this.keyId };
    const signature = sign(null, checkpointSigningBytes(checkpoint), this.privateKey).toString('base64url');
    return { checkpoint, signature };
  }
}

function validateCheckpointShape(c: Checkpoint): string | undefined {
  if (typeof c !== 'object' || c === null) return 'checkpoint is not an object';
  if (typeof c.origin !== 'string' || c.origin.length === 0) return 'origin must be a non-empty string';
  if (!Number.isSafeInteger(c.treeSize) || c.treeSize < 0) return 'treeSize must be a non-negative integer';
  try {
    fromHex(c.rootHash, HASH_SIZE);
  } catch {
    return 'rootHash must be 32 bytes of hex';
  }
  if (typeof c.timestamp !== 'string' || Number.isNaN(Date.parse(c.timestamp))) return 'timestamp must be ISO-8601';
  if (typeof c.keyId !== 'string' || c.keyId.length === 0) return 'keyId must be a non-empty string';
  return undefined;
}

/**
 * Verifies a signed checkpoint offline against a trusted public key or key set. The key must be
 * the one `checkpoint.keyId` names (its thumbprint), and the signature must cover these exact fields.
 */
export function verifyCheckpoint(
  signed: SignedCheckpoint,
  trusted: { publicKey: KeyObject | CheckpointPublicJwk } | { keySet: CheckpointKeySet },
): CheckpointVerification {
  const shapeError =
    typeof signed !== 'object' || signed === null || typeof signed.signature !== 'string'
      ? 'signed checkpoint must have a checkpoint and a signature'
      : validateCheckpointShape(signed.checkpoint);
  if (shapeError) return { ok: false, reason: 'MALFORMED', detail: shapeError };
  const { checkpoint } = signed;

  let key: KeyObject;
  try {
    if ('keySet' in trusted) {
      const jwk = trusted.keySet.keys.find((k) => k.kid === checkpoint.keyId);
      if (!jwk) return { ok: false, reason: 'UNKNOWN_KEY', detail: `no trusted key with id ${checkpoint.keyId}` };
      key = publicKeyFromJwk(jwk);
    } else {
      key = trusted.publicKey instanceof KeyObject ? trusted.publicKey : publicKeyFromJwk(trusted.publicKey);
    }
  } catch (e) {
    return { ok: false, reason: 'MALFORMED', detail: `trusted key is unusable: ${(e as Error).message}` };
  }
  // The id is recomputed from the key, never taken from the JWK's own `kid`.
  const actualKeyId = ed25519KeyId(key);
  if (actualKeyId !== checkpoint.keyId) {
    return { ok: false, reason: 'KEY_ID_MISMATCH', detail: `checkpoint names key ${checkpoint.keyId}, key is ${actualKeyId}` };
  }
  const signature = Buffer.from(signed.signature, 'base64url');
  const ok = signature.length === 64 && verify(null, checkpointSigningBytes(checkpoint), key, signature);
  return ok ? { ok: true } : { ok: false, reason: 'BAD_SIGNATURE', detail: 'Ed25519 signature does not verify' };
}

/** The exportable JSON form of a signed checkpoint, carrying the signer's public key. */
export function exportCheckpoint(signed: SignedCheckpoint, publicKey: KeyObject): ExportedCheckpoint {
  const jwk = publicJwk(publicKey);
  if (jwk.kid !== signed.checkpoint.keyId) {
    throw new TypeError(`checkpoint was signed by ${signed.checkpoint.keyId}, not by ${jwk.kid}`);
  }
  return {
    format: CHECKPOINT_EXPORT_FORMAT,
    checkpoint: { ...signed.checkpoint },
    signature: signed.signature,
    publicKey: jwk,
  };
}

/** Parses an exported checkpoint (JSON text or object); throws a TypeError when it is not one. */
export function parseExportedCheckpoint(input: unknown): ExportedCheckpoint {
  const value: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  if (typeof value !== 'object' || value === null) throw new TypeError('exported checkpoint must be an object');
  const v = value as Partial<ExportedCheckpoint>;
  if (v.format !== CHECKPOINT_EXPORT_FORMAT) throw new TypeError(`unknown checkpoint format ${String(v.format)}`);
  if (typeof v.signature !== 'string' || typeof v.checkpoint !== 'object' || v.checkpoint === null) {
    throw new TypeError('exported checkpoint lacks checkpoint or signature');
  }
  const shapeError = validateCheckpointShape(v.checkpoint);
  if (shapeError) throw new TypeError(shapeError);
  if (typeof v.publicKey !== 'object' || v.publicKey === null) throw new TypeError('exported checkpoint lacks publicKey');
  return v as ExportedCheckpoint;
}
