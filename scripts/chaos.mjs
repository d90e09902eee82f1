#!/usr/bin/env node
// npm run chaos: the fault campaign (issue 14) — the journeys in distributed mode on the local
// servers while each service is SIGKILLed at random points (20 times each), Kafka and FerretDB are
// restarted once each; then every accepted command's events must be stored once, every integration
// event taken into effect once, every case in the same state in every read model, no dead letter.
// The figures go into RELIABILITY.md. Loopback only; bounded (CHAOS_BUDGET_S, default 3600 s).
//
// Usage: npm run chaos               full campaign, rewrites RELIABILITY.md's figures
//        npm run chaos -- --short    the CI version (2 kills per service), RELIABILITY.md untouched
// Settings: CHAOS_KILLS, CHAOS_CASES, CHAOS_CONCURRENCY, CHAOS_BUDGET_S, CHAOS_RESTART_SERVERS=0,
// CHAOS_OUT (the folder for every service process's log and figures.json; default tmp/chaos/<start>).
// Servers: KAFKA_BROKERS / MONGO_URL when set, else deploy/local/servers.sh (started here and
// stopped afterwards if they were not running).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode24 } from './node-check.mjs';

requireNode24('run chaos');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const servers = join(root, 'deploy', 'local', 'servers.sh');
const short = process.argv.includes('--short');
const env = { ...process.env, CI: process.env.CI ?? 'true' };
let started = false;
if (!env.KAFKA_BROKERS || !env.MONGO_URL) {
  started = spawnSync('bash', [servers, 'status'], { stdio: 'ignore' }).status !== 0;
  if (spawnSync('bash', [servers, 'start'], { stdio: 'inherit' }).status !== 0) process.exit(1);
  const out = execFileSync('bash', [servers, 'env'], { encoding: 'utf8' });
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
}
if (!short) Object.assign(env, { CHAOS_FULL: '1', CHAOS_REPORT: env.CHAOS_REPORT ?? 'RELIABILITY.md' });
const r = spawnSync('npx', ['jest', '-c', 'e2e/jest.config.js', '--runInBand', 'e2e/src/chaos.e2e.spec.ts'], { cwd: root, env, stdio: 'inherit' });
if (started) spawnSync('bash', [servers, 'stop'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
