import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { relayCheckpointStoreContract } from '../testing/relay-checkpoint.contract';
import { InMemoryRelayCheckpointStore } from './relay-checkpoint.store';
import { SqliteRelayCheckpointStore } from './sqlite-relay-checkpoint.store';

relayCheckpointStoreContract('in-memory', () => new InMemoryRelayCheckpointStore());

describe('SqliteRelayCheckpointStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-relay-cp-'));
  const opened: SqliteRelayCheckpointStore[] = [];
  afterAll(() => {
    opened.forEach((s) => s.close());
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (path = join(dir, 'checkpoints.db')) => {
    const s = new SqliteRelayCheckpointStore({ path });
    opened.push(s);
    return s;
  };

  relayCheckpointStoreContract('sqlite', () => open());

  it('keeps the checkpoint across a reopen of the file', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteRelayCheckpointStore({ path });
    await first.set('intake.relay', 1234);
    first.close();
    const again = open(path);
    expect(await again.get('intake.relay')).toBe(1234);
  });

  it('lives next to the event store in a shared database, without closing it', async () => {
    const db = new DatabaseSync(':memory:');
    const store = new SqliteRelayCheckpointStore({ db, table: 'my_relay_checkpoints' });
    await store.set('intake.relay', 5);
    store.close();
    expect(db.prepare('SELECT position FROM my_relay_checkpoints WHERE name = ?').get('intake.relay')).toEqual({ position: 5 });
    db.close();
  });

  it('refuses an unsafe table name', () => {
    expect(() => new SqliteRelayCheckpointStore({ path: ':memory:', table: 'x; DROP TABLE events' })).toThrow(/table/);
  });
});
