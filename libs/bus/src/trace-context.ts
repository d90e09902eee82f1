import { createHash } from 'node:crypto';
import {
  type Context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanOptions,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
} from '@opentelemetry/api';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) carried from the HTTP request through
 * the store and Kafka: the trace id of a request IS its correlation id when the caller sent a
 * `traceparent` (the platform takes it as the correlation id), so every event the request caused,
 * and every event those caused downstream, carries a `traceparent` extension with the same trace id.
 * Correlation ids that are not a trace id (a UUID, a client's own id) map to one by hashing.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The trace id of a valid `traceparent` header (version 00), or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return m[1];
}

const hex = (seed: string, length: number): string => createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, length);

/** The trace id of a correlation id: itself when it is one, else derived from it. */
export function traceIdForCorrelation(correlationId: string): string {
  if (TRACE_ID.test(correlationId) && correlationId !== ZERO_TRACE) return correlationId;
  const id = hex(`trace:${correlationId}`, 32);
  return id === ZERO_TRACE ? '1'.padStart(32, '0') : id;
}

/** The `traceparent` of a message: the correlation's trace, and a span id per event (sampled). */
export function traceparentFor(correlationId: string, eventId: string): string {
  const span = hex(`span:${eventId}`, 16);
  return `00-${traceIdForCorrelation(correlationId)}-${span === ZERO_SPAN ? '0000000000000001' : span}-01`;
}

// ---------------------------------------------------------------------------------------------
// OpenTelemetry spans (the API only: without a registered SDK every span is a no-op that still
// carries its parent's context, so the trace context flows through even when nothing is recorded)

/** The tracer of Fengqiao's own spans (the command path, the relay, the consumers). */
export const FENGQIAO_TRACER = 'fengqiao';
export const fengqiaoTracer = (): Tracer => trace.getTracer(FENGQIAO_TRACER);

/** The span context a valid `traceparent` names (remote), or undefined. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16) & TraceFlags.SAMPLED, isRemote: true };
}

/** The `traceparent` of a span context, or undefined when it is not valid. */
export function traceparentOf(span: SpanContext | undefined): string | undefined {
  if (!span || !isSpanContextValid(span)) return undefined;
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The `traceparent` of the span active here (the request's, the command's, the consumer's), or undefined. */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getActiveSpan()?.spanContext());
}

/** A context whose parent is the span a `traceparent` names (the root context when it names none). */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const parent = spanContextOf(traceparent);
  return parent ? trace.setSpanContext(base, parent) : base;
}

/**
 * Runs `work` in a new span (active for everything it awaits) and ends it: status ERROR with the
 * exception recorded when `work` throws.
 */
export async function inSpan<T>(name: string, options: SpanOptions, parent: Context, work: (span: Span) => Promise<T>): Promise<T> {
  return fengqiaoTracer().startActiveSpan(name, options, parent, async (span) => {
    try {
      return await work(span);
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  });
}
