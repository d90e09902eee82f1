import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authStoreContract } from '../testing/auth-store.contract';
import { MemoryAuthStore } from './auth-store';
import { SqliteAuthStore } from './sqlite-auth-store';

authStoreContract('memory', () => new MemoryAuthStore());
authStoreContract('sqlite (:memory:)', () => new SqliteAuthStore(':memory:'));

describe('SqliteAuthStore on a file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fq-auth-store-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  authStoreContract('sqlite (file)', () => new SqliteAuthStore(join(dir, 'contract.sqlite')));

  it('keeps sessions, used tokens and lockouts across a reopen', () => {
    const path = join(dir, 'reopen.sqlite');
    const first = new SqliteAuthStore(path);
    const session = { familyId: 'fam-1', userId: 'u-1', createdAt: '2025-01-01T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' };
    const token = { tokenHash: 'h-1', familyId: 'fam-1', userId: 'u-1', issuedAt: session.createdAt, expiresAt: session.expiresAt };
    first.createSession(session, token);
    first.rotate('h-1', '2025-01-01T01:00:00.000Z', { ...token, tokenHash: 'h-2' });
    first.setLoginAttempts('someone', { failures: 5, firstFailureAt: session.createdAt, lockedUntil: '2025-01-01T00:15:00.000Z' });
    first.close();

    const second = new SqliteAuthStore(path);
    expect(second.refreshToken('h-1')?.usedAt).toBe('2025-01-01T01:00:00.000Z');
    expect(second.rotate('h-1', '2025-01-01T02:00:00.000Z', { ...token, tokenHash: 'h-3' })).toBe(false);
    expect(second.loginAttempts('someone')?.lockedUntil).toBe('2025-01-01T00:15:00.000Z');
    second.close();
  });
});
