/**
 * Read-ahead for `SqliteEventStore.readAll` (issue 15: a 1,000,000-event replay).
 *
 * A replay reads the log page after page, and each page costs two things: SQLite stepping the rows
 * and node:sqlite turning them into JS values (a third of the time, mostly one ArrayBuffer per
 * row's content), then decoding, parsing and building the events (the rest). Both run on the one
 * JS thread. While the caller works on page n, a worker thread with its own read-only connection
 * reads page n+1 and hands it over as ONE transferred buffer (every row's content back to back)
 * plus a few joined strings, so the main thread only decodes, parses and builds. On a machine with
 * a free core the page's SQLite time leaves the critical path.
 *
 * Correctness. A page read ahead is used only when it is the very page asked for (same
 * `afterPosition`, same `maxCount`) and it is FULL: the first `maxCount` positions after
 * `afterPosition` are final once visible (positions become visible in increasing order, the table
 * is append-only), so a full page read earlier is exactly what a read now returns. A short page
 * (the end of the log when it was read) might miss events committed since, e.g. the caller's own
 * append, so it is dropped and the page is read again on the calling thread. Any doubt (a row whose
 * content is not a BLOB, a string column holding the separator, a worker error) also falls back to
 * the calling thread, and an error turns read-ahead off for the store.
 *
 * Only when the machine has a core to spare (`SpareCoreProbe`: the CPU time of the rest of the
 * machine), only a file store (`:memory:` cannot be shared with a thread), and only for pages of at
 * least `READ_AHEAD_MIN_PAGE` events (a full pass, not a small poll), and the worker is started on
 * the first such page and stopped by `close()` or after `READ_AHEAD_IDLE_MS` without a request (a
 * store that tails the log keeps no thread); it keeps the process alive only while a page is on its
 * way (a caller may be awaiting it), never when idle.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PAGE_SQL, unpackPage, type Page, type PageRow } from './sqlite-page';

/** Smallest `maxCount` worth reading ahead. */
export const READ_AHEAD_MIN_PAGE = 256;
/** A worker not asked for a page this long is stopped. */
export const READ_AHEAD_IDLE_MS = 5000;

/** CPU times as the probe samples them, in ms: every core's busy time (all processes), this process's own (all its threads). */
export interface CpuSample {
  machineBusyMs: number;
  ownMs: number;
}

function sampleCpu(): CpuSample {
  let busy = 0;
  for (const { times } of cpus()) busy += times.user + times.nice + times.sys + times.irq;
  const own = process.cpuUsage();
  return { machineBusyMs: busy, ownMs: (own.user + own.system) / 1000 };
}

/** How often the probe samples (`os.cpus()` costs ~70 µs); a window longer than `SPARE_CORE_STALE_MS` is not used. */
export const SPARE_CORE_SAMPLE_MS = 250;
export const SPARE_CORE_STALE_MS = 5000;

/**
 * Whether a core is likely free for the worker: the rest of the machine, i.e. every core's busy time
 * in the last window (`os.cpus()`: all processes) minus this process's own (`process.cpuUsage()`: all
 * its threads, the worker and the collector's included), leaves a core beside the replay's own
 * thread, in which the worker (under half a core: it only steps SQLite) fits. One probe per process,
 * shared by every store; it samples at most every `SPARE_CORE_SAMPLE_MS`. With no recent window (the
 * first page of a pass) it falls back to the 1-minute load average, which counts the replay's own
 * thread (about 1 while it replays): `load ≤ cores`.
 *
 * Why not the load average alone (the rule until 2026-12-06): it is the last minute's, and it counts
 * this process. Right after a busy minute (in the benchmark, the bulk load before the replay; in a
 * service, its own start-up) it kept read-ahead off for much of a replay that had a core to spare:
 * replays of 1,000,000 events right after their bulk load read 152k–168k events/s with it (a full
 * `npm run bench`) and 201k–207k with this probe (`--only replay`), with nothing else running.
 *
 * Measured on the 2-core dev machine (issue 15): with the calling thread reading pages as one row too,
 * eight replays of 1,000,000 events each way, in fresh processes taking turns at load 2–5: with
 * read-ahead 124k–198k events/s (median ~150k) for 6.4–8.1 CPU s, without 61k–171k (median ~122k) for
 * 5.9–6.8 CPU s (one outlier 10.6): about 20% more events/s for 10–15% more CPU. Before that (each
 * page read row by row on the calling thread, the worker's page unpacked there) it cost 30% more and
 * was slower at load 9–12 (31k against 48k). In the standalone service (one run each), the relay's
 * pass over 1,000,000 events took 24 s with read-ahead and 35 s without.
 */
export class SpareCoreProbe {
  private last: (CpuSample & { wallMs: number }) | undefined;
  private answer = true;

  constructor(
    private readonly sample: () => CpuSample = sampleCpu,
    private readonly cores: number = cpus().length || availableParallelism(),
    private readonly loadAverage: () => number = () => loadavg()[0],
    private readonly clock: () => number = () => performance.now(),
  ) {}

