import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceConfig, RunningService, startService } from '@fengqiao/platform';
import { discoverRoutes } from '@fengqiao/platform/testing';
import { appDefinition } from './app';

/**
 * Issue 4, "no route answers without a valid token except health, login and the published Open311
 * read endpoints": every route of the whole system (all five contexts and the issuer, enumerated
 * from the app, not from a list) is called without a token and with a forged one.
 */
const PUBLIC = [
  /^GET \/health(\/ready|\/live)?$/,
  /^POST \/auth\/(login|refresh|logout)$/,
  /^GET \/\.well-known\/jwks\.json$/,
  // signed Merkle checkpoints and their public keys, published so outsiders can keep copies (DESIGN §4)
  /^GET \/audit\/(checkpoint-keys|stores\/:context\/checkpoints|stores\/:context\/checkpoints\/latest)$/,
  /^GET \/open311\/v2\/(discovery|discovery\.json|discovery\.xml|services|services\.json|services\.xml|services\/:code|requests|requests\.json|requests\.xml|requests\/:id)$/,
  // Open311 POST is guarded by its API key instead of a user token (checked below)
  /^POST \/open311\/v2\/(requests|requests\.json|requests\.xml)$/,
  // 网上信访 (petitions): the public form, its proof-of-work challenge, what a query code opens, the reception schedule
  /^GET \/public\/petitions\/(challenge|reception-schedule)$/,
  /^POST \/public\/petitions(\/progress|\/rating|\/documents\/:kind)?$/,
];

describe('every route of the standalone app', () => {
  let service: RunningService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-routes-'));
    process.env.FENGQIAO_DEMO = 'false';
    service = await startService(
      appDefinition,
      loadServiceConfig('standalone', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    );
  }, 120_000);

  afterAll(async () => {
    delete process.env.FENGQIAO_DEMO;
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const concrete = (path: string) => path.replace(/:([A-Za-z]+)/g, 'x-$1');

  it('finds the routes of all five contexts and the issuer', () => {
    const keys = discoverRoutes(service.app).map((r) => r.key);
    for (const prefix of ['/intake/', '/grid-dispatch/', '/open311/v2/', '/auth/', '/health']) {
      expect(keys.some((k) => k.includes(prefix))).toBe(true);
    }
  });

  it('answers 401 to every non-public route without a token, and with a forged token', async () => {
    const routes = discoverRoutes(service.app).filter((r) => !PUBLIC.some((p) => p.test(r.key)));
    expect(routes.length).toBeGreaterThan(20);
    const forged = ['eyJhbGciOiJub25lIn0', Buffer.from(JSON.stringify({ sub: 'u-admin', fq_roles: ['admin'] })).toString('base64url'), ''].join('.');
    const answers: string[] = [];
    for (const r of routes) {
      for (const auth of [undefined, `Bearer ${forged}`]) {
        const res = await fetch(`${service.url}${concrete(r.path)}`, {
          method: r.method,
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          ...(r.method === 'GET' ? {} : { body: '{}' }),
        });
        if (res.status !== 401) answers.push(`${r.key} ${auth ? 'forged' : 'none'} → ${res.status}`);
      }
    }
    expect(answers).toEqual([]);
  }, 120_000);

  it('refuses an Open311 POST without its API key', async () => {
    const res = await fetch(`${service.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ service_code: 'garbage_overflow', lat: '29.7', long: '120.2', description: 'x' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
