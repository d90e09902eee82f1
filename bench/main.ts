/**
 * `npm run bench` (through scripts/bench.mjs): event-store benchmarks on SQLite and on the MongoDB
 * protocol (FerretDB here), ours vs Emmett vs the backend's raw inserts, plus the integrity
 * primitives. Writes BENCHMARKS.md (full run) and a JSON copy of the results.
 *
 *   --quick            small sizes: a smoke run in about a minute or two (written to a temp file
 *                      unless --out is given, so it does not replace the full results)
 *   --out FILE         where to write the Markdown report
 *   --only LIST        comma list of suites: sqlite, mongodb, integrity; or one issue-15 aim alone:
 *                      replay (the SQLite replay only), verify (chain verification only); the
 *                      dispatch and memory suites are run by scripts/bench.mjs
 *   --runs N           runs per workload (default 3; the report shows the median)
 *   --replay-events N  events in the SQLite store the replay reads (default 1,000,000 full,
 *                      50,000 quick; env BENCH_REPLAY_EVENTS); the issue-15 replay aim is judged
 *                      on 1,000,000 only
 *
 * Env: MONGO_URL (skip the mongodb suite when unset), BENCH_QUICK=1 (same as --quick).
 * Benchmarks are never tests: nothing here asserts a speed.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runIntegrityWorkloads, type IntegrityResult, type IntegritySizes } from './integrity';
import { loadAverageNow, localFerretDbVersion, machineInfo, packageVersion } from './lib/machine';
import { progress } from './lib/progress';
import { writeReport, type BenchReport, type BackendReport } from './report';
import { connectMongo, describeServer, emmettMongo, oursMongo, rawMongo, serverInfo, type MongoTarget } from './subjects/mongodb';
import { emmettSqlite, oursSqlite, rawSqlite } from './subjects/sqlite';
import { runStoreWorkloads, type WorkloadSizes } from './workloads';

const ROOT = resolve(__dirname, '..');

type Suite = 'sqlite' | 'mongodb' | 'integrity' | 'replay' | 'verify';
const SUITES: readonly Suite[] = ['sqlite', 'mongodb', 'integrity', 'replay', 'verify'];

interface Options {
  replayEvents?: number;
  quick: boolean;
  out: string;
  suites: Suite[];
  runs: number;
}

function parseArgs(argv: string[]): Options {
  let quick = process.env.BENCH_QUICK === '1';
  let out: string | undefined;
  let suites: Suite[] = ['sqlite', 'mongodb', 'integrity'];
  let runs = 3;
  let replayEvents: number | undefined = process.env.BENCH_REPLAY_EVENTS ? Number(process.env.BENCH_REPLAY_EVENTS) : undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--out') out = argv[++i];
    else if (a === '--only') suites = (argv[++i] ?? '').split(',').filter((s): s is Suite => (SUITES as readonly string[]).includes(s));
    else if (a === '--replay-events') replayEvents = Number(argv[++i]);
    else if (a === '--runs') runs = Math.max(1, Number.parseInt(argv[++i] ?? '3', 10) || 3);
    else throw new UsageError(`unknown argument ${a} (use --quick, --out FILE, --only sqlite,mongodb,integrity,replay,verify, --runs N, --replay-events N)`);
  }
  if (replayEvents !== undefined && !(Number.isSafeInteger(replayEvents) && replayEvents >= 0)) throw new UsageError('--replay-events must be a whole number');
  // one aim alone (replay, verify) is a partial run: its report goes to a temp file unless --out is given
  const partial = suites.some((s) => s === 'replay' || s === 'verify');
  const fallback = quick
    ? join(tmpdir(), 'fengqiao-BENCHMARKS.quick.md')
    : partial
      ? join(tmpdir(), `fengqiao-BENCHMARKS.${suites.join('-')}.md`)
      : join(ROOT, 'BENCHMARKS.md');
  return { replayEvents, quick, out: resolve(out ?? fallback), suites, runs };
}

/** Sizes per backend. FerretDB 1.24 scans whole collections on every query, so its sizes are small. */
export const SIZES: Record<'full' | 'quick', { sqlite: WorkloadSizes; mongodb: WorkloadSizes; integrity: IntegritySizes }> = {
  full: {
    sqlite: { append1: 1000, append10: 300, concurrentPerWriter: 100, readFoldReps: 50, replayEvents: 1_000_000 },
    mongodb: { append1: 60, append10: 20, concurrentPerWriter: 4, readFoldReps: 5, replayEvents: 1_000 },
    integrity: { chainLength: 100_000, merkleLeaves: 1_000_000, proofs: 2_000 },
  },
  quick: {
    sqlite: { append1: 200, append10: 60, concurrentPerWriter: 20, readFoldReps: 10, replayEvents: 50_000 },
    mongodb: { append1: 15, append10: 5, concurrentPerWriter: 2, readFoldReps: 3, replayEvents: 500 },
    integrity: { chainLength: 10_000, merkleLeaves: 100_000, proofs: 500 },
  },
};

