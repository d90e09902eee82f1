import { otlpTracesUrlOf } from './tracing';

// the export itself is tested on a running service (the exporter loads node:http by a dynamic
// import, which jest's module sandbox refuses): e2e/src/trace-export.e2e.spec.ts

describe('trace export (OTLP/HTTP, only when configured)', () => {
  it('finds the traces URL from the OTEL_* variables, and none without them', () => {
    expect(otlpTracesUrlOf({})).toBeUndefined();
    expect(otlpTracesUrlOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrlOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/traces' })).toBe(
      'http://other:4318/traces',
    );
    expect(otlpTracesUrlOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });
});
