import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AuthStore, LoginAttempts, RefreshTokenRecord, RevocationReason, SessionFamily } from './auth-store';

type Row = Record<string, string | number | null>;
const opt = (v: string | number | null | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** The issuer's state in SQLite (node:sqlite, WAL). Every method is one synchronous statement or transaction. */
export class SqliteAuthStore implements AuthStore {
  private readonly db: DatabaseSync;
  /** each statement prepared once: every request's session check runs one (preparing it each time was 2 % of the standalone process's time) */
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS credentials (
        user_id TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS sessions (
        family_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        revoked_reason TEXT
      );
      CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
      CREATE TABLE IF NOT EXISTS refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL REFERENCES sessions (family_id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX IF NOT EXISTS refresh_tokens_by_family ON refresh_tokens (family_id);
      CREATE TABLE IF NOT EXISTS login_attempts (
        login_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        first_failure_at TEXT NOT NULL,
        locked_until TEXT
      );
      PRAGMA foreign_keys = ON;
    `);
  }

  private prepare(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  passwordHash(userId: string): string | undefined {
    const row = this.prepare('SELECT password_hash FROM credentials WHERE user_id = ?').get(userId) as Row | undefined;
    return opt(row?.['password_hash']);
  }

  setPasswordHash(userId: string, hash: string, at: string): void {
    this.prepare(
      `INSERT INTO credentials (user_id, password_hash, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
    ).run(userId, hash, at);
  }

  createSession(session: SessionFamily, first: RefreshTokenRecord): void {
    this.tx(() => {
      this.prepare('INSERT INTO sessions (family_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
        session.familyId,
        session.userId,
        session.createdAt,
        session.expiresAt,
      );
      this.insertToken(first);
    });
  }

  private insertToken(t: RefreshTokenRecord): void {
    this.prepare('INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      t.tokenHash,
      t.familyId,
      t.userId,
      t.issuedAt,
      t.expiresAt,
      t.usedAt ?? null,
    );
  }

  session(familyId: string): SessionFamily | undefined {
    const r = this.prepare('SELECT * FROM sessions WHERE family_id = ?').get(familyId) as Row | undefined;
    if (!r) return undefined;
    const revokedAt = opt(r['revoked_at']);
    return {
      familyId: String(r['family_id']),
      userId: String(r['user_id']),
      createdAt: String(r['created_at']),
      expiresAt: String(r['expires_at']),
      ...(revokedAt ? { revokedAt, revokedReason: String(r['revoked_reason']) as RevocationReason } : {}),
    };
  }

  refreshToken(tokenHash: string): RefreshTokenRecord | undefined {
    const r = this.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    if (!r) return undefined;
    const usedAt = opt(r['used_at']);
    return {
      tokenHash: String(r['token_hash']),
      familyId: String(r['family_id']),
      userId: String(r['user_id']),
      issuedAt: String(r['issued_at']),
      expiresAt: String(r['expires_at']),
      ...(usedAt ? { usedAt } : {}),
    };
  }

  rotate(tokenHash: string, at: string, next: RefreshTokenRecord): boolean {
    return this.tx(() => {
      const changed = this.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(at, tokenHash);
      if (Number(changed.changes) !== 1) return false;
      const clash = this.prepare('SELECT 1 FROM refresh_tokens WHERE token_hash = ?').get(next.tokenHash);
      if (clash) throw new Error('refresh token hash collision');
      this.insertToken(next);
      return true;
    });
  }

  revokeSession(familyId: string, at: string, reason: RevocationReason): void {
    this.prepare('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE family_id = ? AND revoked_at IS NULL').run(at, reason, familyId);
  }

  revokeUserSessions(userId: string, at: string, reason: RevocationReason): number {
    const r = this.prepare('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, reason, userId);
    return Number(r.changes);
  }

  loginAttempts(key: string): LoginAttempts | undefined {
    const r = this.prepare('SELECT * FROM login_attempts WHERE login_key = ?').get(key) as Row | undefined;
    if (!r) return undefined;
    const lockedUntil = opt(r['locked_until']);
    return { failures: Number(r['failures']), firstFailureAt: String(r['first_failure_at']), ...(lockedUntil ? { lockedUntil } : {}) };
  }

  setLoginAttempts(key: string, a: LoginAttempts): void {
    this.prepare(
      `INSERT INTO login_attempts (login_key, failures, first_failure_at, locked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT (login_key) DO UPDATE SET failures = excluded.failures, first_failure_at = excluded.first_failure_at,
           locked_until = excluded.locked_until`,
    ).run(key, a.failures, a.firstFailureAt, a.lockedUntil ?? null);
  }

  clearLoginAttempts(key: string): void {
    this.prepare('DELETE FROM login_attempts WHERE login_key = ?').run(key);
  }

  purgeExpired(before: string): number {
    return this.tx(() => {
      this.prepare('DELETE FROM refresh_tokens WHERE family_id IN (SELECT family_id FROM sessions WHERE expires_at < ?)').run(before);
      return Number(this.prepare('DELETE FROM sessions WHERE expires_at < ?').run(before).changes);
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
