/**
 * The offline verifier of an evidence bundle: `npm run verify -- bundle.json [--keys keys.json]`.
 *
 * Needs nothing but the bundle (and, to trust the result, the key set the system publishes at
 * `/audit/checkpoint-keys`, kept by the auditor): no database, no network. It imports the
 * verification code directly (not the event-store index), so no database driver is loaded.
 * Exit code 0 when every event verifies, 1 when one does not (each failure names the event),
 * 2 on bad usage or an unreadable file.
 */
import { readFileSync } from 'node:fs';
import type { CheckpointKeySet } from '../merkle/checkpoint';
import { describeBundleFailure, verifyEvidenceBundle } from './evidence-bundle';

export function runVerifier(argv: readonly string[], out: (line: string) => void = console.log): number {
  const args = [...argv];
  const keysAt = args.indexOf('--keys');
  let keysFile: string | undefined;
  if (keysAt >= 0) {
    keysFile = args[keysAt + 1];
    args.splice(keysAt, 2);
  }
  const file = args[0];
  if (!file || (keysAt >= 0 && !keysFile)) {
    out('usage: npm run verify -- <bundle.json> [--keys <published-keys.json>]');
    return 2;
  }
  let bundle: unknown;
  let keys: CheckpointKeySet | undefined;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
    if (keysFile) keys = JSON.parse(readFileSync(keysFile, 'utf8')) as CheckpointKeySet;
  } catch (e) {
    out(`cannot read ${keysFile && !bundle ? file : (keysFile ?? file)}: ${(e as Error).message}`);
    return 2;
  }
  const result = verifyEvidenceBundle(bundle, keys);
  for (const cp of result.checkpoints) {
    out(`checkpoint ${cp.context}: ${cp.origin} tree size ${cp.treeSize} root ${cp.rootHash} at ${cp.timestamp} signed by key ${cp.keyId}`);
  }
  if (!keys) out('note: verified against the keys inside the bundle; pass --keys with the published key set to trust them');
  if (result.ok) {
    out(`OK: ${result.eventCount} events in ${result.streamCount} streams verify (chains, inclusion proofs, signed checkpoints)`);
    return 0;
  }
  for (const f of result.failures) out(`FAILED ${describeBundleFailure(f)}`);
  return 1;
}

if (require.main === module) {
  process.exitCode = runVerifier(process.argv.slice(2));
}
