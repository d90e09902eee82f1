import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIntegration, ServiceProcess, spawnService, uniqueName, uniqueTopicPrefix, workspaceRoot } from '@fengqiao/testing';
import { startGateway } from '../gateway/gateway';
import { act, browserMissing, choose, ConsoleBrowser, ensureConsoleBuilt, expectStatus, login, logout, openBrowser } from './support/browser';

/**
 * Issue 13: the same build served in distributed mode passes a smoke subset through the gateway —
 * analytics (issuer), intake and grid-dispatch as separate processes on real Kafka and FerretDB, the
 * console and their APIs from one origin. A grid worker reports a blocked fire lane, the village
 * operator files it, routing dispatches it to the town's fire station; the map draws.
 */
const body = (env: () => { kafkaBrokers: string[]; mongoUrl: string }) => {
  let procs: ServiceProcess[] = [];
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let dataDir: string;
  let ui: ConsoleBrowser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'fq-console-dist-'));
    const mongo = new URL(env().mongoUrl);
    mongo.pathname = `/${uniqueName('console').replace(/[^A-Za-z0-9_]/g, '_')}`;
    const common = {
      FENGQIAO_MODE: 'distributed',
      FENGQIAO_DEMO: 'true',
      KAFKA_BROKERS: env().kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('console'),
      MONGO_URL: mongo.toString(),
      AUTH_ISSUER: 'urn:fengqiao:console-smoke',
      GRID_DISPATCH_SEED_REFERENCE_DATA: 'true',
      GRID_DISPATCH_PROJECTOR_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
    };
    const analytics = await spawnService('analytics', { ...common, AUTH_BUILTIN_ISSUER: 'true', FENGQIAO_DATA_DIR: dataDir }, { timeoutMs: 120_000 });
    procs.push(analytics);
    const verify = { ...common, AUTH_JWKS_URL: `${analytics.url}/.well-known/jwks.json` };
    procs.push(await spawnService('intake', verify, { timeoutMs: 120_000 }));
    procs.push(await spawnService('grid-dispatch', verify, { timeoutMs: 120_000 }));
    const [, intake, grid] = procs;
    gateway = await startGateway({
      port: 0,
      dist: join(workspaceRoot, 'services', 'console', 'dist'),
      upstreams: { intake: intake.url, open311: intake.url, 'grid-dispatch': grid.url, '*': analytics.url },
    });
    ui = await openBrowser();
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
    await gateway?.close();
    await Promise.all(procs.map((p) => p.stop()));
    procs = [];
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports, files and sees the case dispatched by routing, through the gateway', async () => {
    const { page, context } = await ui.newPage({ phone: true });
    await login(page, gateway.url, 'gw.g-1-1-1');
    await page.getByRole('menuitem', { name: '事件上报' }).click();
    await choose(page, '事件类别', '消防通道堵塞', { search: true });
    await page.getByLabel('事件描述').fill('小区北门消防通道被私家车堵塞');
    await page.getByLabel('地址').fill('枫源小区北门');
    await page.getByRole('button', { name: '提交上报' }).click();
    await expectStatus(page, '已上报，待受理');
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    await ui.shot(page, 'distributed-01-reported');
    await logout(page);
    await context.close();

    const desk = await ui.newPage();
    await login(desk.page, gateway.url, 'op.v-1-1');
    await desk.page.getByLabel('按事件编号查找').fill(caseId);
    await desk.page.getByRole('button', { name: '查找' }).click();
    await act(desk.page, '立案');
    await expectStatus(desk.page, '待签收');
    await desk.page.getByText('枫溪消防救援站').first().waitFor();
    await ui.shot(desk.page, 'distributed-02-dispatched');
    await desk.page.getByRole('menuitem', { name: '网格地图' }).click();
    await desk.page
      .getByRole('img', { name: /网格地图/ })
      .locator('canvas')
      .first()
      .waitFor();
    await ui.shot(desk.page, 'distributed-03-map');
    await desk.context.close();
    expect(ui.errors).toEqual([]);
  }, 120_000);
};

if (browserMissing) describe.skip('web console through the distributed gateway (skipped: no Chromium, outside CI)', () => undefined);
else describeIntegration('web console through the distributed gateway (real Kafka + FerretDB)', ['kafka', 'mongo'], body);
