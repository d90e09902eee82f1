/**
 * scripts/build-node.mjs: the compiled JS that `npm start` and spawnService run (issue 15). A stale
 * build must never run, an output whose source is gone must not stay loadable, and loading the
 * server code in standalone mode must not load the clients of distributed mode's servers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const BUILD = join(ROOT, 'scripts', 'build-node.mjs');
const DIST = join(ROOT, 'dist', 'node');

function build(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BUILD, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** The node flags every service runs with (SERVICE_NODE_FLAGS), as `--args` prints them. */
function nodeFlags(): string[] {
  const { args } = JSON.parse(build('--args', 'standalone').out) as { args: string[] };
  return args.slice(0, -1);
}

describe('scripts/build-node.mjs', () => {
  beforeAll(() => {
    expect(build('--quiet').status).toBe(0);
  });

  it('compiles again a source newer than its output, and only that one', () => {
    const source = join(ROOT, 'libs', 'kernel', 'src', 'index.ts');
    const output = join(DIST, 'libs', 'kernel', 'src', 'index.js');
    // the output as if built before the source was last edited
    const earlier = new Date(statSync(source).mtimeMs - 10_000);
    utimesSync(output, earlier, earlier);
    const r = build();
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/compiled 1 of \d+ files/);
    expect(statSync(output).mtimeMs).toBeGreaterThanOrEqual(statSync(source).mtimeMs);
    expect(build().err).toBe('');
  });

  it('removes an output whose source is gone', () => {
    const orphan = join(DIST, 'libs', 'kernel', 'src', '__gone__.js');
    mkdirSync(join(DIST, 'libs', 'kernel', 'src'), { recursive: true });
    writeFileSync(orphan, 'module.exports = 1;\n');
    expect(build('--quiet').status).toBe(0);
    expect(existsSync(orphan)).toBe(false);
  });

  it('prints node arguments running the compiled main with the service V8 flags, and the service environment', () => {
    const r = build('--args', 'standalone');
    expect(r.status).toBe(0);
    const { args, env } = JSON.parse(r.out) as { args: string[]; env: Record<string, string> };
    expect(args[args.length - 1]).toBe(join(DIST, 'services', 'standalone', 'src', 'main.js'));
    expect(args).toContain('--max-semi-space-size=16');
    expect(args).toContain('--no-allocation-site-pretenuring');
    expect(env).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072' });
  });

  it('every way of starting a service passes the service environment: npm start, npm run distributed, the image', () => {
    const image = readFileSync(join(ROOT, 'deploy', 'docker', 'service.Dockerfile'), 'utf8');
    expect(image).toMatch(/^ENV MALLOC_MMAP_THRESHOLD_=131072$/m);
    const imageFlags = /^CMD \[.*exec node (.*) dist\/node\/services\//m.exec(image)?.[1].split(' ');
    expect(imageFlags).toEqual(nodeFlags());
    expect(readFileSync(join(ROOT, 'scripts', 'start.mjs'), 'utf8')).toMatch(/env: serviceEnv\(\)/);
    expect(readFileSync(join(ROOT, 'scripts', 'distributed.mjs'), 'utf8')).toMatch(/\.\.\.serviceEnv\(env\)/);
  });

  it('the standalone app definition loads without mongodb, mongoose, kafkajs, the KurrentDB client or exceljs', () => {
    const app = join(DIST, 'services', 'standalone', 'src', 'app.js');
    const probe = `
      require(${JSON.stringify(app)});
      const heavy = ['mongodb', 'mongoose', 'kafkajs', '@eventstore/db-client', 'exceljs'];
      const loaded = Object.keys(require.cache).filter((f) => heavy.some((m) => f.includes('/node_modules/' + m + '/')));
      process.stdout.write(JSON.stringify([...new Set(loaded.map((f) => f.split('/node_modules/').pop().split('/').slice(0, f.includes('@eventstore') ? 2 : 1).join('/')))]));
    `;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
