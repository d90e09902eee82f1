import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '@fengqiao/demo';
import { jsonOf, ServiceProcess, spawnService } from '@fengqiao/testing';

/** `npm start`: one process, all five contexts, no external server. */
describe('standalone process', () => {
  let proc: ServiceProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-standalone-'));
    // explicit endpoints must not matter in standalone mode
    proc = await spawnService('standalone', { FENGQIAO_DATA_DIR: dataDir, KAFKA_BROKERS: '', MONGO_URL: '' });
  }, 90_000);

  afterAll(async () => {
    await proc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health for all five modules and the embedded storage', async () => {
    const res = await fetch(`${proc.url}/health`);
    const body = await jsonOf(res);
    expect(res.status).toBe(200);
    for (const key of ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics', 'storage']) {
      expect(body.info[key]?.status).toBe('up');
    }
    expect(body.info.kafka).toBeUndefined();
    // each store's Merkle log against its signed checkpoints (a forked log would say so here, still "up")
    expect(body.info.audit).toMatchObject({ status: 'up' });
    for (const context of ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics']) {
      expect(body.info.audit[context]).toEqual({ logForked: false, storeChangesFound: 0 });
    }
    expect(existsSync(dataDir)).toBe(true);
  });

  // /proc is Linux's; glibc's malloc reads the variable when the process starts (scripts/build-node.mjs SERVICE_ENV)
  (process.platform === 'linux' ? it : it.skip)('runs with the service environment: glibc maps large blocks on their own (Linux only)', () => {
    const environ = readFileSync(`/proc/${proc.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');
  });

  // V8 reads its flags from the command line; a replay pretenured by allocation site is ~1.6x slower (scripts/build-node.mjs)
  (process.platform === 'linux' ? it : it.skip)('runs with the service V8 flags, allocation-site pretenuring off (Linux only)', () => {
    const cmdline = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(expect.arrayContaining(['--max-semi-space-size=16', '--heap-growing-percent=30', '--no-allocation-site-pretenuring']));
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${proc.url}/api/docs-json`);
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).info.title).toContain('Fengqiao');
  });

  it('logs structured JSON lines with the correlation id of a request', async () => {
    const res = await fetch(`${proc.url}/no-such-route`, { headers: { 'x-correlation-id': 'e2e-corr-1' } });
    expect(res.status).toBe(404);
    const deadline = Date.now() + 5000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < deadline) {
      line = proc
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.correlationId === 'e2e-corr-1');
      if (!line) await new Promise((r) => setTimeout(r, 50));
    }
    expect(line).toMatchObject({ service: 'standalone', correlationId: 'e2e-corr-1' });
  });

  it('loads the demo district on first start: a demo operator logs in and sees who they are', async () => {
    const login = await fetch(`${proc.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'op.d', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const tokens = await jsonOf(login);
    const me = await fetch(`${proc.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(me.status).toBe(200);
    expect(await jsonOf(me)).toMatchObject({ username: 'op.d', unitId: 'd-fq' });
  });

  it('answers 401 without a token and with a wrong password', async () => {
    expect((await fetch(`${proc.url}/auth/me`)).status).toBe(401);
    const bad = await fetch(`${proc.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'op.d', password: 'not-the-password' }),
    });
    expect(bad.status).toBe(401);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await proc.stop()).toBe(0);
  });
});
