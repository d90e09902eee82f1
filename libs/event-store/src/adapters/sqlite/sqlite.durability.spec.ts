/**
 * Durability: a child process appends and reports each append after it resolved; the test kills it
 * with SIGKILL (no exit handlers, no flush) and reopens the file. Every reported event must be there,
 * and the chain must verify (no torn write).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { contractEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

const repoRoot = resolve(__dirname, '../../../../..');
const child = join(__dirname, '__child__', 'append-until-killed.ts');
const dir = mkdtempSync(join(tmpdir(), 'fq-es-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it has reported `killAfter` appends, then SIGKILLs it at once. */
function appendThenKill(path: string, streamId: string, synchronous: 'FULL' | 'NORMAL', killAfter: number): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', child, path, streamId, synchronous], {
      cwd: repoRoot,
      env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: string[] = [];
    let reports = 0;
    let buffer = '';
    let stderr = '';
    let killed = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (killed || !line.startsWith('APPENDED ')) continue;
        acknowledged.push(...line.slice('APPENDED '.length).split(','));
        reports += 1;
        if (reports >= killAfter) {
          killed = true;
          proc.kill('SIGKILL');
        }
      }
    });
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}/${signal} before being killed: ${stderr}`));
      else resolvePromise(acknowledged);
    });
  });
}

describe('SqliteEventStore durability across kill -9', () => {
  it.each([
    ['FULL', 1],
    ['FULL', 40],
    ['NORMAL', 25],
  ] as const)(
    'synchronous=%s: every append acknowledged before SIGKILL after %i appends is there on reopen',
    async (synchronous, killAfter) => {
      const path = join(dir, `kill-${synchronous}-${killAfter}.db`);
      const streamId = `durability-${synchronous}-${killAfter}`;
      const acknowledged = await appendThenKill(path, streamId, synchronous, killAfter);
      expect(acknowledged.length).toBe(killAfter * 2);

      const reopened = new SqliteEventStore({ path });
      try {
        const events = await reopened.readStream(streamId);
        const stored = new Set(events.map((e) => e.id));
        expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
        expect(verifyStreamChain(events).ok).toBe(true);
        // appends go on from where the killed process stopped
        expect(await reopened.streamRevision(streamId)).toBe(events.length - 1);
      } finally {
        await reopened.close();
      }
    },
    60_000,
  );
});

describe('SqliteEventStore FULL durability off the event loop (the WAL fsynced in the thread pool)', () => {
  type Syncing = { walSync: { sync(): Promise<void>; stats: { fsyncs: number } } };
  const event = (n: number) => contractEvent({ data: { n } });

  it('resolves an append only after an fsync that began after its COMMIT (the connection itself runs synchronous=NORMAL)', async () => {
    const path = join(dir, 'async-fsync.db');
    const store = new SqliteEventStore({ path });
    const peek = new SqliteEventStore({ path, synchronous: 'NORMAL' });
    const wal = (store as unknown as Syncing).walSync;
    expect(wal).toBeDefined();
    const order: string[] = [];
    const sync = wal.sync.bind(wal);
    wal.sync = async () => {
      // what another connection sees when the sync begins: the COMMIT is done
      order.push(`sync begins, visible: ${(await peek.readStream('s')).length}`);
      await sync();
      order.push('sync done');
    };
    const appended = store.append('s', [event(1)], { expectedRevision: 'no_stream' }).then(() => order.push('append resolved'));
    await appended;
    expect(order).toEqual(['sync begins, visible: 1', 'sync done', 'append resolved']);
    await store.close();
    await peek.close();
  });

  it('readAll returns what another writer committed only once it has synced it itself', async () => {
    const path = join(dir, 'read-all-durable.db');
    const reader = new SqliteEventStore({ path });
    const writer = new SqliteEventStore({ path, synchronous: 'NORMAL' }); // commits without any fsync
    await writer.append('w', [event(1), event(2)], { expectedRevision: 'no_stream' });
    const stats = (reader as unknown as Syncing).walSync.stats;
    const before = stats.fsyncs;
    const page = await reader.readAll({ maxCount: 10 });
    expect(page.map((e) => e.revision)).toEqual([0, 1]);
    expect(stats.fsyncs).toBe(before + 1); // synced before the page was returned
    await reader.readAll({ maxCount: 10 });
    expect(stats.fsyncs).toBe(before + 1); // known durable now: no second sync
    await reader.close();
    await writer.close();
  });
});
