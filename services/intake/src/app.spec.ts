import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDistrict } from '@fengqiao/demo';
import { DEMO_OPEN311_API_KEY } from '@fengqiao/intake-service';
import { loadServiceConfig, RunningService, startService } from '@fengqiao/platform';
import { jsonOf } from '@fengqiao/testing';
import { appDefinition } from './app';

/** The deployable as it is, in standalone mode with every default: the demo district and the demo Open311 key. */
describe('intake deployable (standalone defaults)', () => {
  let service: RunningService;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-intake-app-'));
    service = await startService(
      appDefinition,
      loadServiceConfig('intake', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
    );
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health, protects the intake routes and offers the demo categories through Open311', async () => {
    expect((await jsonOf(await fetch(`${service.url}/health`))).info.intake.status).toBe('up');
    expect((await fetch(`${service.url}/intake/cases`)).status).toBe(401);
    const services = await jsonOf(await fetch(`${service.url}/open311/v2/services.json`));
    expect(services.map((s: { service_code: string }) => s.service_code)).toContain('fire_lane_blocked');
  });

  it('takes an Open311 request with the demo key and shows it back', async () => {
    const [lng, lat] = demoDistrict.pointInGrid('g-1-1-1');
    const posted = await fetch(`${service.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: DEMO_OPEN311_API_KEY,
        service_code: 'garbage_overflow',
        lat: String(lat),
        long: String(lng),
        description: '垃圾桶满了',
      }).toString(),
    });
    expect(posted.status).toBe(201);
    const [{ service_request_id }] = await jsonOf(posted);
    const got = await jsonOf(await fetch(`${service.url}/open311/v2/requests/${service_request_id}.json`));
    expect(got[0]).toMatchObject({ service_request_id, status: 'open', service_code: 'garbage_overflow', lat, long: lng });
  });
});
