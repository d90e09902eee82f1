import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { demoDistrict } from '@fengqiao/demo';
import { BuiltInIssuer, principalOf } from '@fengqiao/identity';
import { GridDispatchModule } from '@fengqiao/grid-dispatch-service';
import { IntakeModule } from '@fengqiao/intake-service';
import { addSpanProcessor, ContextRuntime, loadServiceConfig, runtimeToken, startService, type RunningService } from '@fengqiao/platform';
import { describeIntegration, eventually, uniqueName, uniqueTopicPrefix } from '@fengqiao/testing';

/**
 * Issue 16 §3: one trace from the operator's HTTP request that files a case to the grid-dispatch
 * consumer that opens its work order, across real Kafka. Intake and grid-dispatch run as two apps
 * in distributed mode (each its own bus client, database and data folder, as two deployables
 * would), in this process so that an in-memory exporter sees the spans of both.
 */
describeIntegration('traces across the store and Kafka (distributed wiring)', ['kafka', 'mongo'], (env) => {
  const exporter = new InMemorySpanExporter();
  const dirs: string[] = [];
  let intake: RunningService;
  let grid: RunningService;
  let token: string;
  const saved = { ...process.env };

  const start = async (name: 'intake' | 'grid-dispatch', imports: unknown[], prefix: string, db: string): Promise<RunningService> => {
    const dataDir = mkdtempSync(join(tmpdir(), `fq-trace-${name}-`));
    dirs.push(dataDir);
    const url = new URL(env().mongoUrl);
    url.pathname = `/${db}_${name.replace('-', '_')}`;
    return startService(
      {
        name,
        title: `${name} (traces)`,
        imports: imports as never,
        identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
      },
      loadServiceConfig(
        name,
        { port: 0, mode: 'distributed' },
        {
          KAFKA_BROKERS: env().kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          MONGO_URL: url.toString(),
          FENGQIAO_DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
        },
      ),
    );
  };

  beforeAll(async () => {
    addSpanProcessor(new SimpleSpanProcessor({ exporter }));
    // the platform reads the auth settings from the environment: both apps verify tokens of one issuer (the demo key)
    Object.assign(process.env, { AUTH_ISSUER: 'urn:fengqiao:traces-int', AUTH_BUILTIN_ISSUER: 'true', GRID_DISPATCH_SEED_REFERENCE_DATA: 'true' });
    const prefix = uniqueTopicPrefix('traces');
    const db = uniqueName('traces').replace(/[^A-Za-z0-9_]/g, '_');
    grid = await start('grid-dispatch', [GridDispatchModule.register({ seedReferenceData: true })], prefix, db);
    intake = await start('intake', [IntakeModule.register()], prefix, db);
    const issuer = intake.app.get(BuiltInIssuer, { strict: false });
    const snapshot = issuer.directory.current();
    const operator = snapshot.userByUsername('op.v-1-1');
    if (!operator) throw new Error('the demo directory has no op.v-1-1');
    token = (await issuer.issueAccessToken(principalOf(operator, snapshot))).token;
  }, 180_000);

  afterAll(async () => {
    await intake?.close();
    await grid?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }, 60_000);

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${intake.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  it('follows a case from the filing request through the relay to the consumer that opened its work order', async () => {
    const [lng, lat] = demoDistrict.pointInGrid('g-1-1-1');
    const reported = await post('/intake/cases', {
      channel: 'hotline',
      category: 'fire_lane_blocked',
      description: '消防通道被占',
      location: { point: { lat, lng } },
    });
    expect(reported.status).toBe(201);
    const caseId = reported.body.caseId as string;

    // the operator's client sends its own trace context: the whole chain continues it
    const callerTrace = '5e1f0c2a9b7d4e3f8a6b1c0d2e4f6a8b';
    const callerSpan = '1a2b3c4d5e6f7a8b';
    const filed = await post(`/intake/cases/${caseId}/file`, { urgency: 'urgent' }, { 'if-match': '"0"', traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(filed.status).toBe(200);
    expect(filed.body.events).toEqual(['CaseAccepted', 'CaseFiled']);

    // the work order opened by grid-dispatch's consumer, from CaseFiled on Kafka
    const gridRuntime = grid.app.get<ContextRuntime>(runtimeToken('grid-dispatch'));
    const opened = await eventually(
      async () =>
        (await gridRuntime.infra.events.readAll({ afterPosition: 0, maxCount: 10_000 })).find(
          (e) => e.type === 'WorkOrderOpened' && JSON.stringify(e.data).includes(caseId),
        ),
      { what: 'the work order opened in grid-dispatch', timeoutMs: 90_000, intervalMs: 200 },
    );
    // its event stored the consumer's trace context: the same trace as the request
    expect(opened.traceparent).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));

    const spans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === callerTrace);
    const byId = (id: string | undefined) => spans().find((s) => s.spanContext().spanId === id);
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    const consumer = await eventually(
      () =>
        spans().find(
          (s) =>
            s.kind === SpanKind.CONSUMER &&
            s.attributes['messaging.consumer.group.name'] === 'grid-dispatch.work-orders' &&
            s.attributes['fengqiao.event.type'] === 'cn.fengqiao.intake.case.filed.v1',
        ),
      { what: 'the span of CaseFiled in grid-dispatch.work-orders', timeoutMs: 30_000, intervalMs: 100 },
    );

    // the chain, span by span: HTTP request → command → relay publish → consumer → command that opened the work order
    const server = spans().find((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === `/intake/cases/${caseId}/file`);
    expect(server).toBeDefined();
    expect(parentOf(server!)).toBe(callerSpan);
    expect(server!.name).toBe('HTTP POST /intake/cases/:id/file');
    expect(server!.attributes['http.response.status_code']).toBe(200);
    const command = spans().find((s) => parentOf(s) === server!.spanContext().spanId && s.name === 'INTAKE FileCase');
    expect(command).toBeDefined();

    const producer = byId(parentOf(consumer));
    expect(producer?.kind).toBe(SpanKind.PRODUCER);
    expect(producer?.attributes['fengqiao.event.type']).toBe('CaseFiled');
    expect(parentOf(producer!)).toBe(command!.spanContext().spanId);

    const opening = spans().find((s) => parentOf(s) === consumer.spanContext().spanId && s.name === 'GRID_DISPATCH OpenWorkOrder');
    // the opening and what routing decides on it (a dispatch here, or a referral) are one append
    expect(String(opening?.attributes['fengqiao.events']).split(',')[0]).toBe('WorkOrderOpened');
    expect(opened.traceparent).toBe(`00-${callerTrace}-${opening!.spanContext().spanId}-01`);
  }, 180_000);
});
