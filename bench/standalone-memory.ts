/**
 * Issue 15: resident memory and start-up time of the standalone process with a large event store.
 *
 * A fresh data directory gets `--events` events (default 1,000,000) in the intake context's store
 * (`<data>/intake/events.sqlite`, written through `SqliteEventStore` before the process starts; the
 * bench's ~400-byte grid-case notes in 1,000-event streams of a type no projection applies and the
 * relay does not publish). The standalone process then starts on that directory with no relay
 * checkpoint, so its relay reads the whole store from position 0 (the read path of a full
 * projection rebuild: every event read, mapped and skipped; no view writes, since no view applies
 * this type) and its audit follower rebuilds the Merkle log over every event hash.
 *
 * Measured: start-up time (spawn → listening), resident memory (VmRSS of the process) right after
 * start, and after the relay has gone through the store (its lag gauge at 0), judged against the
 * aim of 300 MB; and the same process on an empty data directory first, so the part the store
 * adds is visible. (The process runs the compiled JS under dist/node with the V8 flags of
 * scripts/build-node.mjs and its SERVICE_ENV, as `npm start` does; spawnService brings dist/node up to date first.)
 * Writes a section of BENCHMARKS.md between markers (or `--out FILE`).
 *
 * Usage: node -r @swc-node/register bench/standalone-memory.ts [--events 1000000] [--out FILE]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '@fengqiao/event-store';
import { spawnService } from '@fengqiao/testing';
import { makeEvents } from './lib/events';

const ROOT = resolve(__dirname, '..');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const EVENTS = Number(arg('events', '1000000'));
const OUT = resolve(arg('out', join(ROOT, 'BENCHMARKS.md')));
const AIM = { events: 1_000_000, rssMb: 300 };
const STREAM = 1000;
const BATCH = 500;
const say = (s: string): void => void process.stderr.write(`[standalone-memory] ${s}\n`);

/** VmRSS (now) or VmHWM (the highest RSS of the process's life so far, which a sampler can miss) of `pid`, MB. */
function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function fill(file: string): Promise<number> {
  const store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
  const t0 = Date.now();
  try {
    let written = 0;
    for (let s = 0; written < EVENTS; s++) {
      const streamId = `bench-load-${s}`;
      let revision: number | 'no_stream' = 'no_stream';
      const inStream = Math.min(STREAM, EVENTS - written);
      for (let done = 0; done < inStream; done += BATCH) {
        const r = await store.append(streamId, makeEvents(streamId, Math.min(BATCH, inStream - done)), { expectedRevision: revision });
        revision = r.nextExpectedRevision;
      }
      written += inStream;
      if (written % 100_000 === 0) say(`  ${written.toLocaleString('en-US')} events written`);
    }
    return (Date.now() - t0) / 1000;
  } finally {
    await store.close();
  }
}

async function lagOf(url: string): Promise<number | undefined> {
  const r = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!r || r.status !== 200) return undefined;
  const text = await r.text();
  const m = /fengqiao_relay_lag_events\{context="intake"\}\s+(\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The V8 heap (used / total) and external memory the process reports on /metrics, MB. */
async function heapOf(url: string): Promise<string> {
  const r = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!r || r.status !== 200) return 'not reported';
  const text = await r.text();
  const mb = (name: string): string => {
    const m = new RegExp(`^fengqiao_nodejs_${name} (\\d+)`, 'm').exec(text);
    return m ? (Number(m[1]) / 2 ** 20).toFixed(0) : '?';
  };
  return `heap used ${mb('heap_size_used_bytes')} MB of ${mb('heap_size_total_bytes')} MB, external ${mb('external_memory_bytes')} MB`;
}