async function sqliteSuite(sizes: WorkloadSizes, runs: number): Promise<BackendReport> {
  const subjects = [oursSqlite('FULL'), emmettSqlite(), rawSqlite('FULL')];
  try {
    const results = await runStoreWorkloads({ backend: 'sqlite', subjects, sizes, runs, warmupRun: true });
    return { backend: 'sqlite', server: 'node:sqlite (embedded), WAL, synchronous=FULL', sizes, results };
  } finally {
    for (const s of subjects) await s.cleanup();
  }
}

async function mongoSuite(sizes: WorkloadSizes, runs: number): Promise<BackendReport> {
  const url = process.env.MONGO_URL;
  if (!url)
    return { backend: 'mongodb', server: 'not run', sizes, results: [], skipped: 'MONGO_URL is not set (start FerretDB with deploy/local/servers.sh start)' };
  const dbName = `fengqiao_bench_${process.pid}_${Date.now().toString(36)}`;
  let target: MongoTarget | undefined;
  try {
    target = await connectMongo(url, dbName);
    // named by the server itself (buildInfo, FerretDB's start-up log), not assumed
    const server = describeServer(await serverInfo(target), localFerretDbVersion(ROOT));
    progress(`mongodb: ${server} at ${url.replace(/\/\/[^@/]*@/, '//***@')}, database ${dbName}`);
    const subjects = [oursMongo(target), emmettMongo(target), rawMongo(target)];
    const results = await runStoreWorkloads({ backend: 'mongodb', subjects, sizes, runs, warmupRun: false });
    return { backend: 'mongodb', server, sizes, results };
  } catch (error) {
    return { backend: 'mongodb', server: 'unreachable', sizes, results: [], skipped: `could not run: ${(error as Error).message}` };
  } finally {
    if (target) {
      await target.db.dropDatabase().catch((e: unknown) => progress(`mongodb: could not drop ${dbName}: ${(e as Error).message}`));
      await target.client.close();
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const mode = options.quick ? 'quick' : 'full';
  const sizes = SIZES[mode];
  if (options.replayEvents !== undefined) sizes.sqlite = { ...sizes.sqlite, replayEvents: options.replayEvents };
  const machine = machineInfo(ROOT);
  const started = new Date();
  progress(`${mode} run, ${options.runs} runs per workload, suites: ${options.suites.join(', ')}; load average ${machine.loadAverageStart.join(' ')}`);

  const backends: BackendReport[] = [];
  let integrity: IntegrityResult[] | undefined;
  let integrityError: string | undefined;
  if (options.suites.includes('sqlite')) backends.push(await sqliteSuite(sizes.sqlite, options.runs));
  else if (options.suites.includes('replay')) {
    backends.push(await sqliteSuite({ ...sizes.sqlite, append1: 0, append10: 0, concurrentPerWriter: 0, readFoldReps: 0 }, options.runs));
  }
  if (options.suites.includes('mongodb')) backends.push(await mongoSuite(sizes.mongodb, options.runs));
  if (options.suites.includes('integrity') || options.suites.includes('verify')) {
    try {
      const only = !options.suites.includes('integrity');
      integrity = await runIntegrityWorkloads(only ? { ...sizes.integrity, merkleLeaves: 0, proofs: 0 } : sizes.integrity, options.runs);
    } catch (error) {
      integrityError = (error as Error).message;
    }
  }
  machine.loadAverageEnd = loadAverageNow();

  const report: BenchReport = {
    mode,
    runs: options.runs,
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine,
    packages: Object.fromEntries(
      ['mongodb', '@event-driven-io/emmett', '@event-driven-io/emmett-mongodb', '@event-driven-io/emmett-sqlite', 'sqlite3', 'canonicalize', 'uuid'].map(
        (p) => [p, packageVersion(ROOT, p) ?? 'not installed'],
      ),
    ),
    backends,
    integrity,
    integritySizes: sizes.integrity,
    ...(integrityError ? { integrityError } : {}),
  };
  const json = options.out.replace(/\.md$/, '') + '.json';
  const jsonPath = options.quick || options.out !== join(ROOT, 'BENCHMARKS.md') ? json : join(tmpdir(), 'fengqiao-BENCHMARKS.json');
  writeFileSync(jsonPath, JSON.stringify(report, null, 2));
  writeReport(options.out, report);
  progress(`done in ${report.durationSeconds} s; report: ${options.out}; raw results: ${jsonPath}`);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
