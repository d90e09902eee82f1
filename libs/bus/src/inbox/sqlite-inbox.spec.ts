import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { inboxContract } from '../testing/inbox.contract';
import { SqliteInbox } from './sqlite-inbox';

describe('SqliteInbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-inbox-'));
  const path = join(dir, 'inbox.db');
  const opened: SqliteInbox[] = [];
  afterAll(() => {
    opened.forEach((i) => i.close());
    rmSync(dir, { recursive: true, force: true });
  });

  // several connections to one file stand for several processes
  inboxContract('sqlite', (options) => {
    const inbox = new SqliteInbox({ path, logger: pino({ level: 'silent' }), ...options });
    opened.push(inbox);
    return inbox;
  });

  it('refuses an unsafe table name', () => {
    expect(() => new SqliteInbox({ path: ':memory:', table: 'inbox; --' })).toThrow(/table/);
  });
});
