import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { contractEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

/** A store written before traces (no trace_parent column) opens, keeps its events and stores trace contexts from then on. */
describe('SQLite event store made before traces', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fq-sqlite-trace-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gains the trace context column on open without touching the stored events', async () => {
    const path = join(dir, 'events.db');
    const before = new SqliteEventStore({ path });
    await before.append('case-old', [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
    await before.close();
    const db = new DatabaseSync(path);
    db.exec('ALTER TABLE events DROP COLUMN trace_parent');
    db.close();

    const store = new SqliteEventStore({ path });
    try {
      const old = await store.readStream('case-old');
      expect(old).toHaveLength(2);
      expect(old.some((e) => 'traceparent' in e)).toBe(false);
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await store.append('case-old', [contractEvent({ traceparent })], { expectedRevision: 1 });
      const all = await store.readStream('case-old');
      expect(all[2].traceparent).toBe(traceparent);
      expect(verifyStreamChain(all).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
