/** Writes BENCHMARKS.md from one run's results; keeps the hand-written "Reading" section. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IntegrityResult, IntegritySizes } from './integrity';
import type { MachineInfo } from './lib/machine';
import { formatMs, formatRate } from './lib/progress';
import type { Summary } from './lib/stats';
import {
  BULK_BATCH,
  BULK_INFLIGHT,
  BULK_STREAM_LENGTH,
  FOLD_STREAM_LENGTH,
  REPLAY_PAGE,
  WRITERS,
  type WorkloadId,
  type WorkloadResult,
  type WorkloadSizes,
} from './workloads';

export interface BackendReport {
  backend: 'sqlite' | 'mongodb';
  server: string;
  sizes: WorkloadSizes;
  results: WorkloadResult[];
  skipped?: string;
}

export interface BenchReport {
  mode: 'full' | 'quick';
  runs: number;
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  packages: Record<string, string>;
  backends: BackendReport[];
  integrity?: IntegrityResult[];
  integritySizes: IntegritySizes;
  integrityError?: string;
}

const READING_START = '<!-- reading:start (hand-written; kept when the file is regenerated) -->';
const READING_END = '<!-- reading:end -->';
const DEFAULT_READING = `${READING_START}
_Not written yet._
${READING_END}`;

const n = (x: number): string => x.toLocaleString('en-US');

function workloadTitle(w: WorkloadId, sizes: WorkloadSizes): string {
  switch (w) {
    case 'append-1':
      return `Append 1 event per append (1 writer, 1 stream; ${n(sizes.append1)} appends)`;
    case 'append-10':
      return `Append 10 events per append (1 writer, 1 stream; ${n(sizes.append10)} appends)`;
    case 'concurrent-16':
      return `Append 1 event, ${WRITERS} concurrent writers, own stream each (${n(sizes.concurrentPerWriter)} appends each)`;
    case 'read-fold-1000':
      return `Read and fold a ${n(FOLD_STREAM_LENGTH)}-event stream (${n(sizes.readFoldReps)} reads)`;
    case 'bulk-load':
      return `Bulk load before the replay (${n(sizes.replayEvents)} events, appends of ${BULK_BATCH}, ${BULK_INFLIGHT} in flight; 1 run)`;
    case 'replay':
      return `Full replay: readAll from position 0, pages of ${n(REPLAY_PAGE)}, ${n(sizes.replayEvents)} events`;
  }
}

function latencyUnit(w: WorkloadId): string {
  switch (w) {
    case 'append-1':
    case 'append-10':
    case 'concurrent-16':
    case 'bulk-load':
      return 'per append';
    case 'read-fold-1000':
      return 'per read-and-fold';
    case 'replay':
      return 'per page';
  }
}

const KIND_NAME = { ours: 'ours', emmett: 'Emmett', raw: 'raw' } as const;

function cell(r: WorkloadResult | undefined): string {
  if (!r) return '–';
  if (!r.summary) {
    if (r.note?.startsWith('not supported')) return 'not supported';
    if (r.note?.startsWith('not run')) return 'cannot run';
    if (r.note?.startsWith('not loaded')) return '(reads the file ours loaded)';
    return 'failed';
  }
  const s = r.summary;
  const lat = s.p50Ms === undefined ? '' : `<br>p50 ${formatMs(s.p50Ms)} · p99 ${formatMs(s.p99Ms)}`;
  return `**${formatRate(s.eventsPerSec)}**${lat}${r.failed ? ' (partial)' : ''}`;
}

function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  if (!a || !b || !(b.eventsPerSec > 0)) return undefined;
  return a.eventsPerSec / b.eventsPerSec;
}

const fmtRatio = (x: number | undefined): string => (x === undefined ? '–' : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`);

/** Notes in table cells: the reason's first sentence (the full text is under "What could not run"). */
function shortNote(note: string): string {
  const first = note.split(/(?<=[.:])\s/)[0];
  return (first.length < note.length ? `${first} …` : first).replace(/\|/g, '\\|');
}

const WORKLOADS: WorkloadId[] = ['append-1', 'append-10', 'concurrent-16', 'read-fold-1000', 'bulk-load', 'replay'];

function find(b: BackendReport, w: WorkloadId, kind: WorkloadResult['kind']): WorkloadResult | undefined {
  return b.results.find((r) => r.workload === w && r.kind === kind);
}

