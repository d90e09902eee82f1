#!/usr/bin/env node
// npm run bench: event-store benchmarks (SQLite and the MongoDB protocol; ours vs Emmett vs raw),
// written to BENCHMARKS.md. See bench/main.ts for what is measured.
//
// Usage: npm run bench                 full run (≈ 6–7 min on the 2-core dev machine), rewrites BENCHMARKS.md
//        npm run bench -- --quick      smoke run with small sizes (report goes to a temp file)
//        npm run bench -- --only sqlite,integrity   --runs 5   --out FILE   --no-mongo
//        npm run bench -- --only replay|verify|memory|knee   one issue-15 aim alone (knee: the
//                      standalone dispatch aim and its knee, each step on a fresh process)
//
// MongoDB: uses MONGO_URL when set. Otherwise it uses the local FerretDB (deploy/local/ferretdb.sh)
// on its PostgreSQL (deploy/local/postgres.sh): a running one is reused and left running; if none
// runs, it is started for the benchmark and stopped afterwards (only a server this script started
// is ever stopped). The report names the server as the server names itself (buildInfo).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode24 } from './node-check.mjs';

requireNode24('run bench');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ferretdb = join(root, 'deploy', 'local', 'ferretdb.sh');
const postgres = join(root, 'deploy', 'local', 'postgres.sh');
const args = process.argv.slice(2);
const noMongo = args.includes('--no-mongo');
const passArgs = args.filter((a) => a !== '--no-mongo');
const onlyIndex = passArgs.indexOf('--only');
const wantsMongo =
  !noMongo && (onlyIndex < 0 || (passArgs[onlyIndex + 1] ?? '').split(',').some((s) => s === 'mongodb' || s === 'dispatch' || s === 'distributed'));

const say = (line) => process.stderr.write(`[bench] ${line}\n`);
const sh = (cmd, inherit = false, script = ferretdb) =>
  spawnSync('bash', [script, cmd], { cwd: root, encoding: 'utf8', stdio: inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe' });

const env = { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') };
let startedFerretDb = false;
let startedPostgres = false;
if (!wantsMongo) {
  delete env.MONGO_URL;
} else if (!env.MONGO_URL) {
  if (sh('status').status !== 0) {
    say('no MONGO_URL and the local FerretDB is not running: starting it (and its PostgreSQL) for the benchmark');
    if (sh('status', false, postgres).status !== 0 && sh('start', true, postgres).status === 0) startedPostgres = true;
    if (sh('start', true).status === 0) startedFerretDb = true;
    else say('FerretDB did not start; the mongodb suite will be reported as not run');
  }
  const url = /MONGO_URL=(\S+)/.exec(sh('env').stdout ?? '')?.[1];
  if (url && (startedFerretDb || sh('status').status === 0)) env.MONGO_URL = url.replace(/^['"]|['"]$/g, '');
}

// The dispatch-latency benchmark (issue 5) runs after the event-store one: intake → dispatched in
// both modes plus the raw Kafka round trip; --only dispatch runs just it; --quick shortens it.
const quick = passArgs.includes('--quick') || process.env.BENCH_QUICK === '1';
const onlyList = onlyIndex >= 0 ? (passArgs[onlyIndex + 1] ?? '').split(',') : undefined;
const runStore = !onlyList || onlyList.some((s) => ['sqlite', 'mongodb', 'integrity', 'replay', 'verify'].includes(s));
const runDispatch = !onlyList || onlyList.includes('dispatch') || onlyList.includes('distributed') || onlyList.includes('knee');
// issue 15: --only distributed runs just the distributed intake → dispatched step and the raw Kafka round trip
const onlyDistributed = onlyList !== undefined && onlyList.includes('distributed') && !onlyList.includes('dispatch');
// --only knee: the standalone dispatch aim and its knee alone (no distributed mode, no Kafka)
const kneeOnly = onlyList !== undefined && onlyList.includes('knee') && !onlyList.includes('dispatch') && !onlyDistributed;
// issue 15: the standalone process's memory and start-up with a 1,000,000-event store (--only memory)
const runMemory = !onlyList || onlyList.includes('memory');
const storeArgs = onlyList
  ? passArgs.map((a, i) => (i === onlyIndex + 1 ? onlyList.filter((s) => !['dispatch', 'distributed', 'memory', 'knee'].includes(s)).join(',') : a))
  : passArgs;

if (runDispatch && !kneeOnly && !env.KAFKA_BROKERS) {
  const kafka = spawnSync('bash', [join(root, 'deploy', 'local', 'servers.sh'), 'env'], { cwd: root, encoding: 'utf8' });
  const status = spawnSync('bash', [join(root, 'deploy', 'local', 'kafka.sh'), 'status'], { cwd: root, stdio: 'ignore' });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(kafka.stdout ?? '')?.[1];
  if (brokers && status.status === 0) env.KAFKA_BROKERS = brokers.replace(/^['"]|['"]$/g, '');
  else say('Kafka is not running (bash deploy/local/servers.sh start): the dispatch benchmark runs standalone only');
}

function run(script, args) {
  return new Promise((resolveRun) => {
    const child = spawn(
      process.execPath,
      // no pretenuring by allocation site, as the services run (scripts/build-node.mjs SERVICE_NODE_FLAGS)
      [
        '--disable-warning=ExperimentalWarning',
        '--max-old-space-size=4096',
        '--no-allocation-site-pretenuring',
        '-r',
        '@swc-node/register',
        join(root, 'bench', script),
        ...args,
      ],
      { cwd: root, stdio: 'inherit', env },
    );
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
}

let code = 0;
if (runStore) code = await run('main.ts', storeArgs);
if (code === 0 && runDispatch) {
  const out = quick ? ['--out', join(process.env.TMPDIR ?? '/tmp', 'fengqiao-BENCHMARKS.quick.md')] : [];
  const distributedOnly = onlyDistributed ? ['--only-distributed', '--rate', '20'] : [];
  const outIndex = passArgs.indexOf('--out');
  const kneeArgs = kneeOnly ? ['--standalone-only', ...(outIndex >= 0 ? ['--out', passArgs[outIndex + 1]] : [])] : [];
  code = await run('dispatch-latency.ts', [
    ...(quick ? ['--seconds', '10', '--rate', '2', '--standalone-rate', '50', '--knee-seconds', '5'] : []),
    ...distributedOnly,
    ...(kneeOnly ? [] : out),
    ...kneeArgs,
  ]);
}
if (code === 0 && runMemory) {
  const out = quick ? ['--out', join(process.env.TMPDIR ?? '/tmp', 'fengqiao-BENCHMARKS.quick.md')] : [];
  const outIndex = passArgs.indexOf('--out');
  code = await run('standalone-memory.ts', [...(quick ? ['--events', '20000'] : []), ...(outIndex >= 0 ? ['--out', passArgs[outIndex + 1]] : out)]);
}
if (startedFerretDb) {
  say('stopping the FerretDB this benchmark started');
  sh('stop', true);
}
if (startedPostgres) {
  say('stopping the PostgreSQL this benchmark started');
  sh('stop', true, postgres);
}
process.exit(code);
