import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { activeTraceparent, contextFromTraceparent, fengqiaoTracer } from '@fengqiao/bus';
import { addSpanProcessor, startTracing } from './tracing';

// one tracer provider per process (module state): this file starts it with no exporter, then adds a processor

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

/** The span started under `parent` (a traceparent, or none), its traceparent and whether it records. */
function spanUnder(parent: string | undefined): { traceparent: string | undefined; recording: boolean } {
  return fengqiaoTracer().startActiveSpan('probe', {}, contextFromTraceparent(parent, context.active()), (span) => {
    const seen = { traceparent: activeTraceparent(), recording: span.isRecording() };
    span.end();
    return seen;
  });
}

describe('spans when nothing receives them (no exporter)', () => {
  beforeAll(() => {
    expect(startTracing({ serviceName: 'test', env: {} }).exporting).toBe(false);
  });

  it('records nothing, and still carries the trace: a child span id under the caller’s trace, sampled as the caller was', () => {
    const sampled = spanUnder(`00-${CALLER_TRACE}-${CALLER_SPAN}-01`);
    expect(sampled.recording).toBe(false);
    expect(sampled.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
    expect(sampled.traceparent).not.toContain(CALLER_SPAN);
    expect(spanUnder(`00-${CALLER_TRACE}-${CALLER_SPAN}-00`).traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
  });

  it('starts a new sampled trace without a caller, and a new span id each time', () => {
    const first = spanUnder(undefined).traceparent as string;
    const second = spanUnder(undefined).traceparent as string;
    expect(first).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(first.split('-')[1]).not.toBe(second.split('-')[1]);
    // startSpan (not active) and the root option: the caller's trace is left
    const root = fengqiaoTracer().startSpan('root', { root: true }, contextFromTraceparent(`00-${CALLER_TRACE}-${CALLER_SPAN}-01`));
    expect(root.spanContext().traceId).not.toBe(CALLER_TRACE);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);
  });

  it('records and hands spans over once a processor receives them', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = new SimpleSpanProcessor({ exporter });
    addSpanProcessor(processor);
    const seen = spanUnder(`00-${CALLER_TRACE}-${CALLER_SPAN}-01`);
    expect(seen.recording).toBe(true);
    await processor.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('probe');
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(seen.traceparent).toBe(`00-${CALLER_TRACE}-${span.spanContext().spanId}-01`);
  });
});
