import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '@fengqiao/kernel';
import { ReadStore } from '@fengqiao/read-store';
import { QUERY_CODES } from '../read-models/petitions.projector';

/** Crockford base32: no I, L, O, U, so a code read aloud or copied by hand survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh query code: 120 random bits as 24 base32 characters in groups of four (XXXX-XXXX-…). */
export function newQueryCode(): string {
  const bytes = randomBytes(15);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return (out.match(/.{4}/g) ?? []).join('-');
}

/** The code as typed → canonical form (case, separators and look-alike letters forgiven); null when it cannot be one. */
export function normaliseQueryCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{24}$/.test(s) ? s : null;
}

/** Only this is ever stored: SHA-256 of the canonical code (120 random bits need no slow hash). */
export function queryCodeHash(code: string): string {
  return createHash('sha256').update(`petitions/query-code/v1:${code}`).digest('hex');
}

const notFound = () => new NotFoundError('PETITIONS.QUERY_CODE_NOT_FOUND', '查询码不正确，请核对后重新输入', {});

/**
 * The petition a query code opens, or 404 — the same answer for a malformed, unknown or altered
 * code. Looked up by the code's hash, then compared in constant time.
 */
export async function petitionOfQueryCode(store: ReadStore, input: string): Promise<string> {
  const code = normaliseQueryCode(input);
  const hash = queryCodeHash(code ?? input);
  const doc = await store.get<{ petitionId: string; codeHash: string }>(QUERY_CODES, hash);
  const stored = Buffer.from(doc?.codeHash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(hash, 'hex');
  if (!code || !doc || stored.length !== given.length || !timingSafeEqual(stored, given)) throw notFound();
  return doc.petitionId;
}
