import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ServiceProcess, spawnService } from '@fengqiao/testing';
import {
  act,
  browserMissing,
  choose,
  CHROMIUM,
  ConsoleBrowser,
  ensureConsoleBuilt,
  expectStatus,
  loggedRefusal,
  login,
  logout,
  openBrowser,
  openForm,
  submitRefused,
} from './support/browser';

/**
 * Issue 13, "done when": the operator journey report → file → dispatch → accept → feedback → verify →
 * close, entirely by clicking in Debian's Chromium as the demo users, against the standalone app
 * started from a fresh data folder; a screenshot of each page under tmp/console-e2e; no console error.
 * The case is an elderly-care request in 云岭村 (v-3-3), a deliberate routing gap of the demo
 * district: it waits in the unroutable queue and the village operator dispatches it to the grid by hand.
 */
/** a 2×2 PNG: the feedback's photo */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64');

const suite = browserMissing ? describe.skip : describe;
suite(`web console in the browser${browserMissing ? ` (skipped: no Chromium at ${CHROMIUM}, outside CI)` : ''}`, () => {
  let app: ServiceProcess;
  let dataDir: string;
  let ui: ConsoleBrowser;
  let caseId = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'fq-console-e2e-'));
    app = await spawnService(
      'standalone',
      {
        FENGQIAO_DATA_DIR: dataDir,
        FENGQIAO_DEMO: 'true',
        KAFKA_BROKERS: '',
        MONGO_URL: '',
        LOG_LEVEL: 'warn',
        GRID_DISPATCH_PROJECTOR_INTERVAL_MS: '200',
        RATE_LIMIT_LOGIN_PER_MINUTE: '100',
      },
      // the whole system compiles and starts in one process: minutes on a shared, busy machine
      { timeoutMs: 240_000 },
    );
    ui = await openBrowser();
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const openCase = async (page: Page) => {
    await page.getByLabel('按事件编号查找').fill(caseId);
    await page.getByRole('button', { name: '查找' }).click();
    await page.getByTestId('case-status').waitFor();
  };

  it('shows the login page in Chinese and refuses a wrong password with the API message', async () => {
    const { page, context } = await ui.newPage();
    await page.goto(`${app.url}/`);
    await page.getByLabel('用户名').fill('op.v-3-3');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    await ui.shot(page, '01-login');
    await context.close();
    // the one deliberate refusal of the test (the browser logs it, and the API answered why)
    const expected = await loggedRefusal(ui, 401, (e) => e.includes('POST') && e.includes('AUTH.BAD_CREDENTIALS'));
    ui.errors.splice(0, ui.errors.length, ...ui.errors.filter((e) => !expected.includes(e)));
  }, 60_000);

  it('a grid worker reports a case from a phone-sized screen', async () => {
    const { page, context } = await ui.newPage({ phone: true });
    await login(page, app.url, 'gw.g-3-3-1');
    await expect(page.getByTestId('user-role').textContent()).resolves.toBe('网格员');
    await page.getByRole('menuitem', { name: '事件上报' }).click();
    await choose(page, '事件类别', '困难群众帮扶', { search: true });
    await page.getByLabel('事件描述').fill('独居老人家中断水两天，行动不便需要上门帮扶');
    await page.getByLabel('地址').fill('云岭村3组8号');
    await ui.shot(page, '02-report-phone');
    await page.getByRole('button', { name: '提交上报' }).click();
    await page.getByTestId('case-status').filter({ hasText: '已上报，待受理' }).waitFor();
    caseId = new URL(page.url()).pathname.split('/').pop()!;
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    await ui.shot(page, '03-case-reported');
    await logout(page);
    await context.close();
  }, 60_000);

  it('the village operator accepts, files and (the category being unroutable here) dispatches it to the grid', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'op.v-3-3');
    await page.getByRole('tab', { name: '受理台' }).click();
    await page.getByRole('link', { name: caseId.slice(-8) }).click();
    await act(page, '受理');
    await expectStatus(page, '已受理，待立案');
    await act(page, '立案');
    await expectStatus(page, '已立案');
    await ui.shot(page, '04-case-filed');
    await page.getByRole('menuitem', { name: '事件总览' }).click();
    await page.getByText('待派单（含无法自动派单）').click();
    await page.getByText('无法自动派单').first().waitFor();
    await ui.shot(page, '05-board-unroutable-queue');
    await page.getByRole('link', { name: caseId.slice(-8) }).click();
    await act(page, '派单', () => choose(page, '承办单位', '云岭村第一网格', { search: true }));
    await expectStatus(page, '待签收');
    await ui.shot(page, '06-case-dispatched');
    await logout(page);
    await context.close();
  }, 90_000);

  it('the grid worker accepts the work order and feeds back, on the phone', async () => {
    const { page, context } = await ui.newPage({ phone: true });
    await login(page, app.url, 'gw.g-3-3-1');
    await page.getByRole('menuitem', { name: '我的工单' }).click();
    await page.getByRole('link', { name: `工单 ${caseId.slice(-8)}` }).click();
    await ui.shot(page, '07-work-order-phone');
    await act(page, '签收');
    await expectStatus(page, '处置中');
    await act(page, '办结反馈', async () => {
      await page.getByLabel('办理结果').fill('已联系供水站修复管道，网格员送水上门并登记定期探访');
      // a photo from the phone: uploaded at once, then named by the feedback
      await page.getByRole('dialog').locator('input[type=file]').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: PHOTO });
      await page
        .getByRole('dialog')
        .locator('.ant-upload-list-item-done, .ant-upload-list-item:not(.ant-upload-list-item-uploading):not(.ant-upload-list-item-error)')
        .first()
        .waitFor();
    });
    await expectStatus(page, '待核查');
    // the photo is shown in the case's timeline, loaded with the session
    await page.getByRole('img', { name: '现场照片.png' }).first().waitFor();
    await ui.shot(page, '08-feedback-submitted-phone');
    await logout(page);
    await context.close();
  }, 90_000);

  it('the operator verifies and closes it; an empty closing note shows the API message at the field', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'op.v-3-3');
    await openCase(page);
    await act(page, '核查', async () => {
      await choose(page, '核查结果', '核查通过');
      await page.getByLabel('核查情况').fill('现场核实，已恢复供水');
    });
    await expectStatus(page, '已核查');
    // the API judges the form: submitting it empty shows its message under the field
    const closing = await openForm(page, '结案');
    await submitRefused(closing, '确认结案', '结案意见', '请填写结案意见');
    await ui.shot(page, '09-close-validation');
    const deliberate = await loggedRefusal(ui, 400, (e) => e.includes('/close') && e.includes('"field":"summary"'));
    ui.errors.splice(0, ui.errors.length, ...ui.errors.filter((e) => !deliberate.includes(e)));
    await page.getByRole('dialog').getByLabel('结案意见').fill('问题已解决，结案');
    await page.getByRole('dialog').getByRole('button', { name: '确认结案' }).click();
    await expectStatus(page, '已结案');
    await page.getByText('办理时间线').waitFor();
    await ui.shot(page, '10-case-closed-timeline');
    for (const step of ['上报', '立案', '派单', '签收', '反馈', '核查', '结案']) await page.locator('.ant-timeline').getByText(step).first().waitFor();
    await context.close();
  }, 90_000);

  it('draws the grid map and the dashboard', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'op.v-3-3');
    await page.getByRole('menuitem', { name: '网格地图' }).click();
    await page
      .getByRole('img', { name: /网格地图/ })
      .locator('canvas')
      .first()
      .waitFor();
    await ui.shot(page, '11-grid-map');
    await page.getByRole('menuitem', { name: '领导驾驶舱' }).click();
    await page.getByText('按月趋势').waitFor();
    await ui.shot(page, '12-dashboard');
    await context.close();
  }, 60_000);

  it('shows each role only its pages: a mediator gets the mediation desk, not the board', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'med.v-1-1');
    await expect(page.getByTestId('user-role').textContent()).resolves.toBe('人民调解员');
    await expect(page.getByRole('menuitem').allTextContents()).resolves.toEqual(['调解工作台']);
    await page.getByRole('heading', { name: '调解工作台' }).waitFor();
    await ui.shot(page, '13-mediator-desk');
    await page.goto(`${app.url}/board`);
    await page.getByText('无权访问').waitFor();
    await context.close();
  }, 60_000);

  it('a department objects and asks for more time; the operator rules on both (by clicking)', async () => {
    // set-up through the public API: a second case dispatched to the district's 城管 (a department may object; a grid worker may not)
    const tokens = new Map<string, string>();
    const token = async (username: string) => tokens.get(username) ?? tokens.set(username, await issue(username)).get(username)!;
    const issue = async (username: string) =>
      (
        (await (
          await fetch(`${app.url}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: 'fengqiao-demo-2025' }),
          })
        ).json()) as { accessToken: string }
      ).accessToken;
    const call = async (username: string, path: string, body: unknown) => {
      const res = await fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(username)}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
      return (await res.json()) as { caseId: string };
    };
    const { caseId: second } = await call('gw.g-3-3-1', '/intake/cases', {
      channel: 'grid_worker',
      category: 'elderly_care',
      description: '老人需要代购药品',
      location: { address: '云岭村1组3号', point: { lng: 120.235, lat: 29.735 } },
    });
    await call('op.v-3-3', `/intake/cases/${second}/file`, {});
    const dispatchDeadline = Date.now() + 20_000;
    for (;;) {
      const res = await fetch(`${app.url}/grid-dispatch/cases/${second}/dispatch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('op.v-3-3')}` },
        body: JSON.stringify({ unitId: 'dept-d-cg' }),
      });
      if (res.status < 300) break;
      if (Date.now() > dispatchDeadline) throw new Error(`dispatch refused: ${res.status} ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 300)); // the work order opens asynchronously after filing
    }

    const worker = await ui.newPage();
    await login(worker.page, app.url, 'dept.d-cg');
    await worker.page.getByRole('menuitem', { name: '我的工单' }).click();
    await worker.page.getByRole('link', { name: `工单 ${second.slice(-8)}` }).click();
    await act(worker.page, '退单', () => worker.page.getByLabel('退单理由').fill('代购药品不属于城管职责，应由村居办理'));
    await expectStatus(worker.page, '退单待裁定');
    await ui.shot(worker.page, '14-department-objection');

    const desk = await ui.newPage();
    await login(desk.page, app.url, 'op.v-3-3');
    await desk.page.goto(`${app.url}/cases/${second}`);
    await act(desk.page, '裁定退单', async () => {
      await choose(desk.page, '裁定结果', '退单不成立');
      await desk.page.getByLabel('裁定理由').fill('先行处置，费用另行协调');
    });
    await expectStatus(desk.page, '待签收');

    await worker.page.reload();
    await act(worker.page, '签收');
    await expectStatus(worker.page, '处置中');
    await act(worker.page, '申请延期', async () => {
      await worker.page.getByLabel('延期时长').fill('2');
      await worker.page.getByLabel('延期理由').fill('药店缺货，需等待配送');
    });
    await expectStatus(worker.page, '延期待审批');

    await desk.page.reload();
    await act(desk.page, '审批延期', async () => {
      await choose(desk.page, '审批结果', '批准');
      await desk.page.getByLabel('审批意见').fill('同意延期');
    });
    await expectStatus(desk.page, '处置中');
    await ui.shot(desk.page, '15-extension-granted');
    await worker.context.close();
    await desk.context.close();
  }, 120_000);

  it('shows the whole board with its filters', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'op.d');
    await page.getByRole('tab', { name: '全部工单' }).click();
    await page.getByText('按状态').waitFor();
    await ui.shot(page, '16-board-all');
    await context.close();
  }, 60_000);

  it('refreshes an expired access token without a word to the user, and logging out revokes the session', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'op.d');
    const stored = async () =>
      JSON.parse((await page.evaluate(() => localStorage.getItem('fengqiao.session'))) ?? 'null') as {
        accessToken: string;
        refreshToken: string;
        expiresAt: number;
      } | null;
    const before = (await stored())!;
    // the access token has run out: the console exchanges the refresh token before its next call
    await page.evaluate(
      (s) => localStorage.setItem('fengqiao.session', JSON.stringify({ ...s, accessToken: 'expired', expiresAt: Date.now() - 1000 })),
      before,
    );
    await page.reload();
    await page.getByTestId('user-name').waitFor();
    const after = (await stored())!;
    expect(after.accessToken).not.toBe('expired');
    expect(after.refreshToken).not.toBe(before.refreshToken);
    await page.getByText('全部工单').waitFor();
    await logout(page);
    expect(await stored()).toBeNull();
    const reuse = await fetch(`${app.url}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: after.refreshToken }),
    });
    expect(reuse.status).toBe(401);
    await context.close();
  }, 60_000);

  it('left no error in the browser console', () => {
    expect(ui.errors).toEqual([]);
  });
});
