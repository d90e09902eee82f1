#!/usr/bin/env node
// Builds the console (Vite) into services/console/dist and reports its size, gzip, per chunk and
// for the first page (index.html, its entry script and everything that entry loads up front).
// Usage: node services/console/build.mjs             (from the workspace root or anywhere)
//        node services/console/build.mjs --if-stale  (npm start: only when dist is missing or older than a source)
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const newest = (dir) =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
if (process.argv.includes('--if-stale') && existsSync(join(dist, 'index.html'))) {
  const built = statSync(join(dist, 'index.html')).mtimeMs;
  if (
    Math.max(
      newest(join(here, 'src')),
      newest(join(here, 'public')),
      ...['index.html', 'build.mjs', 'vite.config.mjs'].map((f) => statSync(join(here, f)).mtimeMs),
    ) <= built
  )
    process.exit(0);
}

// jest (NODE_ENV=test) and shells may set NODE_ENV: the console is always built for production
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
const started = Date.now();
await build({ configFile: join(here, 'vite.config.mjs'), logLevel: 'warn', mode: 'production' });

const gz = (file) => gzipSync(readFileSync(file)).length;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const assets = readdirSync(join(dist, 'assets')).map((f) => ({
  file: `assets/${f}`,
  bytes: readFileSync(join(dist, 'assets', f)).length,
  gzip: gz(join(dist, 'assets', f)),
}));
// the first page: index.html plus the scripts and styles it names (entry and modulepreload links),
// plus what the entry imports statically (Vite lists those as modulepreload links too)
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const named = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
const firstPage = gz(join(dist, 'index.html')) + assets.filter((a) => named.includes(a.file)).reduce((s, a) => s + a.gzip, 0);
const total = assets.reduce((s, a) => s + a.gzip, 0);
const report = {
  builtAt: new Date().toISOString(),
  firstPageGzip: firstPage,
  totalGzip: total,
  firstPageFiles: named,
  assets: assets.sort((a, b) => b.gzip - a.gzip),
};
writeFileSync(join(dist, 'size-report.json'), JSON.stringify(report, null, 2));
console.log(
  `console built in ${((Date.now() - started) / 1000).toFixed(1)} s: first page ${kb(firstPage)} gzip (${named.length} files), all chunks ${kb(total)} gzip, ${assets.length} files`,
);
for (const a of report.assets.slice(0, 8)) console.log(`  ${a.file.padEnd(48)} ${kb(a.gzip).padStart(10)} gzip  ${kb(a.bytes).padStart(10)}`);
if (firstPage > 500 * 1024) {
  console.error(`console: the first page is ${kb(firstPage)} gzip, over the 500 kB budget`);
  process.exit(1);
}
