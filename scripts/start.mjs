#!/usr/bin/env node
// npm start: the whole system in one process on the embedded adapters (standalone mode).
// Usage: npm start            (all five contexts, http://127.0.0.1:3000, data under ./data)
//        npm start -- intake  (one service in distributed mode; needs KAFKA_BROKERS and MONGO_URL)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode, serviceArgs, serviceEnv } from './build-node.mjs';
import { requireNode24 } from './node-check.mjs';

requireNode24('start');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const service = process.argv[2] ?? 'standalone';
const main = join(root, 'services', service, 'src', 'main.ts');
if (!existsSync(main)) {
  console.error(`fengqiao: unknown service "${service}" (one of standalone, intake, grid-dispatch, mediation, petitions, analytics)`);
  process.exit(2);
}
if (service === 'standalone') {
  // the web console served at / : built on the first start (and again when its sources changed), about 10 s
  const built = spawnSync(process.execPath, [join(root, 'services', 'console', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) console.error('fengqiao: the web console did not build; the APIs start without it');
}
// the server code as plain JS under dist/node, compiled again where a source is newer (scripts/build-node.mjs):
// no TypeScript compiler or register hook in the service's memory, and no stale build can run
try {
  await buildNode();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const child = spawn(process.execPath, serviceArgs(service), { cwd: root, stdio: 'inherit', env: serviceEnv() });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
