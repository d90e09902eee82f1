import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@fengqiao/testing';
import { startStandalone, type SystemUnderTest } from './support/system';

/**
 * Spans leave the process over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set: the standalone
 * deployable, as an OS process, sends the span of a request to a collector (here a plain HTTP
 * listener that keeps what it receives).
 */
describe('trace export to an OTLP/HTTP collector', () => {
  let collector: Server;
  const received: { path: string; body: string }[] = [];
  let sut: SystemUnderTest;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    sut = await startStandalone({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
  }, 180_000);

  afterAll(async () => {
    await sut?.stop();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }, 60_000);

  it("sends the request span, in the caller's trace, to <endpoint>/v1/traces", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await fetch(`${sut.intakeUrl}/open311/v2/services.json`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.status).toBe(200);
    const batch = await eventually(() => received.find((r) => r.body.includes(traceId)), {
      what: 'the span at the collector',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect(batch.path).toBe('/v1/traces');
    const body = JSON.parse(batch.body) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: { traceId: string; parentSpanId?: string; name: string }[] }[];
      }[];
    };
    const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const server = spans.find((s) => s.traceId === traceId);
    expect(server).toMatchObject({ name: 'HTTP GET /open311/v2/services.json', parentSpanId: 'b7ad6b7169203331' });
    const names = body.resourceSpans.flatMap((r) => r.resource.attributes.filter((a) => a.key === 'service.name').map((a) => a.value.stringValue));
    expect(names).toContain('fengqiao-standalone');
  }, 60_000);
});
