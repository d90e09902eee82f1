import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@fengqiao/event-store';
import { makeEvents } from './lib/events';
async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const EVENTS = Number(process.argv[3] ?? 1_000_000);
  mkdirSync(join(dir, 'intake'), { recursive: true });
  const store = new SqliteEventStore({ path: join(dir, 'intake', 'events.sqlite'), synchronous: 'NORMAL' });
  let written = 0;
  for (let s = 0; written < EVENTS; s++) {
    const streamId = `bench-load-${s}`;
    let revision: number | 'no_stream' = 'no_stream';
    for (let done = 0; done < 1000; done += 500) {
      const r = await store.append(streamId, makeEvents(streamId, 500), { expectedRevision: revision });
      revision = r.nextExpectedRevision;
    }
    written += 1000;
  }
  await store.close();
}
void main();
