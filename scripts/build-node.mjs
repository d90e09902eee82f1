#!/usr/bin/env node
// Compiles the server code (libs/**/*.ts and services/*/src, services/console/gateway; no specs, no
// browser code) to plain CommonJS under dist/node/, mirroring the source tree, with the path aliases
// of tsconfig.base.json rewritten to relative requires and source maps as files beside the .js.
// `npm start`, spawnService (e2e, bench) and the chaos campaign run this output with plain `node`:
// no register hook, no TypeScript, SWC or source-map-support in the service's memory (issue 15:
// compiling at start-up cost ~100 MB of resident memory and most of the start-up time).
//
// Incremental and always safe to run: a file is compiled again when its source is newer than its
// output, everything is compiled again when the compiler options, @swc/core or this script changed,
// and outputs whose source is gone are removed. Up to date, it only stats the sources (~0.1 s).
// Concurrent runs (parallel test workers) are safe: each output is written to a temporary file and
// renamed into place.
//
// Usage: node scripts/build-node.mjs [--quiet]     (exit 1 when a file does not compile)
//        node scripts/build-node.mjs --args <service>   builds, then prints node's arguments for the
//                                   service and its environment (SERVICE_ENV) as JSON { args, env }
//                                   (spawnService in libs/testing uses this)
//        import { buildNode } from './build-node.mjs'  → { compiled, removed, seconds }
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_DIST = join(root, 'dist', 'node');

/** The JS file dist/node holds for a source file (e.g. services/standalone/src/main.ts). */
export const compiledPath = (source) => join(NODE_DIST, relative(root, source).replace(/\.ts$/, '.js'));

/**
 * V8 flags every service process runs with (npm start, npm run distributed, spawnService), issue 15:
 * - `--max-semi-space-size=16`: V8 sizes the young generation from the machine's memory (up to 64 MB
 *   per semi-space on our 24 GiB machines, 128 MB committed); 16 MB keeps scavenges short and takes
 *   ~90 MB off the resident memory of an idle standalone process. It was 8 MB until 2026-12-07: at
 *   130 cases/s the standalone process then spent 0.67–0.75 ms of its main thread per case in the
 *   collector, with 16 MB 0.47–0.48 ms (fewer scavenges, each as short: what survives one is the
 *   same), for 8–16 MB more resident memory.
 * - `--heap-growing-percent=30`: after a full GC the old generation may grow to 1.3× what is live
 *   (V8's default goes up to 4× on a fast machine). Reading a 1,000,000-event store makes garbage
 *   fast, the heap grew to ~300 MB around ~55 MB live, and the freed pages stayed resident: RSS
 *   ~490 MB. With 1.3× it stays under 100 MB of heap and ~300 MB of RSS, for more frequent (short) full GCs.
 * - `--no-allocation-site-pretenuring`: V8 watches where objects are allocated and, when most objects
 *   of one allocation site survive a scavenge, allocates that site's objects straight in the old
 *   generation from then on. A replay builds a page of 1,000 events at a time, all alive until the
 *   caller has read them: a scavenge early in the replay (the young generation still small) sees them
 *   survive, and V8 may then pretenure the parse's and the page's objects for the rest of the process
 *   (whether it does depends on when the scavenges fall: under these flags it did in every run we
 *   made, under the benchmark's larger young generation in about half). Every event is then
 *   old-generation garbage, collected only by full GCs. Measured replaying 1,000,000 events under
 *   these flags, runs taking turns: 110k–115k events/s for 13.4–14.2 CPU s without it, 175k–178k for
 *   7.6–7.7 CPU s with it (in the benchmark's process 122k–147k against 179k–213k, RSS ~690 against
 *   ~367 MB; issue 15).
 * - `--disable-warning=TimeoutNegativeWarning`: kafkajs 2.2 schedules its request queue's pending-request
 *   check at `throttledUntil - Date.now()` with `throttledUntil` -1 when nothing is throttled, a
 *   negative delay; Node (since 23) clamps it to 1 ms, as it always did, but prints a warning with a
 *   stack hint on every Kafka connection, which reads like a fault to whoever starts the services.
 */
export const SERVICE_NODE_FLAGS = [
  '--disable-warning=ExperimentalWarning',
  '--disable-warning=TimeoutNegativeWarning',
  '--max-semi-space-size=16',
  '--heap-growing-percent=30',
  '--no-allocation-site-pretenuring',
];

/**
 * Environment every service process runs with, beside SERVICE_NODE_FLAGS (npm start, npm run
 * distributed, spawnService, the image); what the operator's environment sets wins. Issue 15:
 * - `MALLOC_MMAP_THRESHOLD_=131072`: glibc gives every allocation of 128 KiB or more its own mapping,
 *   returned to the system when freed. By default the threshold rises to the largest block freed so
 *   far (up to 32 MiB): after the first page of a replay was freed (~600 KB: SQLite's joined page,
 *   node:sqlite's copy of it, on the read-ahead worker's thread), every later page came from malloc's
 *   arenas, which keep what they once held. Measured with 1,000,000 events, the relay's full pass
 *   (bench/standalone-memory.ts, runs taking turns): peak RSS 277–294 MB with it, 329–359 MB without.
 */
