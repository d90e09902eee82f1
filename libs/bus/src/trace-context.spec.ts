import { spanContextOf, traceIdForCorrelation, traceIdOf, traceparentFor, traceparentOf } from './trace-context';

describe('W3C trace context', () => {
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('reads the trace id of a valid traceparent, and nothing of a malformed or all-zero one', () => {
    expect(traceIdOf(`00-${trace}-00f067aa0ba902b7-01`)).toBe(trace);
    for (const bad of [
      undefined,
      '',
      `01-${trace}-00f067aa0ba902b7-01`,
      `00-${trace.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${trace}-${'0'.repeat(16)}-01`,
      `00-${trace}-00f067aa0ba902b7`,
    ]) {
      expect(traceIdOf(bad)).toBeUndefined();
    }
  });

  it('keeps a trace id as the trace of its correlation, and derives a stable one from any other id', () => {
    expect(traceIdForCorrelation(trace)).toBe(trace);
    const derived = traceIdForCorrelation('0190a7a4-0000-7000-8000-000000000001');
    expect(derived).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdForCorrelation('0190a7a4-0000-7000-8000-000000000001')).toBe(derived);
    expect(traceIdForCorrelation('other')).not.toBe(derived);
  });

  it('gives every event of a correlation the same trace and its own span', () => {
    const a = traceparentFor(trace, 'event-a');
    const b = traceparentFor(trace, 'event-b');
    expect(a).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
    expect(traceIdOf(a)).toBe(trace);
    expect(a.split('-')[2]).not.toBe(b.split('-')[2]);
  });

  it('reads a traceparent as a remote span context and writes it back the same, refusing malformed ones', () => {
    const header = `00-${trace}-00f067aa0ba902b7-01`;
    expect(spanContextOf(header)).toEqual({ traceId: trace, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(traceparentOf(spanContextOf(header))).toBe(header);
    expect(traceparentOf(spanContextOf(`00-${trace}-00f067aa0ba902b7-00`))).toBe(`00-${trace}-00f067aa0ba902b7-00`);
    expect(spanContextOf(`00-${trace}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(spanContextOf('garbage')).toBeUndefined();
    expect(traceparentOf({ traceId: '0'.repeat(32), spanId: '00f067aa0ba902b7', traceFlags: 1 })).toBeUndefined();
  });
});
