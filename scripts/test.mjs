#!/usr/bin/env node
// npm test: typecheck, lint, unit and integration tests, against real servers.
// Servers: explicit KAFKA_BROKERS / MONGO_URL win; else testcontainers where Docker answers
// (jest.global-setup.js starts them); else deploy/local/servers.sh starts Kafka and FerretDB here.
// With CI set, a missing server fails the run instead of skipping the suites that need it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode24 } from './node-check.mjs';

requireNode24('test');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ci = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const started = Date.now();
const step = (name) => console.log(`\n▶ ${name}  (+${((Date.now() - started) / 1000).toFixed(0)} s)`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...opts });
  return r.status ?? 1;
}

function dockerAnswers() {
  if (process.env.FENGQIAO_NO_TESTCONTAINERS === '1') return false;
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

// 1. servers
step('servers');
if (process.env.KAFKA_BROKERS && process.env.MONGO_URL) {
  console.log(`using KAFKA_BROKERS=${process.env.KAFKA_BROKERS} MONGO_URL=${process.env.MONGO_URL}`);
} else if (dockerAnswers()) {
  console.log('a Docker engine answers: testcontainers will provide Kafka and MongoDB');
} else {
  const status = run('bash', ['deploy/local/servers.sh', 'start']);
  if (status === 0) {
    const out = execFileSync('bash', ['deploy/local/servers.sh', 'env'], { cwd: root, encoding: 'utf8' });
    for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
    console.log(`using local servers: KAFKA_BROKERS=${process.env.KAFKA_BROKERS} MONGO_URL=${process.env.MONGO_URL}`);
  } else if (ci) {
    console.error('fengqiao: CI=true and the local servers could not start (see above)');
    process.exit(1);
  } else {
    console.warn('fengqiao: no real servers; integration suites will be skipped with the reason');
  }
}

// the interop tests' clients in another language (tools/interop): a virtualenv, made once
step('interop clients (Python)');
const venvPython = join(root, '.venv-interop', 'bin', 'python');
const hasInterop = (py) =>
  spawnSync(py, ['-c', 'import cloudevents.core.bindings.kafka, kafka, pymongo, dateutil, openapi_spec_validator'], { stdio: 'ignore' }).status === 0;
if (process.env.INTEROP_PYTHON) {
  console.log(`using INTEROP_PYTHON=${process.env.INTEROP_PYTHON}`);
} else if (existsSync(venvPython) && hasInterop(venvPython)) {
  console.log('using .venv-interop');
} else if (
  run('python3', ['-m', 'venv', '.venv-interop']) === 0 &&
  run(venvPython, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', 'tools/interop/requirements.txt']) === 0
) {
  console.log('made .venv-interop (tools/interop/requirements.txt)');
} else {
  console.warn(`fengqiao: no Python 3 with venv and pip: the interop suites ${ci ? 'will fail (CI=true)' : 'will be skipped with the reason'}`);
}

// 2. checks
const resultsDir = join(root, 'tmp', 'jest');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const nx = ['nx', 'run-many', '--outputStyle=stream', '--parallel=2'];
const failures = [];
step('typecheck');
if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) failures.push('typecheck');
// the pure libs (kernel, contracts, the domains) are also checked with noUncheckedIndexedAccess (their tsconfig.lib.json)
if (run('npx', [...nx, '-t', 'typecheck']) !== 0) failures.push('typecheck (pure libs)');
step('lint and unit tests');
if (run('npx', [...nx, '-t', 'lint', 'test']) !== 0) failures.push('lint/unit');
step('format (Prettier, .prettierrc)');
if (run('npm', ['run', '--silent', 'format:check']) !== 0) failures.push('format');
step('integration and end-to-end tests (real servers)');
// one project at a time: suites that start whole deployments must not starve each other of CPU
if (run('npx', [...nx.filter((a) => !a.startsWith('--parallel')), '--parallel=1', '-t', 'int']) !== 0) failures.push('integration');

// 3. one summary line over every jest run
let passed = 0,
  failed = 0,
  skipped = 0;
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
for (const file of walk(resultsDir).filter((f) => f.endsWith('.json'))) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s${failures.length ? `; failed: ${failures.join(', ')}` : ''}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length || failed ? 1 : 0);
