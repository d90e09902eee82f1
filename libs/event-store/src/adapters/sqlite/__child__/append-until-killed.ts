/**
 * Child process of sqlite.durability.spec.ts: appends batches to the store at argv[2] and prints
 * `APPENDED <event ids>` on stdout after each append RESOLVES, then appends the next one. The parent
 * kills it with SIGKILL at some point; every id printed must be in the store when it is reopened.
 * Runs through @swc-node/register (TypeScript and the tsconfig path aliases).
 */
import { newId } from '@fengqiao/kernel';
import { SqliteEventStore } from '../sqlite-event-store';

async function main(): Promise<void> {
  const [path, streamId, synchronous] = process.argv.slice(2);
  const store = new SqliteEventStore({ path, synchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL' });
  let expected: number | 'no_stream' = 'no_stream';
  for (let batchNo = 0; ; batchNo++) {
    const events = [0, 1].map((i) => ({
      id: newId(),
      type: 'DurabilityProbed',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      actor: { userId: 'probe', role: 'system' as const, unitId: 'district-1' },
      correlationId: newId(),
      causationId: newId(),
      jurisdiction: ['district-1'],
      data: { batchNo, i, 说明: '进程被 kill -9 前已确认的写入' },
    }));
    const r = await store.append(streamId, events, { expectedRevision: expected });
    expected = r.nextExpectedRevision;
    process.stdout.write(`APPENDED ${events.map((e) => e.id).join(',')}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
