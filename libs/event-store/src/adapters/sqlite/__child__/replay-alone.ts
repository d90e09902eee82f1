/**
 * Child of sqlite.read-ahead.spec: replays a store with nothing else in the event loop (no server,
 * no timer), so only the read-ahead worker's pending page keeps the process alive between pages.
 * Prints `REPLAYED <count>` after closing the store.
 */
import { SqliteEventStore } from '../sqlite-event-store';

async function main(): Promise<void> {
  const [path, pageSize] = process.argv.slice(2);
  const store = new SqliteEventStore({ path, readAhead: true });
  let after = 0;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ afterPosition: after, maxCount: Number(pageSize) });
    if (page.length === 0) break;
    count += page.length;
    after = page[page.length - 1].globalPosition;
  }
  await store.close();
  process.stdout.write(`REPLAYED ${count}\n`);
}

void main();
