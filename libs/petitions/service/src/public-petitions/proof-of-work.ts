import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@fengqiao/kernel';
import { ReadStore } from '@fengqiao/read-store';

const USED = 'petition_pow_used';
const TTL_MS = 10 * 60_000;

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}

/** What a client computes: the first `nonce` (decimal) whose SHA-256 of `challenge:nonce` has `bits` leading zero bits. */
export function solveProofOfWork(challenge: string, bits: number): string {
  for (let n = 0; ; n++) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${n}`).digest()) >= bits) return String(n);
  }
}

/**
 * The public form's captcha-free abuse guard: a stateless signed challenge (expiry, difficulty)
 * whose answer costs the client about 2^bits hashes and the server one; each challenge is
 * accepted once (its hash is recorded). Together with the per-IP rate limit it makes bulk
 * submissions expensive without asking a person to read anything.
 */
export class ProofOfWork {
  private readonly key: Buffer;

  constructor(
    secret: string,
    readonly bits: number,
    private readonly now: () => number,
  ) {
    this.key = createHmac('sha256', secret).update('petitions/proof-of-work/v1').digest();
  }

  issue(): { challenge: string; bits: number; expiresAt: string; algorithm: string } {
    const expires = this.now() + TTL_MS;
    const payload = `${expires}.${this.bits}.${randomBytes(12).toString('hex')}`;
    const sig = createHmac('sha256', this.key).update(payload).digest('base64url');
    return {
      challenge: `${payload}.${sig}`,
      bits: this.bits,
      expiresAt: new Date(expires).toISOString(),
      algorithm: 'sha256(challenge:nonce) with `bits` leading zero bits',
    };
  }

  /** Checks signature, expiry, work and single use; 400 `PETITIONS.PROOF_OF_WORK_INVALID` naming the field otherwise. */
  async verify(store: ReadStore, challenge: string, nonce: string): Promise<void> {
    const invalid = (why: string): never => {
      throw new ValidationError('PETITIONS.PROOF_OF_WORK_INVALID', `校验未通过（${why}），请刷新页面后重新提交`, { field: 'nonce', reason: why });
    };
    const parts = challenge.split('.');
    if (parts.length !== 4) return invalid('challenge');
    const [expires, bits, random, sig] = parts;
    const expected = createHmac('sha256', this.key).update(`${expires}.${bits}.${random}`).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid('challenge');
    if (Number(expires) < this.now()) return invalid('expired');
    if (!/^\d{1,20}$/.test(nonce)) return invalid('nonce');
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) < Number(bits)) return invalid('work');
    const id = createHash('sha256').update(challenge).digest('hex');
    if (await store.get(USED, id)) return invalid('used');
    await store.upsert(USED, { _id: id, expires: Number(expires) }, { revision: 1, expectNew: true });
  }
}
