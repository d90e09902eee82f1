import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
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

  it('deliveries of one turn share the group commit: each effect runs once, and each done is committed when its delivery resolves', async () => {
    const file = join(dir, 'batched.db');
    const inbox = new SqliteInbox({ path: file, logger: pino({ level: 'silent' }) });
    opened.push(inbox);
    const reader = new DatabaseSync(file);
    const doneRows = () => (reader.prepare("SELECT count(*) AS n FROM inbox WHERE status = 'done'").get() as { n: number }).n;
    let effects = 0;
    const statusOf = (id: string) => (reader.prepare('SELECT status FROM inbox WHERE message_id = ?').get(id) as { status: string } | undefined)?.status;
    const statusAtResolve: (string | undefined)[] = [];
    // 40 deliveries asked for in one turn, each message id twice (a redelivery racing the first)
    const deliveries = Array.from({ length: 80 }, (_, i) =>
      inbox
        .runOnce('g', `m${i % 40}`, async () => {
          effects++;
        })
        .then((outcome) => {
          if (outcome.executed) statusAtResolve.push(statusOf(`m${i % 40}`));
          return outcome;
        }),
    );
    const outcomes = await Promise.all(deliveries);
    expect(effects).toBe(40);
    expect(outcomes.filter((o) => o.executed)).toHaveLength(40);
    // the done of every delivery was readable from another connection when it resolved
    expect(statusAtResolve).toEqual(Array.from({ length: 40 }, () => 'done'));
    expect(doneRows()).toBe(40);
    reader.close();
  });

  it('refuses an unsafe table name', () => {
    expect(() => new SqliteInbox({ path: ':memory:', table: 'inbox; --' })).toThrow(/table/);
  });
});
