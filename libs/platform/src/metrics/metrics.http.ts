import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { metrics } from './metrics';

interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
}

/**
 * Express middleware: counts every request and its latency under its route template
 * (`/intake/cases/:id/accept`, never the concrete id, so the label set stays small); a request no
 * route matched is labelled `unmatched`.
 */
export function httpMetricsMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const routed = req as RoutedRequest;
    const path = typeof routed.route?.path === 'string' ? `${routed.baseUrl ?? ''}${routed.route.path}` : 'unmatched';
    const labels = { method: req.method ?? 'GET', route: path, status: String(res.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
  next();
}

/** Answers a scrape: the text exposition format. */
export async function serveMetrics(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await metrics.text();
    res.statusCode = 200;
    res.setHeader('content-type', metrics.contentType);
    res.end(body);
  } catch {
    res.statusCode = 500;
    res.end('# metrics unavailable\n');
  }
}

/**
 * Where `/metrics` is served: on the service's own port (no login; the default), or, with
 * METRICS_PORT set, only on a listener of its own at METRICS_HOST (default 127.0.0.1), so an
 * operator can keep it off the public interface.
 */
export interface MetricsPlacement {
  port?: number;
  host: string;
}

export function metricsPlacementOf(env: NodeJS.ProcessEnv = process.env): MetricsPlacement {
  const raw = env.METRICS_PORT;
  if (raw === undefined || raw === '') return { host: env.METRICS_HOST ?? '127.0.0.1' };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`METRICS_PORT must be a port number (0–65535), got "${raw}"`);
  return { port, host: env.METRICS_HOST ?? '127.0.0.1' };
}

/** A listener that serves only `/metrics`. */
export async function startMetricsServer(placement: Required<MetricsPlacement>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      void serveMetrics(req, res);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(placement.port, placement.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : placement.port;
  return { server, url: `http://${placement.host}:${port}/metrics` };
}
