/**
 * The Ed25519 key that signs the Merkle checkpoints of the stores a process hosts (DESIGN §4).
 *
 * - `AUDIT_SIGNING_KEY` (PKCS#8 PEM) or `AUDIT_SIGNING_KEY_FILE`: the key from a secret store;
 * - otherwise `<FENGQIAO_DATA_DIR>/audit-signing-key.pem`, generated on the first start (mode 0600),
 *   so standalone and local distributed runs keep one key across restarts;
 * - `AUDIT_RETIRED_KEYS` / `AUDIT_RETIRED_KEYS_FILE`: a JWK Set (`{"keys":[…]}`) of the public keys of
 *   earlier signing keys, still published so checkpoints signed before a rotation keep verifying.
 * Rotation is described in libs/analytics/service/README.md.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckpointKeySet, CheckpointSigner } from '@fengqiao/event-store';

function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

const signers = new Map<string, CheckpointSigner>();

export function checkpointSignerFrom(env: NodeJS.ProcessEnv, dataDir: string): CheckpointSigner {
  const pem = readSecret(env, 'AUDIT_SIGNING_KEY');
  if (pem) return CheckpointSigner.fromPrivateKey(pem);
  const file = join(dataDir, 'audit-signing-key.pem');
  const cached = signers.get(file);
  if (cached) return cached;
  let signer: CheckpointSigner;
  if (existsSync(file)) {
    signer = CheckpointSigner.fromPrivateKey(readFileSync(file, 'utf8'));
  } else {
    signer = CheckpointSigner.generate();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, signer.exportPrivateKeyPem(), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  signers.set(file, signer);
  return signer;
}

export function retiredKeysFrom(env: NodeJS.ProcessEnv): CheckpointKeySet | undefined {
  const json = readSecret(env, 'AUDIT_RETIRED_KEYS');
  if (!json) return undefined;
  const parsed = JSON.parse(json) as CheckpointKeySet;
  if (!parsed || !Array.isArray(parsed.keys)) throw new Error('AUDIT_RETIRED_KEYS must be a JWK Set {"keys":[…]}');
  return parsed;
}
