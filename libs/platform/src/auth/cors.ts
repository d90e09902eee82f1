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
