import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';

/**
 * The distributed mode's single origin (`npm run distributed`): the console's build at `/`, and each
 * API prefix proxied to the service that owns it, so the same build works as in standalone mode.
 * docker-compose.yml does the same with nginx (services/console/gateway/nginx.conf).
 */
export interface GatewayOptions {
  port: number;
  host?: string;
  /** the console's build (index.html, assets/, pages.json) */
  dist: string;
  /** first path segment → upstream base URL; `*` takes every other path */
  upstreams: Record<string, string>;
}

export function defaultUpstreams(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const intake = env.FENGQIAO_INTAKE_URL ?? 'http://127.0.0.1:3101';
  return {
    intake,
    open311: intake,
    'grid-dispatch': env.FENGQIAO_GRID_DISPATCH_URL ?? 'http://127.0.0.1:3102',
    mediation: env.FENGQIAO_MEDIATION_URL ?? 'http://127.0.0.1:3103',
    petitions: env.FENGQIAO_PETITIONS_URL ?? 'http://127.0.0.1:3104',
    // analytics hosts the issuer (auth, .well-known, directory), audit and analytics
    '*': env.FENGQIAO_ANALYTICS_URL ?? 'http://127.0.0.1:3105',
  };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
const CSP =
  "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self'";

export function startGateway(opts: GatewayOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const index = join(opts.dist, 'index.html');
  const pagesFile = join(opts.dist, 'pages.json');
  const pages = new Set<string>(existsSync(pagesFile) ? (JSON.parse(readFileSync(pagesFile, 'utf8')) as { pages: string[] }).pages : ['']);

  const sendFile = (res: ServerResponse, file: string, headers: Record<string, string>) => {
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(statSync(file).size),
      'x-content-type-options': 'nosniff',
      ...headers,
    });
    createReadStream(file).pipe(res);
  };

  const proxy = (req: IncomingMessage, res: ServerResponse, first: string) => {
    const target = new URL(req.url ?? '/', opts.upstreams[first] ?? opts.upstreams['*']);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '', 'x-forwarded-proto': 'http' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ statusCode: 502, code: 'GATEWAY.UPSTREAM_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' }));
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const first = path.split('/')[1] ?? '';
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (read && path.startsWith('/assets/')) {
      const file = normalize(join(opts.dist, path));
      if (file.startsWith(join(opts.dist, 'assets')) && existsSync(file) && statSync(file).isFile())
        return sendFile(res, file, { 'cache-control': 'public, max-age=31536000, immutable' });
    }
    if (read && pages.has(first) && String(req.headers.accept ?? '').includes('text/html') && existsSync(index)) {
      return sendFile(res, index, { 'cache-control': 'no-cache', 'content-security-policy': CSP });
    }
    proxy(req, res, first);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      resolve({ server, url: `http://${opts.host ?? '127.0.0.1'}:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}
