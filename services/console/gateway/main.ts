import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultUpstreams, startGateway } from './gateway';

// compiled to dist/node/services/console/gateway/main.js (scripts/build-node.mjs), started by `npm run distributed`
/** services/console, from the sources or from their compiled copy under dist/node (scripts/build-node.mjs) */
function consoleFolder(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'services', 'console', 'build.mjs'))) return join(dir, 'services', 'console');
  }
  return join(__dirname, '..');
}
const port = Number(process.env.GATEWAY_PORT ?? process.env.PORT ?? 3100);
startGateway({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  dist: process.env.FENGQIAO_CONSOLE_DIR ?? join(consoleFolder(), 'dist'),
  upstreams: defaultUpstreams(),
}).then(
  (g) => process.stderr.write(`fengqiao gateway: listening on ${g.url} (console and APIs from one origin)\n`),
  (e: unknown) => {
    process.stderr.write(`fengqiao gateway: failed to start: ${String(e)}\n`);
    process.exit(1);
  },
);