  spare(): boolean {
    const wallMs = this.clock();
    const last = this.last;
    if (last !== undefined && wallMs - last.wallMs < SPARE_CORE_SAMPLE_MS) return this.answer;
    const now = { ...this.sample(), wallMs };
    this.last = now;
    const window = last === undefined ? 0 : wallMs - last.wallMs;
    if (last !== undefined && window > 0 && window <= SPARE_CORE_STALE_MS) {
      const others = (now.machineBusyMs - last.machineBusyMs - (now.ownMs - last.ownMs)) / window;
      this.answer = others <= this.cores - 1;
    } else {
      this.answer = this.loadAverage() <= this.cores;
    }
    return this.answer;
  }
}

const spareCoreProbe = new SpareCoreProbe();

/** A page read ahead: the page as the calling thread would unpack it (`sqlite-page.ts`). */
export type AheadPage = Page;

interface WirePage {
  id: number;
  error?: string;
  row?: PageRow;
  /** The row's content buffer was transferred, not copied (a copy costs both threads a pass over it). */
  moved?: boolean;
}

// CommonJS evaluated in the worker (no file to resolve, compiled or not)
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path, { readOnly: true });
db.exec('PRAGMA busy_timeout = ' + workerData.busyTimeoutMs);
const page = db.prepare(workerData.sql);
page.setReturnArrays(true);
parentPort.on('message', (m) => {
  try {
    const row = page.get(m.after, m.max);
    const content = row[2];
    const transfer = content instanceof Uint8Array && content.byteOffset === 0 && content.byteLength === content.buffer.byteLength ? [content.buffer] : [];
    parentPort.postMessage({ id: m.id, row, moved: transfer.length > 0 }, transfer);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  after: number;
  max: number;
  page: Promise<AheadPage | undefined>;
}

export class SqliteReadAhead {
  private worker: Worker | undefined;
  private disabled = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (page: WirePage) => void>();
  private pending: Pending | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
    /** `'auto'`: only while the machine has a core to spare (see `SpareCoreProbe`); `'always'`: tests */
    private readonly mode: 'auto' | 'always' = 'auto',
    private readonly idleMs = READ_AHEAD_IDLE_MS,
  ) {}

  /** Pages handed over from the worker, and how many of them moved their content buffer instead of copying it (tests). */
  readonly handedOver = { pages: 0, moved: 0 };

  /** Whether a worker thread is running (tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** The page read ahead for exactly (after, max), when it is full; otherwise undefined. */
  async take(after: number, max: number): Promise<AheadPage | undefined> {
    const p = this.pending;
    if (p === undefined || p.after !== after || p.max !== max) return undefined;
    this.pending = undefined;
    const page = await p.page;
    return page !== undefined && page.count === max ? page : undefined;
  }

  /** Starts reading the page after `after` (a full page of `max` was just handed out). */
  start(after: number, max: number): void {
    if (this.disabled || max < READ_AHEAD_MIN_PAGE || (this.mode === 'auto' && !spareCoreProbe.spare())) return;
    const worker = this.ensureWorker();
    if (!worker) return;
    const id = this.nextId++;
    const page = new Promise<WirePage>((resolve) => this.waiting.set(id, resolve)).then((w) => this.unpack(w));
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.idle(), this.idleMs).unref();
    worker.ref(); // while a page is on its way, a caller may be awaiting it: keep the process alive
    worker.postMessage({ id, after, max });
    this.pending = { after, max, page };
  }

  /**
   * No page asked ahead for `READ_AHEAD_IDLE_MS`: stop the worker, so a store that only tails the
   * log keeps no idle thread (nor its memory); the next full page starts one again.
   */
  private idle(): void {
    const worker = this.worker;
    if (!worker) return;
    if (this.waiting.size > 0) {
      this.idleTimer = setTimeout(() => this.idle(), this.idleMs).unref();
      return;
    }
    this.worker = undefined;
    this.pending = undefined;
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.disabled = true;
    clearTimeout(this.idleTimer);
    this.pending = undefined;
    const worker = this.worker;
    this.worker = undefined;
    for (const resolve of this.waiting.values()) resolve({ id: 0, error: 'closed' });
    this.waiting.clear();
    if (worker) {
      // the caller awaits the stop; a worker once unref'd does not keep the loop alive while it
      // stops (Node 24: `ref()` again is not enough), so a timer does until it has stopped
      const alive = setInterval(() => undefined, 1000);
      try {
        await worker.terminate();
      } finally {
        clearInterval(alive);
      }
    }
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { path: this.path, sql: PAGE_SQL, busyTimeoutMs: this.busyTimeoutMs },
      });
      worker.unref();
      worker.on('message', (m: WirePage) => {
        const resolve = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (this.waiting.size === 0) worker.unref();
        resolve?.(m);
      });
      // an error or exit of the current worker (not of one stopped by `idle` or `close`)
      worker.on('error', () => this.worker === worker && this.fail());
      worker.on('exit', () => this.worker === worker && this.fail());
      this.worker = worker;
      return worker;
    } catch {
      this.disabled = true;
      return undefined;
    }
  }

  /** The worker is gone: read on the calling thread from now on. */
  private fail(): void {
    this.disabled = true;
    this.worker = undefined;
    for (const resolve of this.waiting.values()) resolve({ id: 0, error: 'worker stopped' });
    this.waiting.clear();
  }

  private unpack(w: WirePage): AheadPage | undefined {
    if (w.error !== undefined) {
      if (w.error !== 'closed') this.disabled = true;
      return undefined;
    }
    this.handedOver.pages += 1;
    if (w.moved) this.handedOver.moved += 1;
    return unpackPage(w.row);
  }
}
