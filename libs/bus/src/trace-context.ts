import { createHash } from 'node:crypto';

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
