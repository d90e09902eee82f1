/**
 * The store workloads, each run the same way for every contender through `Session`. Event objects
 * are built before the clock starts; each run opens fresh storage, so runs do not see each other's data.
 */
import { makeEvents, type BenchEvent } from './lib/events';
import { formatMs, formatRate, progress } from './lib/progress';
import { cpuSecondsSince, nowMs, summarise, type RunSample, type Summary } from './lib/stats';
import type { Session, Subject } from './subjects/subject';

export type WorkloadId = 'append-1' | 'append-10' | 'concurrent-16' | 'read-fold-1000' | 'bulk-load' | 'replay';

export interface WorkloadSizes {
  /** Timed single-event appends per run. */
  append1: number;
  /** Timed 10-event appends per run. */
  append10: number;
  /** Timed single-event appends per writer per run (16 writers). */
  concurrentPerWriter: number;
  /** Timed read-and-folds of the 1,000-event stream per run. */
  readFoldReps: number;
  /** Events written before the replay, then read back from position 0 (0: skip). */
  replayEvents: number;
}

export const WRITERS = 16;
export const FOLD_STREAM_LENGTH = 1000;
export const REPLAY_PAGE = 1000;
/** Bulk load for the replay: appends of this many events, this many appenders in flight. */
export const BULK_BATCH = 10;
export const BULK_INFLIGHT = 16;
export const BULK_STREAM_LENGTH = 1000;

export interface WorkloadResult {
  workload: WorkloadId;
  kind: Subject['kind'];
  label: string;
  summary?: Summary;
  /** Why there is no number: unavailable contender, unsupported operation, or the error it hit. */
  note?: string;
  failed?: boolean;
}

async function timedAppends(session: Session, streamId: string, batches: BenchEvent[][], startRevision: number): Promise<RunSample> {
  const latenciesMs: number[] = [];
  let revision = startRevision;
  let events = 0;
  const t0 = nowMs();
  for (const batch of batches) {
    const t = nowMs();
    revision = await session.append(streamId, batch, revision);
    latenciesMs.push(nowMs() - t);
    events += batch.length;
  }
  return { events, seconds: (nowMs() - t0) / 1000, latenciesMs };
}

/** One writer, one stream: `count` appends of `size` events each, after 3 untimed warm-up appends. */
async function appendRun(session: Session, tag: string, count: number, size: number): Promise<RunSample> {
  const streamId = `case-${tag}`;
  let revision = -1;
  for (let i = 0; i < 3; i++) revision = await session.append(streamId, makeEvents(streamId, size), revision);
  const batches = Array.from({ length: count }, () => makeEvents(streamId, size));
  return timedAppends(session, streamId, batches, revision);
}

/** 16 writers at once, each on its own stream, each appending single events one after the other. */
async function concurrentRun(session: Session, tag: string, perWriter: number): Promise<RunSample> {
  const streams = Array.from({ length: WRITERS }, (_, w) => `case-${tag}-w${w}`);
  const revisions = await Promise.all(streams.map((s) => session.append(s, makeEvents(s, 1), -1)));
  const plans = streams.map((s) => Array.from({ length: perWriter }, () => makeEvents(s, 1)));
  const latenciesMs: number[] = [];
  const t0 = nowMs();
  await Promise.all(
    streams.map(async (streamId, w) => {
      let revision = revisions[w];
      for (const batch of plans[w]) {
        const t = nowMs();
        revision = await session.append(streamId, batch, revision);
        latenciesMs.push(nowMs() - t);
      }
    }),
  );
  return { events: WRITERS * perWriter, seconds: (nowMs() - t0) / 1000, latenciesMs };
}

async function readFoldRun(session: Session, tag: string, reps: number): Promise<RunSample> {
  const streamId = `case-${tag}-long`;
  let revision = -1;
  for (let i = 0; i < FOLD_STREAM_LENGTH / 100; i++) revision = await session.append(streamId, makeEvents(streamId, 100), revision);
  for (let i = 0; i < 2; i++) await session.readAndFold(streamId); // warm-up
  const latenciesMs: number[] = [];
  const t0 = nowMs();
  for (let i = 0; i < reps; i++) {
    const t = nowMs();
    const state = await session.readAndFold(streamId);
    latenciesMs.push(nowMs() - t);
    if (state.count !== FOLD_STREAM_LENGTH) throw new Error(`read-and-fold saw ${state.count} events, expected ${FOLD_STREAM_LENGTH}`);
  }
  return { events: FOLD_STREAM_LENGTH * reps, seconds: (nowMs() - t0) / 1000, latenciesMs };
}