export const SERVICE_ENV = Object.freeze({ MALLOC_MMAP_THRESHOLD_: '131072' });

/** The environment of a service process: SERVICE_ENV under `env` (the operator's values win). */
export const serviceEnv = (env = process.env) => ({ ...SERVICE_ENV, ...env });

/** node's arguments for a deployable: services/<service>/src/main.ts compiled under dist/node. */
export const serviceArgs = (service) => [...SERVICE_NODE_FLAGS, compiledPath(join(root, 'services', service, 'src', 'main.ts'))];

const SKIP_DIRS = new Set(['node_modules', 'dist', '__fixtures__', '__probe__']);
const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.spec.ts') && !name.endsWith('__probe__.ts');

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name), out);
    } else if (isSource(e.name)) out.push(join(dir, e.name));
  }
  return out;
}

function sources() {
  const files = walk(join(root, 'libs'), []);
  for (const service of readdirSync(join(root, 'services'))) {
    // the console's src is browser code built by Vite; its gateway is a Node service
    const dirs = service === 'console' ? ['gateway'] : ['src'];
    for (const d of dirs) if (existsSync(join(root, 'services', service, d))) walk(join(root, 'services', service, d), files);
  }
  return files;
}

const LAZY_MODULES = ['mongodb', 'mongoose', 'kafkajs', '@eventstore/db-client', 'exceljs'];

function swcOptions() {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  return {
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    inlineSourcesContent: false,
    // the clients of distributed mode's servers (and the XLSX writer) are required where first
    // used, not when the file loads: standalone never touches them (~70 MB of code and buffers)
    module: { type: 'commonjs', lazy: LAZY_MODULES },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      // as @swc-node/register derives them from tsconfig.base.json (target ES2023: define semantics)
      target: 'es2023',
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
      baseUrl: root,
      paths: compilerOptions.paths,
    },
  };
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Compiles what is stale; returns what it did. Throws when a file does not compile. */
export async function buildNode({ quiet = false } = {}) {
  const started = Date.now();
  const options = swcOptions();
  const swcVersion = JSON.parse(readFileSync(join(root, 'node_modules', '@swc', 'core', 'package.json'), 'utf8')).version;
  const stamp = createHash('sha256')
    .update(JSON.stringify(options))
    .update(swcVersion)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex');
  const stampFile = join(NODE_DIST, '.build-stamp');
  const fresh = !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp;

  const files = sources();
  const stale = files.filter((src) => {
    if (fresh) return true;
    const out = compiledPath(src);
    return !existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs;
  });
  let swc;
  const failures = [];
  if (stale.length > 0) {
    swc = await import('@swc/core');
    // a bounded number at a time: SWC runs them on its thread pool
    for (let i = 0; i < stale.length; i += 32) {
      await Promise.all(
        stale.slice(i, i + 32).map(async (src) => {
          const out = compiledPath(src);
          try {
            const r = await swc.transformFile(src, { ...options, filename: src, outputPath: out });
            mkdirSync(dirname(out), { recursive: true });
            writeAtomic(`${out}.map`, r.map ?? '');
            writeAtomic(out, `${r.code}\n//# sourceMappingURL=${out.split(sep).pop()}.map\n`);
          } catch (e) {
            failures.push(`${relative(root, src)}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }),
      );
    }
  }
  // outputs whose source is gone (a deleted or renamed file) must not be loadable any more
  const wanted = new Set(files.map(compiledPath));
  let removed = 0;
  const prune = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) prune(p);
      else if (e.name.endsWith('.js') && !wanted.has(p)) {
        rmSync(p, { force: true });
        rmSync(`${p}.map`, { force: true });
        removed++;
      }
    }
  };
  prune(NODE_DIST);
  if (failures.length > 0) throw new Error(`build-node: ${failures.length} file(s) did not compile:\n${failures.join('\n')}`);
  if (fresh) {
    mkdirSync(NODE_DIST, { recursive: true });
    writeAtomic(stampFile, stamp);
  }
  const seconds = (Date.now() - started) / 1000;
  if (!quiet && (stale.length > 0 || removed > 0))
    process.stderr.write(`build-node: compiled ${stale.length} of ${files.length} files, removed ${removed}, in ${seconds.toFixed(1)} s (dist/node)\n`);
  return { compiled: stale.length, removed, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const argsFor = process.argv.indexOf('--args');
    await buildNode({ quiet: process.argv.includes('--quiet') || argsFor >= 0 });
    if (argsFor >= 0) process.stdout.write(`${JSON.stringify({ args: serviceArgs(process.argv[argsFor + 1] ?? 'standalone'), env: SERVICE_ENV })}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
