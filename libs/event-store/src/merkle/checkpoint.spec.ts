import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  CheckpointSigner,
  SignedCheckpoint,
  checkpointSigningBytes,
  ed25519KeyId,
  exportCheckpoint,
  exportKeySet,
  parseExportedCheckpoint,
  verifyCheckpoint,
} from './checkpoint';
import { toHex } from './merkle-hash';
import { MerkleLog } from './merkle-log';
import { checkLogAgainstCheckpoint, eventLeafHash, verifyEventInclusion } from './log-audit';

const origin = 'fengqiao/test-district/event-store';
const eventHash = (i: number): string => createHash('sha256').update(`event-${i}`).digest('hex');

function logOf(n: number): MerkleLog {
  const log = new MerkleLog();
  for (let i = 0; i < n; i++) log.append(Buffer.from(eventHash(i), 'hex'));
  return log;
}

describe('signed checkpoints (Ed25519)', () => {
  const signer = CheckpointSigner.generate();
  const log = logOf(13);
  const signed = signer.sign({ origin, ...log.head(), timestamp: '2025-03-01T08:00:00.000Z' });

  it('signs {origin, treeSize, rootHash, timestamp, keyId} and verifies with the public key or the key set', () => {
    expect(signed.checkpoint).toEqual({
      origin,
      treeSize: 13,
      rootHash: toHex(log.root()),
      timestamp: '2025-03-01T08:00:00.000Z',
      keyId: signer.keyId,
    });
    expect(verifyCheckpoint(signed, { publicKey: signer.publicKey })).toEqual({ ok: true });
    expect(verifyCheckpoint(signed, { publicKey: signer.publicJwk() })).toEqual({ ok: true });
    expect(verifyCheckpoint(signed, { keySet: exportKeySet([signer.publicKey]) })).toEqual({ ok: true });
  });

  it('uses the RFC 7638 thumbprint as key id', () => {
    const jwk = signer.publicKey.export({ format: 'jwk' });
    const expected = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest('base64url');
    expect(signer.keyId).toBe(expected);
    expect(ed25519KeyId(signer.publicKey)).toBe(expected);
  });

  it('signs the canonical (RFC 8785) bytes, so key order does not matter', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        timestamp: signed.checkpoint.timestamp,
        keyId: signed.checkpoint.keyId,
        rootHash: signed.checkpoint.rootHash,
        treeSize: signed.checkpoint.treeSize,
        origin,
      }),
    );
    expect(checkpointSigningBytes(reordered).equals(checkpointSigningBytes(signed.checkpoint))).toBe(true);
    expect(verifyCheckpoint({ checkpoint: reordered, signature: signed.signature }, { publicKey: signer.publicKey }).ok).toBe(true);
  });

  it.each<[string, (s: SignedCheckpoint) => SignedCheckpoint]>([
    ['treeSize', (s) => ({ ...s, checkpoint: { ...s.checkpoint, treeSize: s.checkpoint.treeSize + 1 } })],
    ['rootHash', (s) => ({ ...s, checkpoint: { ...s.checkpoint, rootHash: toHex(logOf(12).root()) } })],
    ['timestamp', (s) => ({ ...s, checkpoint: { ...s.checkpoint, timestamp: '2025-03-01T08:00:01.000Z' } })],
    ['origin', (s) => ({ ...s, checkpoint: { ...s.checkpoint, origin: 'fengqiao/other/event-store' } })],
    [
      'signature bit',
      (s) => {
        const sig = Buffer.from(s.signature, 'base64url');
        sig[10] ^= 1;
        return { ...s, signature: sig.toString('base64url') };
      },
    ],
  ])('fails with BAD_SIGNATURE when %s is changed', (_field, tamper) => {
    const result = verifyCheckpoint(tamper(signed), { publicKey: signer.publicKey });
    expect(result).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('fails with KEY_ID_MISMATCH for another key, and UNKNOWN_KEY when the key set lacks the key id', () => {
    const other = CheckpointSigner.generate();
    expect(verifyCheckpoint(signed, { publicKey: other.publicKey })).toMatchObject({ ok: false, reason: 'KEY_ID_MISMATCH' });
    expect(verifyCheckpoint(signed, { keySet: exportKeySet([other.publicKey]) })).toMatchObject({ ok: false, reason: 'UNKNOWN_KEY' });
    // a key set entry whose kid lies about the key: the id is recomputed from x, not trusted
    const lying = { keys: [{ ...other.publicJwk(), kid: signer.keyId }] };
    expect(verifyCheckpoint(signed, { keySet: lying })).toMatchObject({ ok: false, reason: 'KEY_ID_MISMATCH' });
    // a signature by another key, relabelled with our key id
    const forged = other.sign({ origin, ...log.head(), timestamp: signed.checkpoint.timestamp });
    const relabelled = { checkpoint: { ...forged.checkpoint, keyId: signer.keyId }, signature: forged.signature };
    expect(verifyCheckpoint(relabelled, { publicKey: signer.publicKey })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('fails with MALFORMED for a broken checkpoint instead of throwing', () => {
    const broken = { ...signed, checkpoint: { ...signed.checkpoint, rootHash: 'zz' } };
    expect(verifyCheckpoint(broken, { publicKey: signer.publicKey })).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(verifyCheckpoint(signed, { publicKey: { kty: 'OKP', crv: 'Ed25519', x: '', kid: '', alg: 'EdDSA', use: 'sig' } })).toMatchObject({
      ok: false,
    });
  });

  it('round-trips through the JSON export and verifies offline against the exported key set', () => {
    const json = JSON.stringify(exportCheckpoint(signed, signer.publicKey));
    const keySetJson = JSON.stringify(exportKeySet([CheckpointSigner.generate().publicKey, signer.publicKey]));
    const imported = parseExportedCheckpoint(json);
    expect(imported.publicKey.kid).toBe(signer.keyId);
    expect(verifyCheckpoint(imported, { keySet: JSON.parse(keySetJson) })).toEqual({ ok: true });
    expect(verifyCheckpoint(imported, { publicKey: imported.publicKey })).toEqual({ ok: true });
    expect(() => parseExportedCheckpoint('{"format":"other"}')).toThrow(TypeError);
    expect(() => exportCheckpoint(signed, CheckpointSigner.generate().publicKey)).toThrow(TypeError);
  });

  it('loads the signing key from PKCS#8 PEM configuration and refuses non-Ed25519 keys', () => {
    const again = CheckpointSigner.fromPrivateKey(signer.exportPrivateKeyPem());
    expect(again.keyId).toBe(signer.keyId);
    expect(
      verifyCheckpoint(again.sign({ origin, ...log.head(), timestamp: signed.checkpoint.timestamp }), {
        publicKey: signer.publicKey,
      }),
    ).toEqual({ ok: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => CheckpointSigner.fromPrivateKey(privateKey)).toThrow(TypeError);
  });
});

describe('auditing a log against a checkpoint', () => {
  const signer = CheckpointSigner.generate();
  const trust = { keySet: exportKeySet([signer.publicKey]) };
  const at = (log: MerkleLog): SignedCheckpoint => signer.sign({ origin, ...log.head(), timestamp: '2025-03-01T08:00:00.000Z' });

  it('accepts a log that only grew since the checkpoint', () => {
    const cp = at(logOf(10));
    expect(checkLogAgainstCheckpoint(logOf(10), cp, trust, origin)).toEqual({ ok: true, checkpointSize: 10, logSize: 10 });
    expect(checkLogAgainstCheckpoint(logOf(27), cp, trust, origin)).toEqual({ ok: true, checkpointSize: 10, logSize: 27 });
  });

  it('names why a log does not extend the checkpoint', () => {
    const cp = at(logOf(10));
    expect(checkLogAgainstCheckpoint(logOf(9), cp, trust)).toMatchObject({ ok: false, reason: 'LOG_SHORTER_THAN_CHECKPOINT' });
    const rewritten = new MerkleLog();
    for (let i = 0; i < 12; i++) rewritten.append(Buffer.from(eventHash(i === 4 ? 400 : i), 'hex'));
    expect(checkLogAgainstCheckpoint(rewritten, cp, trust)).toMatchObject({ ok: false, reason: 'LOG_INCONSISTENT_WITH_CHECKPOINT' });
    expect(checkLogAgainstCheckpoint(logOf(12), cp, trust, 'fengqiao/other')).toMatchObject({
      ok: false,
      reason: 'CHECKPOINT_ORIGIN_MISMATCH',
    });
    const forged = { ...cp, checkpoint: { ...cp.checkpoint, rootHash: toHex(rewritten.root(10)) } };
    expect(checkLogAgainstCheckpoint(rewritten, forged, trust)).toMatchObject({ ok: false, reason: 'CHECKPOINT_SIGNATURE_INVALID' });
  });

  it('proves an event is included in the tree a checkpoint commits to', () => {
    const log = logOf(21);
    const cp = at(log);
    const proof = log.inclusionProof(7);
    expect(log.leafHash(7).equals(eventLeafHash(eventHash(7)))).toBe(true);
    expect(verifyEventInclusion(eventHash(7), proof, cp)).toBe(true);
    expect(verifyEventInclusion(eventHash(8), proof, cp)).toBe(false);
    expect(verifyEventInclusion('not hex', proof, cp)).toBe(false);
    expect(verifyEventInclusion(eventHash(7), log.inclusionProof(7, 20), cp)).toBe(false);
  });
});
