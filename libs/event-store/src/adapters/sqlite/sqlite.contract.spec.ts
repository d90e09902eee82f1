import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'fq-es-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

eventStoreContract('sqlite (WAL, synchronous=FULL, temp file)', () => new SqliteEventStore({ path: join(dir, 'events.db') }));
eventStoreContract('sqlite (synchronous=NORMAL)', () => new SqliteEventStore({ path: join(dir, 'events-normal.db'), synchronous: 'NORMAL' }), {
  writers: 4,
  eventsPerWriter: 25,
});
