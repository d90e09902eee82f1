import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';

/** The web console's production build (services/console/dist) served by this process at `/`. */
export interface ConsoleSite {
  /** folder with index.html, assets/ and pages.json */
  dir: string;
}

/**
 * services/console/dist of the workspace `from` is in: the nearest folder above `from` holding
 * services/console/build.mjs. The same answer from the TypeScript sources and from their compiled
 * copy under dist/node (scripts/build-node.mjs), which sits three folders deeper.
 */
export function consoleDistDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'services', 'console', 'build.mjs'))) return join(dir, 'services', 'console', 'dist');
    if (dirname(dir) === dir) return join(from, 'console', 'dist');
  }
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}
interface Res {
  setHeader(name: string, value: string): void;
  sendFile(path: string): void;
}

/**
 * Content-Security-Policy of the console's page: helmet's default without `upgrade-insecure-requests`
 * (the console is opened over plain http on 127.0.0.1 or a LAN address in standalone mode).
 */
export const CONSOLE_CSP =
  "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self'";

/** The first path segments of the console's pages (its pages.json); an API prefix is never among them. */
export function consolePages(dir: string): Set<string> {
  const file = join(dir, 'pages.json');
  const pages = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pages: string[] }).pages : [''];
  return new Set(pages);
}

/**
 * Serves the console without shadowing any API route: files under `/assets/` (content-hashed, cached
 * for a year), and index.html for a browser's page request (GET, Accept: text/html) whose first path
 * segment is one of the console's own pages. Everything else goes on to the API routes.
 * Returns false (and serves nothing) when the build is missing.
 */
export function serveConsole(app: INestApplication, site: ConsoleSite): boolean {
  const index = join(site.dir, 'index.html');
  if (!existsSync(index)) return false;
  const pages = consolePages(site.dir);
  const express = app as NestExpressApplication;
  express.useStaticAssets(join(site.dir, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false, fallthrough: true });
  express.use((req: Req, res: Res, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const accept = String(req.headers.accept ?? '');
    const first = req.path.split('/')[1] ?? '';
    if (!accept.includes('text/html') || !pages.has(first)) return next();
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
