#!/usr/bin/env node
// npm run distributed: the distributed mode on this machine in one command — real Kafka and
// FerretDB from deploy/local (or the servers named by KAFKA_BROKERS / MONGO_URL), then the five
// services as separate processes on ports 3101–3105, the token issuer in analytics, and the demo
// district loaded on their first start (FENGQIAO_DEMO=false to start empty).
// Data of the services: MongoDB database `fengqiao_<service>` and ./data/distributed (issuer).
// Ctrl-C stops the services (and the local servers if this command started them).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode, compiledPath, SERVICE_NODE_FLAGS, serviceEnv } from './build-node.mjs';
import { requireNode24 } from './node-check.mjs';

requireNode24('run distributed');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const servers = join(root, 'deploy', 'local', 'servers.sh');
const say = (s) => process.stderr.write(`[distributed] ${s}\n`);

let startedServers = false;
const env = { ...process.env };
if (!env.KAFKA_BROKERS || !env.MONGO_URL) {
  startedServers = spawnSync('bash', [servers, 'status'], { stdio: 'ignore' }).status !== 0;
  if (spawnSync('bash', [servers, 'start'], { stdio: 'inherit' }).status !== 0) process.exit(1);
  const out = execFileSync('bash', [servers, 'env'], { encoding: 'utf8' });
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
}
const mongo = new URL(env.MONGO_URL);
if (mongo.pathname === '/' || mongo.pathname === '') mongo.pathname = '/fengqiao';
const dataDir = join(root, 'data', 'distributed');
mkdirSync(dataDir, { recursive: true });

const common = {
  ...serviceEnv(env),
  FENGQIAO_MODE: 'distributed',
  MONGO_URL: mongo.toString(),
  AUTH_ISSUER: env.AUTH_ISSUER ?? 'urn:fengqiao:local',
  FENGQIAO_DEMO: env.FENGQIAO_DEMO ?? 'true',
  SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
};
const demo = /^(1|true|yes)$/i.test(common.FENGQIAO_DEMO);
const services = [
  [
    'analytics',
    3105,
    {
      AUTH_BUILTIN_ISSUER: 'true',
      FENGQIAO_DATA_DIR: dataDir,
      // the audit API reads the other services' stores through their own audit routes
      AUDIT_SOURCES: 'intake=http://127.0.0.1:3101,grid-dispatch=http://127.0.0.1:3102,mediation=http://127.0.0.1:3103,petitions=http://127.0.0.1:3104',
    },
  ],
  ['intake', 3101, {}],
  ['grid-dispatch', 3102, demo ? { GRID_DISPATCH_SEED_REFERENCE_DATA: 'true' } : {}],
  ['mediation', 3103, {}],
  ['petitions', 3104, {}],
];
const children = [];

// each service runs its compiled JS (scripts/build-node.mjs; built below before the first start)
function start([name, port, extra], main = compiledPath(join(root, 'services', name, 'src', 'main.ts'))) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, main], {
      cwd: root,
      env: { ...common, PORT: String(port), AUTH_JWKS_URL: 'http://127.0.0.1:3105/.well-known/jwks.json', ...extra },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let seen = '';
    child.stderr.on('data', (d) => {
      seen += d;
      process.stderr.write(d);
      if (/listening on/.test(seen)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function stop(code) {
  say('stopping the services');
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 3000));
  if (startedServers) spawnSync('bash', [servers, 'stop'], { stdio: 'inherit' });
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  await buildNode();
  for (const s of services) await start(s); // the issuer first: the others verify with its key set
  say('all five services are up: intake :3101, grid-dispatch :3102, mediation :3103, petitions :3104, analytics (+ login) :3105');
  // the web console and the five APIs from one origin (services/console/gateway)
  if (spawnSync(process.execPath, [join(root, 'services', 'console', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' }).status === 0) {
    await start(['console/gateway', 0, { GATEWAY_PORT: env.GATEWAY_PORT ?? '3100' }], compiledPath(join(root, 'services', 'console', 'gateway', 'main.ts')));
    say(`web console (and every API) on one origin: http://127.0.0.1:${env.GATEWAY_PORT ?? 3100}/`);
  }
  if (demo) say('demo users log in at http://127.0.0.1:3105/auth/login with the demo password (libs/demo/README.md)');
} catch (e) {
  say(String(e));
  await stop(1);
}
