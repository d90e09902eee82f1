/**
 * `countAfter` of the SQLite store (the relay's lag gauge, issue 15): the count `readAll` would
 * give, up to the limit, without reading any event (so without starting a read-ahead either).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../event-store.port';
import { InvalidEventError } from '../../errors';
import { contractEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'fq-es-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => contractEvent({ data: { seq: i } }));

describe('SqliteEventStore.countAfter', () => {
  it('counts what readAll returns after a position, up to the limit, without reading ahead', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'count.sqlite'), readAhead: true });
    try {
      expect(await store.countAfter(0, 10_000)).toBe(0);
      await store.append('case-a', events(300), { expectedRevision: 'no_stream' });
      await store.append('case-b', events(200), { expectedRevision: 'no_stream' });
      for (const [after, limit] of [
        [0, 10_000],
        [0, 256],
        [123, 10_000],
        [499, 10],
        [500, 10],
        [9_999, 5],
        [42, 0],
      ]) {
        const read = await store.readAll({ afterPosition: after, maxCount: limit });
        expect(await store.countAfter(after, limit)).toBe(read.length);
      }
      expect(await store.countAfter(0, 256)).toBe(256);
      // the full pages read above started reads ahead: let them land, then count full pages again
      const ahead = (store as unknown as { readAhead: { handedOver: { pages: number } } }).readAhead;
      await new Promise((r) => setTimeout(r, 300));
      const pages = ahead.handedOver.pages;
      expect(await store.countAfter(100, 300)).toBe(300);
      expect(await store.countAfter(0, 256)).toBe(256);
      await new Promise((r) => setTimeout(r, 300));
      expect(ahead.handedOver.pages).toBe(pages);
    } finally {
      await store.close();
    }
  });

  it('refuses a position or limit that is not a whole number ≥ 0, and a closed store', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'refuse.sqlite') });
    await expect(store.countAfter(-1, 10)).rejects.toBeInstanceOf(InvalidEventError);
    await expect(store.countAfter(0, 1.5)).rejects.toBeInstanceOf(InvalidEventError);
    await expect(store.countAfter(0, Number.NaN)).rejects.toBeInstanceOf(InvalidEventError);
    await store.close();
    await expect(store.countAfter(0, 10)).rejects.toThrow();
  });
});
