import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

/**
 * CORS restricted to the web console's origin (CONSOLE_ORIGIN), for `app.enableCors(...)`.
 * Without an origin no cross-origin call is allowed (the standalone console is same-origin).
 * Bearer tokens travel in the Authorization header, not cookies, so credentials stay off.
 */
export function corsOptions(consoleOrigin: string | undefined): CorsOptions {
  return {
    origin: consoleOrigin ? [consoleOrigin] : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Correlation-Id'],
    exposedHeaders: ['ETag', 'X-Correlation-Id', 'Retry-After'],
    credentials: false,
    maxAge: 600,
  };
}

/**
 * Public routes any origin may call from a browser (read-only open data and keyed submissions,
 * no cookies, no bearer token): Open311 GeoReport v2. Their preflight (OPTIONS) is answered here.
 */
export const PUBLIC_CORS_PREFIXES: readonly string[] = ['/open311/'];

export function publicCorsOptions(): CorsOptions {
  return {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Content-Type', 'X-Correlation-Id'],
    exposedHeaders: ['X-Correlation-Id', 'Retry-After'],
    credentials: false,
    maxAge: 86_400,
  };
}

/**
 * Per request: the public routes (`PUBLIC_CORS_PREFIXES`) open to every origin, everything else
 * restricted to the console's origin (`corsOptions`). For `app.enableCors(...)`.
 */
export function corsOptionsDelegate(consoleOrigin: string | undefined, publicPrefixes: readonly string[] = PUBLIC_CORS_PREFIXES) {
  const restricted = corsOptions(consoleOrigin);
  const open = publicCorsOptions();
  return (req: { url?: string }, callback: (err: Error | null, options: CorsOptions) => void): void => {
    const url = req.url ?? '';
    callback(null, publicPrefixes.some((p) => url.startsWith(p)) ? open : restricted);
  };
}
