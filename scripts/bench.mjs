#!/usr/bin/env node
// npm run bench: event-store benchmarks (SQLite and the MongoDB protocol; ours vs Emmett vs raw),
// written to BENCHMARKS.md. See bench/main.ts for what is measured.
//
// Usage: npm run bench                 full run (≈ 6–7 min on the 2-core dev machine), rewrites BENCHMARKS.md
//        npm run bench -- --quick      smoke run with small sizes (report goes to a temp file)
//        npm run bench -- --only sqlite,integrity   --runs 5   --out FILE   --no-mongo
//
// MongoDB: uses MONGO_URL when set. Otherwise it uses the local FerretDB (deploy/local/ferretdb.sh):
// a running one is reused and left running; if none runs, it is started for the benchmark and
// stopped afterwards (only a server this script started is ever stopped).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode24 } from './node-check.mjs';

requireNode24('run bench');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ferretdb = join(root, 'deploy', 'local', 'ferretdb.sh');
const args = process.argv.slice(2);
const noMongo = args.includes('--no-mongo');
const passArgs = args.filter((a) => a !== '--no-mongo');
const onlyIndex = passArgs.indexOf('--only');
const wantsMongo = !noMongo && (onlyIndex < 0 || (passArgs[onlyIndex + 1] ?? '').split(',').includes('mongodb'));

const say = (line) => process.stderr.write(`[bench] ${line}\n`);
const sh = (cmd, inherit = false) =>
  spawnSync('bash', [ferretdb, cmd], { cwd: root, encoding: 'utf8', stdio: inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe' });

const env = { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') };
let startedFerretDb = false;
if (!wantsMongo) {
  delete env.MONGO_URL;
} else if (!env.MONGO_URL) {
  if (sh('status').status !== 0) {
    say('no MONGO_URL and the local FerretDB is not running: starting it for the benchmark');
    if (sh('start', true).status === 0) startedFerretDb = true;
    else say('FerretDB did not start; the mongodb suite will be reported as not run');
  }
  const url = /MONGO_URL=(\S+)/.exec(sh('env').stdout ?? '')?.[1];
  if (url && (startedFerretDb || sh('status').status === 0)) env.MONGO_URL = url.replace(/^['"]|['"]$/g, '');
}

const child = spawn(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', '--max-old-space-size=4096', '-r', '@swc-node/register', join(root, 'bench', 'main.ts'), ...passArgs],
  { cwd: root, stdio: 'inherit', env },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (startedFerretDb) {
    say('stopping the FerretDB this benchmark started');
    sh('stop', true);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