/** Writes `total` events: streams of 1,000 events, appends of 10, 16 appenders in flight. */
async function bulkLoad(session: Session, tag: string, total: number, onProgress: (done: number) => void): Promise<RunSample> {
  const streams = Math.ceil(total / BULK_STREAM_LENGTH);
  let nextStream = 0;
  let written = 0;
  let reported = 0;
  const latenciesMs: number[] = [];
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: BULK_INFLIGHT }, async () => {
      for (;;) {
        const s = nextStream++;
        if (s >= streams) return;
        const streamId = `case-${tag}-bulk-${s}`;
        const length = Math.min(BULK_STREAM_LENGTH, total - s * BULK_STREAM_LENGTH);
        let revision = -1;
        for (let done = 0; done < length; done += BULK_BATCH) {
          const batch = makeEvents(streamId, Math.min(BULK_BATCH, length - done));
          const t = nowMs();
          revision = await session.append(streamId, batch, revision);
          latenciesMs.push(nowMs() - t);
          written += batch.length;
          if (written - reported >= total / 10) {
            reported = written;
            onProgress(written);
          }
        }
      }
    }),
  );
  return { events: written, seconds: (nowMs() - t0) / 1000, latenciesMs };
}

function describe(s: Summary): string {
  const lat = s.p50Ms === undefined ? '' : `, p50 ${formatMs(s.p50Ms)}, p99 ${formatMs(s.p99Ms)}`;
  return `${formatRate(s.eventsPerSec)} ev/s${lat}`;
}

function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: unknown };
  const code = e?.code === undefined ? '' : ` (code ${String(e.code)})`;
  return `${e?.name ?? 'Error'}: ${String(e?.message ?? error)
    .split('\n')[0]
    .slice(0, 300)}${code}`;
}

/**
 * Runs one workload for every subject, interleaved (run 1 of each contender, then run 2 of each…),
 * so a change in the machine's load hits all contenders alike. Run 0 is an untimed warm-up.
 */
async function repeatInterleaved(
  backend: string,
  workload: WorkloadId,
  subjects: Subject[],
  runs: number,
  run: (session: Session, tag: string) => Promise<RunSample>,
  warmupRun: boolean,
): Promise<WorkloadResult[]> {
  const state = subjects.map((subject) => ({ subject, samples: [] as RunSample[], error: undefined as string | undefined }));
  for (let r = warmupRun ? 0 : 1; r <= runs; r++) {
    for (const st of state) {
      const { subject } = st;
      if (subject.unavailable || st.error) continue;
      const tag = `${workload.replace(/[^a-z0-9]/g, '')}_r${r}_${Date.now().toString(36)}`;
      let session: Session | undefined;
      try {
        session = await subject.open(tag);
        const sample = await run(session, tag);
        const s = summarise([sample]);
        if (r === 0) {
          progress(`${backend} ${workload} ${subject.kind} warm-up run (not counted): ${describe(s)}`);
        } else {
          st.samples.push(sample);
          progress(`${backend} ${workload} ${subject.kind} run ${r}/${runs}: ${describe(s)}`);
        }
      } catch (error) {
        st.error = errorText(error);
        progress(`${backend} ${workload} ${subject.kind} run ${r}/${runs} FAILED: ${st.error}`);
      } finally {
        await session?.close().catch(() => undefined);
      }
    }
  }
  return state.map(({ subject, samples, error }): WorkloadResult => {
    const base = { workload, kind: subject.kind, label: subject.label };
    if (subject.unavailable) return { ...base, note: `not run: ${subject.unavailable}`, failed: true };
    if (error) return { ...base, ...(samples.length ? { summary: summarise(samples) } : {}), note: `failed: ${error}`, failed: true };
    return { ...base, summary: summarise(samples) };
  });
}

export interface BackendPlan {
  backend: string;
  subjects: Subject[];
  sizes: WorkloadSizes;
  runs: number;
  /** Run each workload once untimed first (JIT warm-up); off where a run is expensive. */
  warmupRun: boolean;
}

