import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { DynamicModule } from '@nestjs/common';
import { traceIdOf } from '@fengqiao/bus';
import { isSpanContextValid, trace } from '@opentelemetry/api';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes a well-formed correlation id from the caller (x-correlation-id, else the trace id of a W3C
 * `traceparent`, so the events of the request continue the caller's trace on Kafka), else the
 * trace id of the request's own span (tracing/tracing.ts), or makes one; echoes it on the response.
 */
export function correlationIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[CORRELATION_HEADER];
  const traceparent = req.headers.traceparent;
  const span = trace.getActiveSpan()?.spanContext();
  const traced = (typeof traceparent === 'string' ? traceIdOf(traceparent) : undefined) ?? (span && isSpanContextValid(span) ? span.traceId : undefined);
  const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : (traced ?? randomUUID());
  res.setHeader(CORRELATION_HEADER, id);
  return id;
}

/**
 * Structured JSON logs (pino) with the correlation id on every line of a request.
 * Authorization headers and cookies are redacted; personal data never goes into log lines.
 */
export function loggingModule(serviceName: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service: serviceName },
      genReqId: correlationIdOf,
      customProps: (req) => ({ correlationId: (req as IncomingMessage & { id?: string }).id }),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => req.url === '/health' || req.url?.startsWith('/health/') === true },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
