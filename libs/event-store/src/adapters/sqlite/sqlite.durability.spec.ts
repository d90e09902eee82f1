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
