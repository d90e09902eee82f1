/** Small statistics helpers: percentiles of latencies and the median of runs. */

/** Nearest-rank percentile (p in 0..100) of an ascending array; NaN when empty. */
export function percentile(sortedAsc: readonly number[], p: number): number {
  if (sortedAsc.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedAsc.length);
  return sortedAsc[Math.min(sortedAsc.length, Math.max(1, rank)) - 1];
}

export function median(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** One timed run of a workload. */
export interface RunSample {
  /** Events written or read in the timed part. */
  events: number;
  seconds: number;
  /** Per-operation latencies in milliseconds (one append, one read-and-fold, one proof…). */
  latenciesMs?: number[];
  /** CPU time (user + system) this process used in the timed part, where measured. */
  cpuSeconds?: number;
}

/** The median of several runs of one workload for one contender. */
export interface Summary {
  runs: number;
  eventsPerRun: number;
  /** Median of the runs' events per second. */
  eventsPerSec: number;
  /** Lowest and highest events per second among the runs. */
  minEventsPerSec: number;
  maxEventsPerSec: number;
  /** Median over the runs of each run's p50 / p99 latency (ms); absent when not measured. */
  p50Ms?: number;
  p99Ms?: number;
  operationsPerRun?: number;
  /**
   * Median of the runs' events per CPU second of the benchmark process (user + system), where
   * measured: on a shared machine the wall-clock rate says how much CPU the process got, this one
   * how much work a CPU second does.
   */
  eventsPerCpuSec?: number;
}

/** CPU seconds (user + system) of this process since `from` (a `process.cpuUsage()` value). */
export function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

export function summarise(samples: readonly RunSample[]): Summary {
  const rates = samples.map((s) => s.events / s.seconds);
  const summary: Summary = {
    runs: samples.length,
    eventsPerRun: median(samples.map((s) => s.events)),
    eventsPerSec: median(rates),
    minEventsPerSec: Math.min(...rates),
    maxEventsPerSec: Math.max(...rates),
  };
  const withCpu = samples.filter((s) => s.cpuSeconds !== undefined && s.cpuSeconds > 0);
  if (withCpu.length > 0) summary.eventsPerCpuSec = median(withCpu.map((s) => s.events / (s.cpuSeconds ?? 1)));
  const withLatency = samples.filter((s) => s.latenciesMs && s.latenciesMs.length > 0);
  if (withLatency.length > 0) {
    const sorted = withLatency.map((s) => [...(s.latenciesMs ?? [])].sort((a, b) => a - b));
    summary.p50Ms = median(sorted.map((l) => percentile(l, 50)));
    summary.p99Ms = median(sorted.map((l) => percentile(l, 99)));
    summary.operationsPerRun = median(sorted.map((l) => l.length));
  }
  return summary;
}

/** Wall-clock timer in milliseconds with sub-microsecond resolution. */
export function nowMs(): number {
  return performance.now();
}
