import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IllegalStateError, NotFoundError } from '@fengqiao/kernel';
import { activeTraceparent } from '@fengqiao/bus';
import { loadServiceConfig } from '../config/service-config';
import { Public } from '../auth/decorators';
import { RunningService, startService } from './create-app';
import { buildContextModule } from './context-module';
import { HealthRegistry } from '../health/health.module';

// Response bodies in assertions: arbitrary JSON, checked by expect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsonOf = (res: Response): Promise<any> => res.json();

class ReportDto {
  @IsString({ message: '事件类别必须是文字' })
  @IsNotEmpty({ message: '请选择事件类别' })
  category!: string;

  @IsIn(['low', 'normal', 'urgent'], { message: '紧急程度只能是 low、normal 或 urgent' })
  urgency!: string;

  @IsString()
  @MaxLength(20, { message: '描述不能超过 20 字' })
  description!: string;
}

@Public()
@Controller('probe')
class ProbeController {
  @Post()
  report(@Body() dto: ReportDto) {
    return { received: dto };
  }
  @Get('missing')
  missing() {
    throw new NotFoundError('CASE.NOT_FOUND', '未找到该事件');
  }
  @Get('illegal')
  illegal() {
    throw new IllegalStateError('CASE.NOT_DISPATCHED', '事件尚未派单，不能签收');
  }
  @Post('traced')
  traced(@Body() body: { note?: string }) {
    // after the body parser: the request's span is still the active one
    return { note: body.note, traceparent: activeTraceparent() };
  }
  @Get('boom')
  boom() {
    throw new Error('secret internals');
  }
}

@Module({})
class ProbeContextModule {}

describe('service app (platform bootstrap, standalone mode, real HTTP)', () => {
  let service: RunningService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-platform-'));
    const config = loadServiceConfig('probe', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    service = await startService(
      {
        name: 'probe',
        title: 'probe',
        imports: [buildContextModule(ProbeContextModule, { name: 'probe-context', controllers: [ProbeController] })],
      },
      config,
    );
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${service.url}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('serves /health with the storage and every context module', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.status).toBe('ok');
    expect(body.info.storage.status).toBe('up');
    expect(body.info['probe-context'].status).toBe('up');
  });

  it('/health/ready fails with a dependency down, /health/live does not (a restart would not mend it)', async () => {
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    let down = false;
    service.app.get(HealthRegistry).add({
      key: 'flaky-dependency',
      check: async () => {
        if (down) throw new Error('unreachable');
        return {};
      },
    });
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    down = true;
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    // which dependency is down, and why: what the operator reading it needs
    expect(await jsonOf(ready)).toMatchObject({
      status: 'error',
      code: 'HEALTH.DEPENDENCY_DOWN',
      message: expect.stringContaining('flaky-dependency'),
      error: { 'flaky-dependency': { status: 'down', message: 'unreachable' } },
      info: { storage: { status: 'up' } },
    });
    expect((await fetch(`${service.url}/health`)).status).toBe(503);
    const live = await fetch(`${service.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await jsonOf(live)).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    down = false;
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('publishes an OpenAPI document at /api/docs', async () => {
    const json = await jsonOf(await fetch(`${service.url}/api/docs-json`));
    expect(json.openapi).toMatch(/^3\./);
    expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(['/health', '/probe']));
    expect((await fetch(`${service.url}/api/docs`)).status).toBe(200);
  });

  it('accepts a valid body', async () => {
    const res = await post({ category: '消防通道', urgency: 'urgent', description: '堵塞' });
    expect(res.status).toBe(201);
    expect(await jsonOf(res)).toEqual({ received: { category: '消防通道', urgency: 'urgent', description: '堵塞' } });
  });

  it('rejects bad input with 400, every failing field, and Chinese messages', async () => {
    const res = await post({ category: '', urgency: 'whenever', description: 'x'.repeat(21), extra: 1 });
    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.code).toBe('VALIDATION_FAILED');
    const fields = body.details.fields as { field: string; message: string }[];
    expect(fields.map((f) => f.field).sort()).toEqual(['category', 'description', 'extra', 'urgency']);
    expect(fields.find((f) => f.field === 'category')!.message).toBe('请选择事件类别');
    expect(fields.find((f) => f.field === 'urgency')!.message).toContain('紧急程度');
  });

  it('maps domain errors to HTTP with the stable code and the Chinese message', async () => {
    const missing = await fetch(`${service.url}/probe/missing`);
    expect(missing.status).toBe(404);
    expect(await jsonOf(missing)).toEqual({ statusCode: 404, code: 'CASE.NOT_FOUND', message: '未找到该事件' });
    const illegal = await fetch(`${service.url}/probe/illegal`);
    expect(illegal.status).toBe(409);
    expect((await jsonOf(illegal)).code).toBe('CASE.NOT_DISPATCHED');
  });

  it('hides internals of unexpected errors', async () => {
    const res = await fetch(`${service.url}/probe/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internals');
    expect(JSON.parse(text).code).toBe('INTERNAL');
  });

  it('echoes a correlation id, or makes one', async () => {
    const given = await fetch(`${service.url}/health`, { headers: { 'x-correlation-id': 'corr-123' } });
    expect(given.headers.get('x-correlation-id')).toBe('corr-123');
    const made = await fetch(`${service.url}/health`);
    expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const junk = await fetch(`${service.url}/health`, { headers: { 'x-correlation-id': 'bad id with spaces' } });
    expect(junk.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    // a W3C traceparent continues the caller's trace: its trace id becomes the correlation id
    const traced = await fetch(`${service.url}/health`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect(traced.headers.get('x-correlation-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const badTrace = await fetch(`${service.url}/health`, { headers: { traceparent: '00-zz-00f067aa0ba902b7-01' } });
    expect(badTrace.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("runs each request in a span of its own, child of the caller's traceparent; its trace id is the correlation id", async () => {
    const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const send = (headers: Record<string, string>) =>
      fetch(`${service.url}/probe/traced`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ note: '备注' }),
      });
    const continued = await send({ traceparent: caller });
    const inside = (await jsonOf(continued)) as { note: string; traceparent: string };
    expect(inside.note).toBe('备注');
    expect(inside.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(inside.traceparent).not.toBe(caller);
    expect(continued.headers.get('x-correlation-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const fresh = await send({});
    const own = (await jsonOf(fresh)) as { traceparent: string };
    const traceId = own.traceparent.split('-')[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(fresh.headers.get('x-correlation-id')).toBe(traceId);
  });

  it('sets security headers and limits the body size', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const big = await post({ category: 'x'.repeat(300 * 1024), urgency: 'low', description: 'x' });
    expect(big.status).toBe(413);
  });
});
