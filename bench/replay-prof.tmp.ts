import { existsSync } from 'node:fs';
import { SqliteEventStore } from '@fengqiao/event-store';
import { makeEvents } from './lib/events';
const file = '/tmp/replay1m.db';
async function main() {
  const fresh = !existsSync(file);
  const store = new SqliteEventStore({ path: file, synchronous: 'FULL', readAhead: process.env.RA === '1' ? true : process.env.RA === '0' ? false : 'auto' });
  if (fresh) {
    let next = 0;
    const worker = async () => {
      for (;;) { const s = next++; if (s >= 1000) return; let rev = -1;
        for (let k = 0; k < 100; k++) { const r = await store.append(`case-${s}`, makeEvents(`case-${s}`, 10), { expectedRevision: rev < 0 ? 'no_stream' : rev }); rev = Number(r.nextExpectedRevision); } }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    console.log('loaded');
  }
  for (let r = 0; r < Number(process.env.RUNS ?? 3); r++) {
    const t = process.hrtime.bigint(); const c0 = process.cpuUsage();
    let after = 0, total = 0, sink = 0;
    for (;;) { const page = await store.readAll({ afterPosition: after, maxCount: 1000 }); if (page.length === 0) break;
      for (const e of page) sink += (e.data as any).seq; total += page.length; after = page[page.length - 1].globalPosition; }
    const s = Number(process.hrtime.bigint() - t) / 1e9; const c = process.cpuUsage(c0);
    console.log(`run ${r}: ${total} events ${(total / s / 1000).toFixed(0)}k/s cpu ${((c.user + c.system) / 1e6).toFixed(2)}s wall ${s.toFixed(2)}s ${sink & 0}`);
  }
  store.close();
}
main();