/** Start-up time and RSS of the standalone process on a fresh data directory (the baseline). */
async function baseline(): Promise<{ startSeconds: number; rss: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-mem0-'));
  try {
    const t0 = Date.now();
    const p = await spawnService(
      'standalone',
      { FENGQIAO_DEMO: 'true', LOG_LEVEL: 'warn', FENGQIAO_DATA_DIR: dir, KAFKA_BROKERS: '', MONGO_URL: '' },
      { timeoutMs: 900_000 },
    );
    const startSeconds = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    const rss = rssMb(p.pid);
    await p.stop();
    return { startSeconds, rss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  say('baseline: the standalone process on an empty data directory …');
  const base = await baseline();
  say(`  started in ${base.startSeconds.toFixed(1)} s, RSS ${base.rss.toFixed(0)} MB`);
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-mem-'));
  try {
    mkdirSync(join(dir, 'intake'), { recursive: true });
    say(`writing ${EVENTS.toLocaleString('en-US')} events into ${dir}/intake/events.sqlite …`);
    const fillSeconds = await fill(join(dir, 'intake', 'events.sqlite'));
    say(`  written in ${fillSeconds.toFixed(0)} s`);

    const t0 = Date.now();
    const p = await spawnService(
      'standalone',
      { FENGQIAO_DEMO: 'true', LOG_LEVEL: 'warn', FENGQIAO_DATA_DIR: dir, KAFKA_BROKERS: '', MONGO_URL: '' },
      { timeoutMs: 900_000 },
    );
    const startSeconds = (Date.now() - t0) / 1000;
    const afterStart = rssMb(p.pid);
    const heapAfterStart = await heapOf(p.url);
    say(`started in ${startSeconds.toFixed(1)} s, RSS ${afterStart.toFixed(0)} MB (${heapAfterStart})`);
    let peak = afterStart;
    let lag: number | undefined;
    const t1 = Date.now();
    const deadline = t1 + 30 * 60_000;
    for (;;) {
      lag = await lagOf(p.url);
      peak = Math.max(peak, rssMb(p.pid));
      if (lag === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const rebuildSeconds = (Date.now() - t1) / 1000;
    const afterRebuild = rssMb(p.pid);
    // the highest RSS of the process's whole life (start-up with its Merkle log rebuild included), read by the kernel
    const highWater = rssMb(p.pid, 'VmHWM');
    const heapAfterRebuild = await heapOf(p.url);
    say(`  ${heapAfterRebuild}`);
    say(
      `relay lag ${String(lag)} after ${rebuildSeconds.toFixed(0)} s; RSS ${afterRebuild.toFixed(0)} MB (peak seen ${peak.toFixed(0)} MB, high-water mark ${highWater.toFixed(0)} MB)`,
    );
    await p.stop();

    // a restart on the same directory: the projections and the relay start from their checkpoints,
    // and the audit follower from its state in checkpoints.sqlite (one read of its last leaf; the
    // re-check of every leaf against the store then runs in the background, resume-recheck.ts)
    const t2 = Date.now();
    const again = await spawnService(
      'standalone',
      { FENGQIAO_DEMO: 'true', LOG_LEVEL: 'warn', FENGQIAO_DATA_DIR: dir, KAFKA_BROKERS: '', MONGO_URL: '' },
      { timeoutMs: 900_000 },
    );
    const restartSeconds = (Date.now() - t2) / 1000;
    const afterRestart = rssMb(again.pid);
    say(`restarted in ${restartSeconds.toFixed(1)} s, RSS ${afterRestart.toFixed(0)} MB (${await heapOf(again.url)})`);
    await again.stop();

    const judged = EVENTS >= AIM.events;
    const verdict = (mb: number): string =>
      judged ? (mb <= AIM.rssMb ? '**met**' : '**missed**') : mb <= AIM.rssMb ? 'met at this size, not judged' : 'missed at this size, not judged';
    const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at the end ${loadavg()[0].toFixed(2)}`;
    const section = [
      START,
      `## Standalone memory and start-up with a large store (issue 15)`,
      '',
      `Measured ${new Date().toISOString()} on ${machine}. ${EVENTS.toLocaleString('en-US')} events in the intake store (written beforehand in ${fillSeconds.toFixed(0)} s; ` +
        'grid-case notes of ~400 bytes that no projection applies and the relay skips), fresh data directory otherwise (demo district seeded on start), no relay checkpoint: ' +
        'the relay reads the whole store from position 0 and the audit follower rebuilds the Merkle log. RSS = VmRSS of the process; ' +
        "the peak is the highest of the samples taken every 2 s during the relay's pass and of the kernel's high-water mark (VmHWM: the highest RSS since the process started, start-up included), read at the end of the pass.",
      '',
      '| what | figure | aim |',
      '|---|---|---|',
      `| baseline: empty data directory, start-up / RSS 3 s after start | ${base.startSeconds.toFixed(1)} s / ${base.rss.toFixed(0)} MB | — |`,
      `| start-up (spawn → listening) | ${startSeconds.toFixed(1)} s | reported |`,
      `| RSS after start (V8: ${heapAfterStart}) | ${afterStart.toFixed(0)} MB | ≤ ${AIM.rssMb} MB: ${verdict(afterStart)} |`,
      `| restart on the same directory (checkpoints kept): start-up / RSS | ${restartSeconds.toFixed(1)} s / ${afterRestart.toFixed(0)} MB | reported |`,
      `| relay through the store (lag ${String(lag)} at the end) | ${rebuildSeconds.toFixed(0)} s | — |`,
      `| RSS after it (in brackets: peak seen while it ran / high-water mark since start; V8: ${heapAfterRebuild}) | ${afterRebuild.toFixed(0)} MB (${peak.toFixed(0)} / ${highWater.toFixed(0)} MB) | ≤ ${AIM.rssMb} MB: ${verdict(Math.max(afterRebuild, peak, highWater))} |`,
      '',
      END,
    ].join('\n');
    const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '# Benchmarks\n';
    const from = current.indexOf(START);
    const to = current.indexOf(END, from);
    writeFileSync(OUT, from >= 0 && to > from ? current.slice(0, from) + section + current.slice(to + END.length) : `${current.trimEnd()}\n\n${section}\n`);
    process.stdout.write(`${section}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const START = '<!-- standalone-memory:start (written by bench/standalone-memory.ts) -->';
const END = '<!-- standalone-memory:end -->';

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
