import { Controller, Get, Module } from '@nestjs/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceConfig } from '../config/service-config';
import { Public } from '../auth/decorators';
import { RunningService, startService } from './create-app';
import { buildContextModule } from './context-module';

@Public()
@Controller('cases-api')
class ApiController {
  @Get()
  list() {
    return { items: [] };
  }
}

@Module({})
class ApiContextModule {}

/** Issue 13: the console at `/` of the same process, without shadowing any API route. */
describe('serveConsole (real HTTP)', () => {
  let service: RunningService;
  let dir: string;
  const html = { accept: 'text/html,application/xhtml+xml' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-console-site-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir, 'pages.json'), JSON.stringify({ pages: ['', 'board', 'cases'] }));
    const config = loadServiceConfig('probe', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' });
    service = await startService(
      {
        name: 'probe',
        title: 'probe',
        imports: [buildContextModule(ApiContextModule, { name: 'probe-context', controllers: [ApiController] })],
        console: { dir },
      },
      config,
    );
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a browser at / and at its pages with index.html, under a CSP without upgrade-insecure-requests', async () => {
    for (const path of ['/', '/board', '/cases/0193-abc']) {
      const res = await fetch(`${service.url}${path}`, { headers: html });
      expect([path, res.status, await res.text()]).toEqual([path, 200, '<!doctype html><title>console</title>']);
      expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves the hashed assets with a long cache', async () => {
    const res = await fetch(`${service.url}/assets/app-1234.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves every API route, health and the OpenAPI page to the APIs, even for a browser', async () => {
    const api = await fetch(`${service.url}/cases-api`, { headers: html });
    expect([api.status, await api.json()]).toEqual([200, { items: [] }]);
    const health = await fetch(`${service.url}/health`, { headers: html });
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const docs = await fetch(`${service.url}/api/docs`, { headers: html });
    expect(await docs.text()).toContain('swagger');
    const wellKnown = await fetch(`${service.url}/.well-known/jwks.json`, { headers: html });
    expect(wellKnown.headers.get('content-type')).toContain('application/json');
  });

  it('gives a program asking for JSON at a page path the API 404, not the page', async () => {
    const res = await fetch(`${service.url}/board`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    const missing = await fetch(`${service.url}/assets/none.js`);
    expect(missing.status).toBe(404);
  });
});