function backendSection(b: BackendReport, runs: number): string[] {
  const title = b.backend === 'sqlite' ? 'SQLite' : 'MongoDB protocol';
  const out = [`## ${title}: ${b.server}`, ''];
  if (b.skipped) return [...out, `Not measured: ${b.skipped}`, ''];
  out.push(
    `Events per second (median of ${runs} runs unless marked), with p50 / p99 latency ${'per operation'} below each rate. ` +
      '"ours ÷ raw" and "ours ÷ Emmett" compare the medians: above 1× ours is faster.',
    '',
    '| Workload | ours | Emmett | raw | ours ÷ Emmett | ours ÷ raw |',
    '|---|---|---|---|---|---|',
  );
  for (const w of WORKLOADS) {
    const [o, e, r] = (['ours', 'emmett', 'raw'] as const).map((k) => find(b, w, k));
    if (!o && !e && !r) continue;
    out.push(
      `| ${workloadTitle(w, b.sizes)}; latency ${latencyUnit(w)} | ${cell(o)} | ${cell(e)} | ${cell(r)} | ${fmtRatio(ratio(o?.summary, e?.summary))} | ${fmtRatio(ratio(o?.summary, r?.summary))} |`,
    );
  }
  out.push('', '<details><summary>Every row: contender, spread of the runs, notes</summary>', '');
  out.push('| Workload | Contender | events/s (median) | runs: min – max | p50 | p99 | what ran / note |', '|---|---|---|---|---|---|---|');
  for (const r of b.results) {
    const s = r.summary;
    out.push(
      `| ${r.workload} | ${KIND_NAME[r.kind]} | ${s ? formatRate(s.eventsPerSec) : '–'} | ${s ? `${formatRate(s.minEventsPerSec)} – ${formatRate(s.maxEventsPerSec)} (${s.runs})` : '–'} | ${formatMs(s?.p50Ms)} | ${formatMs(s?.p99Ms)} | ${r.label}${r.note ? `. ${shortNote(r.note)}` : ''} |`,
    );
  }
  out.push('', '</details>', '');
  return out;
}

function integritySection(report: BenchReport): string[] {
  const out = ['## Integrity (CPU only, no storage)', ''];
  if (report.integrityError) return [...out, `Failed: ${report.integrityError}`, ''];
  if (!report.integrity) return [...out, 'Not run in this invocation.', ''];
  const sz = report.integritySizes;
  out.push(
    `Chain: \`verifyStreamChain\` over one ${n(sz.chainLength)}-event stream. Merkle: ${n(sz.merkleLeaves)} leaves appended to a fresh log; ` +
      `${n(sz.proofs)} random proofs generated and verified on that log. Emmett has no hash chain or Merkle log, so there is no Emmett column; ` +
      'the "raw" rows are hashing floors, not alternatives.',
    '',
    '| Workload | Contender | per second (median) | runs: min – max | p50 | p99 | what ran |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of report.integrity) {
    const s = r.summary;
    const unit = r.workload.startsWith('verify-chain') ? 'events' : r.workload === 'merkle-append' ? 'leaves' : 'proofs';
    out.push(
      `| ${r.workload} | ${KIND_NAME[r.kind]} | ${s ? `${formatRate(s.eventsPerSec)} ${unit}` : '–'} | ${s ? `${formatRate(s.minEventsPerSec)} – ${formatRate(s.maxEventsPerSec)} (${s.runs})` : '–'} | ${formatMs(s?.p50Ms)} | ${formatMs(s?.p99Ms)} | ${r.label} |`,
    );
  }
  out.push('');
  return out;
}

/** Issue 15's standalone aims that this run measures; the dispatch and memory aims have their own sections. */
export const STANDALONE_AIMS = { replayEventsPerSec: 200_000, replayEvents: 1_000_000, verifyEventsPerSec: 500_000 };

const cpuNote = (s: Summary): string => (s.eventsPerCpuSec === undefined ? '' : `; ${formatRate(s.eventsPerCpuSec)} per CPU second of the benchmark process`);

