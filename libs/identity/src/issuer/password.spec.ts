import { DomainError } from '@fengqiao/kernel';
import { checkPasswordPolicy, DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword } from './password';

const cheap = { logN: 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores a PHC string with a fresh salt per hash', async () => {
    const a = await hashPassword('correct horse battery', cheap);
    const b = await hashPassword('correct horse battery', cheap);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('枫桥经验-2025', cheap);
    expect(await verifyPassword('枫桥经验-2025', stored)).toBe(true);
    expect(await verifyPassword('枫桥经验-2024', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('compares in NFKC, so full-width input from a Chinese IME matches', async () => {
    const stored = await hashPassword('Password123', cheap);
    expect(await verifyPassword('Ｐａｓｓｗｏｒｄ１２３', stored)).toBe(true);
  });

  it('refuses unreadable or altered hashes instead of throwing', async () => {
    const stored = await hashPassword('some password', cheap);
    expect(await verifyPassword('some password', 'plain-text')).toBe(false);
    expect(await verifyPassword('some password', stored.replace('ln=10', 'ln=11'))).toBe(false);
    const parts = stored.split('$');
    const hash = parts[4];
    const flipped = (hash[0] === 'A' ? 'B' : 'A') + hash.slice(1);
    expect(await verifyPassword('some password', [...parts.slice(0, 4), flipped].join('$'))).toBe(false);
  });

  it('uses N = 2^15 by default and asks to rehash weaker hashes', async () => {
    const strong = await hashPassword('default params');
    expect(strong.startsWith(`$scrypt$ln=${DEFAULT_SCRYPT_PARAMS.logN},r=8,p=1$`)).toBe(true);
    expect(await verifyPassword('default params', strong)).toBe(true);
    expect(needsRehash(strong)).toBe(false);
    expect(needsRehash(await hashPassword('x', cheap))).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('refuses passwords shorter than 8 or longer than 256 characters', () => {
    const code = (p: string) => {
      try {
        checkPasswordPolicy(p);
        return 'ok';
      } catch (e) {
        return e instanceof DomainError ? e.code : 'other';
      }
    };
    expect(code('short')).toBe('AUTH.WEAK_PASSWORD');
    expect(code('x'.repeat(257))).toBe('AUTH.WEAK_PASSWORD');
    expect(code('枫桥经验五十年来')).toBe('ok');
  });
});