/** Runs every workload for every subject of one backend, contenders interleaved per workload. */
export async function runStoreWorkloads(plan: BackendPlan): Promise<WorkloadResult[]> {
  const { backend, subjects, sizes, runs, warmupRun } = plan;
  const results: WorkloadResult[] = [];
  const each = async (workload: WorkloadId, run: (session: Session, tag: string) => Promise<RunSample>): Promise<void> => {
    progress(`${backend} ${workload} …`);
    results.push(...(await repeatInterleaved(backend, workload, subjects, runs, run, warmupRun)));
  };
  // a size of 0 skips the workload (`--only replay` runs the replay alone)
  if (sizes.append1 > 0) await each('append-1', (s, tag) => appendRun(s, tag, sizes.append1, 1));
  if (sizes.append10 > 0) await each('append-10', (s, tag) => appendRun(s, tag, sizes.append10, 10));
  if (sizes.concurrentPerWriter > 0) await each('concurrent-16', (s, tag) => concurrentRun(s, tag, sizes.concurrentPerWriter));
  if (sizes.readFoldReps > 0) await each('read-fold-1000', (s, tag) => readFoldRun(s, tag, sizes.readFoldReps));
  if (sizes.replayEvents > 0) {
    let loadedFile: string | undefined;
    for (const subject of subjects) {
      results.push(
        ...(await replayWorkload(backend, subject, sizes.replayEvents, runs, loadedFile, (file) => {
          loadedFile ??= file;
        })),
      );
    }
  }
  return results;
}

/**
 * Bulk-loads once (one run), then replays the whole store `runs` times. A subject that can `attach`
 * to a file another contender already loaded (raw SQLite) replays those very rows instead.
 */
async function replayWorkload(
  backend: string,
  subject: Subject,
  total: number,
  runs: number,
  loadedFile: string | undefined,
  onLoaded: (file: string) => void,
): Promise<WorkloadResult[]> {
  const base = { kind: subject.kind, label: subject.label };
  if (subject.unavailable) {
    const note = `not run: ${subject.unavailable}`;
    return [
      { ...base, workload: 'bulk-load', note, failed: true },
      { ...base, workload: 'replay', note, failed: true },
    ];
  }
  const tag = `replay_${Date.now().toString(36)}`;
  let session: Session | undefined;
  try {
    const attached = loadedFile !== undefined && subject.attach !== undefined;
    session = attached && loadedFile && subject.attach ? await subject.attach(loadedFile) : await subject.open(tag);
    const replayAll = session.replayAll?.bind(session);
    if (!replayAll) {
      const note = 'not supported: this store has no global read (read-all by global position)';
      progress(`${backend} replay ${subject.kind}: ${note}`);
      return [
        { ...base, workload: 'bulk-load', note },
        { ...base, workload: 'replay', note },
      ];
    }
    let loadResult: WorkloadResult;
    if (attached) {
      loadResult = {
        ...base,
        workload: 'bulk-load',
        note: 'not loaded separately: the replay reads the rows our store wrote (same file, read-only connection)',
      };
      progress(`${backend} replay ${subject.kind}: reading the file our store loaded`);
    } else {
      progress(`${backend} bulk-load ${subject.kind}: writing ${total.toLocaleString('en-US')} events …`);
      const load = await bulkLoad(session, tag, total, (done) =>
        progress(`${backend} bulk-load ${subject.kind}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`),
      );
      loadResult = { ...base, workload: 'bulk-load', summary: summarise([load]) };
      progress(`${backend} bulk-load ${subject.kind}: ${describe(summarise([load]))}`);
      if (session.file) onLoaded(session.file);
    }
    const samples: RunSample[] = [];
    for (let r = 1; r <= runs; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = nowMs();
      const pageMs: number[] = [];
      let t = nowMs();
      const read = await replayAll(REPLAY_PAGE, () => {
        const now = nowMs();
        pageMs.push(now - t);
        t = now;
      });
      const sample: RunSample = { events: read, seconds: (nowMs() - t0) / 1000, latenciesMs: pageMs, cpuSeconds: cpuSecondsSince(cpu0) };
      if (read !== total) throw new Error(`replay read ${read} events, expected ${total}`);
      samples.push(sample);
      progress(`${backend} replay ${subject.kind} run ${r}/${runs}: ${describe(summarise([sample]))} per page`);
    }
    return [loadResult, { ...base, workload: 'replay', summary: summarise(samples) }];
  } catch (error) {
    progress(`${backend} replay ${subject.kind} FAILED: ${errorText(error)}`);
    return [{ ...base, workload: 'replay', note: `failed: ${errorText(error)}`, failed: true }];
  } finally {
    await session?.close().catch(() => undefined);
  }
}