/** The aims are judged on the wall-clock rate; the CPU-second rate says what the process did with the CPU it got. */
function standaloneAims(report: BenchReport): string[] {
  const out: string[] = [];
  const sqlite = report.backends.find((b) => b.backend === 'sqlite' && !b.skipped);
  const replay = sqlite ? find(sqlite, 'replay', 'ours')?.summary : undefined;
  if (sqlite && replay) {
    const size = sqlite.sizes.replayEvents;
    const met = replay.eventsPerSec >= STANDALONE_AIMS.replayEventsPerSec;
    const sized = size >= STANDALONE_AIMS.replayEvents;
    out.push(
      `- **standalone replay ≥ ${n(STANDALONE_AIMS.replayEventsPerSec)} events/s on ${n(STANDALONE_AIMS.replayEvents)} events** (readAll pages of ${n(REPLAY_PAGE)}, every event's data read): ` +
        `${formatRate(replay.eventsPerSec)} events/s on ${n(size)} events (runs ${formatRate(replay.minEventsPerSec)} – ${formatRate(replay.maxEventsPerSec)}${cpuNote(replay)}): ` +
        (sized
          ? met
            ? '**met**.'
            : '**missed**.'
          : `${met ? 'met' : 'missed'} at this size, **not judged** (the aim is for ${n(STANDALONE_AIMS.replayEvents)} events; run with \`--replay-events ${STANDALONE_AIMS.replayEvents}\`).`),
    );
  } else out.push('- **standalone replay**: not measured in this run.');
  const verify = report.integrity?.find((r) => r.workload === 'verify-chain' && r.kind === 'ours')?.summary;
  const copies = report.integrity?.find((r) => r.workload === 'verify-chain-copies')?.summary;
  if (verify) {
    out.push(
      `- **chain verification ≥ ${n(STANDALONE_AIMS.verifyEventsPerSec)} events/s** (events read from the SQLite store): ${formatRate(verify.eventsPerSec)} events/s ` +
        `(runs ${formatRate(verify.minEventsPerSec)} – ${formatRate(verify.maxEventsPerSec)}${cpuNote(verify)}): ${verify.eventsPerSec >= STANDALONE_AIMS.verifyEventsPerSec ? '**met**' : '**missed**'}` +
        (copies ? `; re-canonicalising the same events (plain copies) runs at ${formatRate(copies.eventsPerSec)} events/s${cpuNote(copies)}.` : '.'),
    );
  } else out.push('- **chain verification**: not measured in this run.');
  return out;
}

function aimsSection(report: BenchReport): string[] {
  const out = ['## Against our aims (computed from this run)', '', ...standaloneAims(report)];
  for (const b of report.backends) {
    if (b.skipped) {
      out.push(`- **${b.backend}**: not measured (${b.skipped}).`);
      continue;
    }
    const emmettRan = b.results.some((r) => r.kind === 'emmett' && r.summary);
    if (!emmettRan) {
      out.push(`- **${b.backend}, ahead of Emmett**: cannot be judged, Emmett did not run on this backend (see below).`);
    } else {
      const parts: string[] = [];
      for (const w of WORKLOADS) {
        const x = ratio(find(b, w, 'ours')?.summary, find(b, w, 'emmett')?.summary);
        if (x !== undefined) parts.push(`${w} ${fmtRatio(x)} ${x >= 1 ? '(ahead)' : '(**behind**)'}`);
      }
      out.push(`- **${b.backend}, ours ÷ Emmett**: ${parts.join('; ')}.`);
    }
    const batched = ratio(find(b, 'append-10', 'raw')?.summary, find(b, 'append-10', 'ours')?.summary);
    if (batched !== undefined) {
      out.push(
        `- **${b.backend}, batched appends (10 per append) vs raw batched inserts**: raw is ${fmtRatio(batched)} as fast as ours ` +
          (batched <= 2 ? '(within the 2× aim).' : '(**outside the 2× aim**).'),
      );
    }
    for (const w of ['append-1', 'concurrent-16', 'read-fold-1000', 'replay'] as const) {
      const x = ratio(find(b, w, 'raw')?.summary, find(b, w, 'ours')?.summary);
      if (x !== undefined) out.push(`- ${b.backend}, ${w}: raw is ${fmtRatio(x)} as fast as ours${x < 1 ? ' (ours is faster)' : ''}.`);
    }
  }
  out.push('');
  return out;
}

