import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  type Context,
  propagation,
  type Span as ApiSpan,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, RandomIdGenerator, type ReadableSpan, type Span, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { contextFromTraceparent, fengqiaoTracer } from '@fengqiao/bus';

/**
 * OpenTelemetry traces (issue 16 §3). One tracer provider per process, registered at the first
 * service start: spans are always made (so the W3C trace context of a request is real and flows
 * through the event store and Kafka), and exported only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set
 * (OTLP over HTTP, batched; the exporter reads the other `OTEL_EXPORTER_OTLP_*` variables itself).
 *
 * Spans are made by hand where Fengqiao's own work happens, not by auto-instrumentation (which
 * patches `require` before the modules load and does not see kafkajs behind the Bus port):
 * - `HTTP <method> <route>` (SERVER) for each request, child of the caller's `traceparent`;
 * - `<CONTEXT> <command>` around the command path (`CaseCommandRunner`), whose span context is
 *   stored with each appended event (`StoredEvent.traceparent`);
 * - `<topic> publish` (PRODUCER) in the relay, child of the stored context, its own context sent
 *   as the CloudEvent's `traceparent`;
 * - `<topic> process` (CONSUMER) around each delivery to a consumer group, child of that.
 */
export interface TracingOptions {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}

class FanOutProcessor implements SpanProcessor {
  readonly processors: SpanProcessor[] = [];
  onStart(span: Span, parent: Context): void {
    for (const p of this.processors) p.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}

/**
 * The tracer provider registered for the process: the SDK's while a span processor receives spans
 * (an OTLP exporter, a test's in-memory one), else spans that only carry their trace context: a
 * child span id under the parent's trace (or a new trace), sampled or not as the SDK's default
 * sampler decides (as the parent was; a new trace is), and nothing recorded. The SDK built, timed
 * and attribute-checked every span and handed it to no one: 3 % of the standalone process's time
 * at 150 cases/s (issue 15). Checked at each span, so a processor added later (`addSpanProcessor`)
 * is served from then on.
 */
class ReceivedSpansTracerProvider implements ApiTracerProvider {
  private readonly ids = new RandomIdGenerator();
  constructor(
    private readonly sdk: TracerProvider,
    private readonly fanOut: FanOutProcessor,
  ) {}

  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const sdkTracer = this.sdk.getTracer(name, version, options);
    const startSpan = (spanName: string, spanOptions?: SpanOptions, parent: Context = context.active()): ApiSpan => {
      if (this.fanOut.processors.length > 0) return sdkTracer.startSpan(spanName, spanOptions, parent);
      const parentContext = spanOptions?.root ? undefined : trace.getSpanContext(parent);
      if (!parentContext || !trace.isSpanContextValid(parentContext))
        return trace.wrapSpanContext({ traceId: this.ids.generateTraceId(), spanId: this.ids.generateSpanId(), traceFlags: TraceFlags.SAMPLED });
      // the SDK's default sampler follows the parent's decision
      const traceFlags = parentContext.traceFlags & TraceFlags.SAMPLED;
      return trace.wrapSpanContext({ traceId: parentContext.traceId, spanId: this.ids.generateSpanId(), traceFlags, traceState: parentContext.traceState });
    };
    // startActiveSpan(name, fn) | (name, options, fn) | (name, options, context, fn), as the API declares it
    const startActiveSpan = (spanName: string, ...rest: unknown[]): unknown => {
      const fn = rest[rest.length - 1] as (span: ApiSpan) => unknown;
      const spanOptions = rest.length >= 2 ? (rest[0] as SpanOptions | undefined) : undefined;
      const parent = rest.length >= 3 ? ((rest[1] as Context | undefined) ?? context.active()) : context.active();
      const span = startSpan(spanName, spanOptions, parent);
      return context.with(trace.setSpan(parent, span), fn, undefined, span);
    };
    return { startSpan, startActiveSpan } as Tracer;
  }
}

interface TracingState {
  provider: TracerProvider;
  fanOut: FanOutProcessor;
  exporting: boolean;
}

let state: TracingState | undefined;

/**
 * Where spans are sent (OTLP/HTTP): `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (the OTLP exporter specification); undefined (no
 * export) when neither is set or `OTEL_SDK_DISABLED=true`.
 */
export function otlpTracesUrlOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Registers the process's tracer provider, context manager (AsyncLocalStorage) and W3C
 * propagator, once; later calls (five contexts, tests starting several apps) return the same.
 */
export function startTracing(options: TracingOptions): { exporting: boolean } {
  if (state) return { exporting: state.exporting };
  const env = options.env ?? process.env;
  const fanOut = new FanOutProcessor();
  const url = otlpTracesUrlOf(env);
  const exporting = url !== undefined;
  if (url !== undefined) fanOut.processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) }));
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || `fengqiao-${options.serviceName}` }),
    spanProcessors: [fanOut],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new ReceivedSpansTracerProvider(provider, fanOut));
  state = { provider, fanOut, exporting };
  return { exporting };
}

/** Adds a span processor to the running provider (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
export function addSpanProcessor(processor: SpanProcessor, serviceName = 'test'): void {
  startTracing({ serviceName });
  (state as TracingState).fanOut.processors.push(processor);
}

/** Exports what is buffered and stops the provider (process exit). */
export async function stopTracing(): Promise<void> {
  const s = state;
  if (!s) return;
  await s.provider.shutdown();
}

/** Flushes buffered spans (the exporter's batch) without stopping. */
export async function flushTracing(): Promise<void> {
  await state?.provider.forceFlush();
}

interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
  originalUrl?: string;
}

/**
 * Express middleware: the request's SERVER span, child of the caller's `traceparent` when it sent
 * one, active for the whole request (the request and response emitters are bound to it, so the
 * body parser's callbacks stay in it). Named by the route template once routed.
 */
export function httpTracingMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (req.url === '/health' || req.url?.startsWith('/health/') || req.url === '/metrics') return next();
  const header = req.headers.traceparent;
  const parent = contextFromTraceparent(typeof header === 'string' ? header : undefined, context.active());
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?')[0];
  const span = fengqiaoTracer().startSpan(`HTTP ${method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  const active = trace.setSpan(parent, span);
  res.on('finish', () => {
    const routed = req as RoutedRequest;
    if (typeof routed.route?.path === 'string') {
      const route = `${routed.baseUrl ?? ''}${routed.route.path}`;
      span.setAttribute('http.route', route);
      span.updateName(`HTTP ${method} ${route}`);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  res.on('close', () => {
    if (!res.writableFinished) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection closed before the response finished' });
      span.end();
    }
  });
  context.bind(active, req);
  context.bind(active, res);
  context.with(active, next);
}