function notRunSection(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const b of report.backends) {
    if (b.skipped) lines.push(`- ${b.backend}: ${b.skipped}`);
    // one line per contender and reason, listing the workloads it concerns
    const byReason = new Map<string, string[]>();
    for (const r of b.results) {
      if (!r.note || r.note.startsWith('not loaded')) continue;
      const key = `${KIND_NAME[r.kind]}\u0000${r.note}`;
      byReason.set(key, [...(byReason.get(key) ?? []), r.workload]);
    }
    for (const [key, workloads] of byReason) {
      const [kind, note] = key.split('\u0000');
      lines.push(`- ${b.backend}, ${kind} (${workloads.join(', ')}): ${note}`);
    }
  }
  if (report.integrityError) lines.push(`- integrity: ${report.integrityError}`);
  lines.push('- KurrentDB adapter: not measured (no KurrentDB server on this machine; `deploy/local` runs FerretDB and Kafka only).');
  return ['## What could not run', '', ...(lines.length ? lines : ['- Everything ran.']), ''];
}

function machineSection(report: BenchReport): string[] {
  const m = report.machine;
  const mongo = report.backends.find((b) => b.backend === 'mongodb');
  return [
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${m.cpuModel}, ${m.cores} cores |`,
    `| Memory | ${m.memoryGiB} GiB (${m.freeMemoryGiB} GiB free at start) |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node}${m.nodeFlags?.length ? ` (the in-process stores run under ${m.nodeFlags.map((f) => `\`${f}\``).join(' ')})` : ''} |`,
    `| SQLite | ${m.sqlite} (node:sqlite) |`,
    `| MongoDB protocol server | ${mongo ? mongo.server : 'not used'} |`,
    `| Load average (1/5/15 min) | start ${m.loadAverageStart.join(' / ')}; end ${m.loadAverageEnd?.join(' / ') ?? '?'} |`,
    `| Busiest processes at start | ${m.busiestProcesses.join(', ') || 'unknown'} |`,
    `| Code | commit ${m.gitCommit} |`,
    '',
    `The machine is shared: other engineers' builds and tests (and the shared FerretDB and Kafka) were running during the run, ` +
      'as the load average shows. Treat differences under ~20 % as noise; the ratios between contenders, measured interleaved in the same run, are more stable than the absolute rates.',
    '',
    '## Packages',
    '',
    ...Object.entries(report.packages).map(([p, v]) => `- \`${p}\`: ${v}`),
    '',
  ];
}

function methodSection(report: BenchReport): string[] {
  return [
    '## How it was measured',
    '',
    `- \`npm run bench\` (\`scripts/bench.mjs\` → \`bench/main.ts\`), mode **${report.mode}**, ${report.runs} runs per workload, median reported; total ${Math.round(report.durationSeconds / 6) / 10} min. ` +
      '`npm run bench -- --quick` is a smoke run with small sizes (written to a temp file unless `--out` is given).',
    "- Every run opens fresh storage (a new SQLite file, a new collection), writes 3 untimed warm-up appends (or loads the stream to read), then times the operations. Event objects are built before the clock starts. Contenders are interleaved run by run (run 1 of each, then run 2 of each, …), so a change in the machine's load hits all of them; the SQLite workloads also get one untimed warm-up run each (JIT).",
    '- The events are the same for every contender: one grid-case note of ~400 bytes of JSON with the full envelope (actor, correlation, causation, jurisdiction, schema version). Emmett gets the envelope fields in its event metadata.',
    '- **Durability**: SQLite runs in WAL mode with `synchronous=FULL` for ours and raw (a resolved append survives power loss). MongoDB-protocol writes use `{ w: "majority", j: true }` for all three contenders (our store\'s default; Emmett and raw through the client\'s write concern).',
    '- **raw** is the backend alone: SQLite: prepared `INSERT`s into the same table (same columns and unique constraints) in `BEGIN IMMEDIATE … COMMIT`, one transaction per append, no checks, no hashing; reads parse the JSON the row holds. MongoDB: `insertOne` (1 event) / `insertMany` (batch) of one document per event with a unique `(streamId, revision)` index; reads `find` + `JSON.parse`. With 16 concurrent writers, raw SQLite is still one transaction (one fsync) per insert, because `node:sqlite` is synchronous; ours shares one fsync among the appends queued in the same event-loop turn (group commit).',
    `- **Replay**: the store is first filled (${n(BULK_STREAM_LENGTH)}-event streams, appends of ${BULK_BATCH}, ${BULK_INFLIGHT} appenders in flight; timed once as "bulk load"), then read from position 0 with \`readAll\` pages of ${n(REPLAY_PAGE)} until empty, ${report.runs} times. ` +
      "Every contender reads each event's `data` (a projection would): our SQLite store reads each page as one statement row (SQLite joins the page's columns and contents), parses each event's content once (envelope and `data` together) into a plain event (no bytes kept beside it); it reads the next page ahead on a worker thread only while the rest of the machine leaves a core beside the replay's own thread (the CPU time of every process in the last quarter second, minus the store's own process). " +
      "Raw SQLite replays the very file our store loaded (read-only connection, same rows; one `JSON.parse` of each row's stored canonical bytes, no event built); raw MongoDB loads its own collection with `insertMany`.",
    ...ferretDbNote(report),
    '',
  ];
}

/** What the measured FerretDB pushes down to its backend (checked with `explain`), for the server the run named. */
function ferretDbNote(report: BenchReport): string[] {
  const server = report.backends.find((b) => b.backend === 'mongodb')?.server ?? '';
  if (!server.startsWith('FerretDB')) return [];
  const sizes = `The MongoDB-protocol sizes are kept small for that reason (the replay uses ${n(SIZE_NOTE(report))} events instead of 1,000,000), and its numbers say more about FerretDB than about the stores. They are not MongoDB numbers.`;
  if (server.includes('SQLite backend')) {
    return [
      '- **FerretDB 1.24 (SQLite backend)** pushes no filter, sort or limit down to SQLite except equality on a string `_id` (checked with `explain`: `filterPushdown`/`sortPushdown`/`limitPushdown` false, plan `SCAN`). Every query therefore reads and decodes the whole collection, so on FerretDB the cost of an operation grows with the collection size, for every contender. ' +
        sizes,
    ];
  }
  return [
    '- **FerretDB 1.24 (PostgreSQL backend)** pushes equality on top-level scalar fields and on `_id` down to PostgreSQL; `$gt`/`$gte`, `$in`, `$or`, dotted paths and every sort are not pushed down (checked with `explain`), so a query using them reads and decodes the whole collection and its cost grows with the collection size, for every contender. ' +
      "`deploy/local`'s PostgreSQL is a test server with `fsync=off` (unless `POSTGRES_FSYNC=on`), so `j: true` costs no disk flush there. " +
      sizes,
  ];
}

const SIZE_NOTE = (report: BenchReport): number => report.backends.find((b) => b.backend === 'mongodb')?.sizes.replayEvents ?? 0;

/**
 * Sections other scripts own in the same file, marked `<!-- name:start … -->` … `<!-- name:end -->`
 * (e.g. bench/dispatch-latency.ts): kept verbatim, in their order, after this report.
 */
function foreignSections(previous: string): string[] {
  const out: string[] = [];
  for (const m of previous.matchAll(/<!-- ([a-z0-9-]+):start[^>]*-->[\s\S]*?<!-- \1:end -->/g)) {
    if (m[1] !== 'reading') out.push(m[0]);
  }
  return out;
}

export function renderReport(report: BenchReport, previous: string | undefined): string {
  let reading = DEFAULT_READING;
  if (previous) {
    const a = previous.indexOf(READING_START);
    const b = previous.indexOf(READING_END);
    if (a >= 0 && b > a) reading = previous.slice(a, b + READING_END.length);
  }
  const others = previous ? foreignSections(previous) : [];
  const lines = [
    '# Event-store benchmarks',
    '',
    `> Generated by \`npm run bench\` (${report.mode} run) on ${report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}. ` +
      'The numbers and the computed sections are rewritten by every full run; only the "Reading" section is hand-written. ' +
      'Benchmarks are not tests: nothing asserts a speed.',
    '',
    ...machineSection(report),
    ...methodSection(report),
    ...report.backends.flatMap((b) => backendSection(b, report.runs)),
    ...integritySection(report),
    ...aimsSection(report),
    ...notRunSection(report),
    '## Reading',
    '',
    reading,
    '',
    ...others.flatMap((section) => [section, '']),
  ];
  return lines.join('\n');
}

export function writeReport(path: string, report: BenchReport): void {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  writeFileSync(path, renderReport(report, previous));
}
