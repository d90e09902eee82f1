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
  DEMO_PASSWORD,
  ensureConsoleBuilt,
  loggedRefusal,
  login,
  logout,
  openBrowser,
  openForm,
  submitRefused,
} from './support/browser';

/**
 * Issue 13's desks in Debian's Chromium, against the standalone app on a fresh data folder with the
 * demo district (whose mediation cases and petitions are seeded in every state): a mediator takes a
 * case from mediating to a signed agreement and opens the printable agreement; a petition officer
 * issues and delivers an opinion and opens it; an auditor verifies a matter against a checkpoint
 * kept earlier and exports its evidence; a leader opens the dashboard and the big screen. Zero
 * browser console errors besides the one deliberate validation refusal.
 */
const suite = browserMissing ? describe.skip : describe;
suite(`console desks in the browser${browserMissing ? ` (skipped: no Chromium at ${CHROMIUM}, outside CI)` : ''}`, () => {
  let app: ServiceProcess;
  let dataDir: string;
  let ui: ConsoleBrowser;
  let mediationCaseId = '';

  const token = async (username: string): Promise<string> => {
    const res = await fetch(`${app.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  /** Polls an API (as a user) until `ok` says the answer is there: the demo is seeded in the background. */
  const until = async <T>(username: string, path: string, ok: (body: T) => boolean): Promise<T> => {
    const auth = { authorization: `Bearer ${await token(username)}` };
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await fetch(`${app.url}${path}`, { headers: auth });
      const body = res.ok ? ((await res.json()) as T) : undefined;
      if (body !== undefined && ok(body)) return body;
      if (Date.now() > deadline) throw new Error(`${path}: not ready after 90 s (${res.status})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'fq-console-desks-'));
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

  afterEach(() => {
    expect(ui.errors).toEqual([]);
  });

  /** Opens a printable document from the case page: a new window showing the A4 HTML. */
  const openDocument = async (page: Page, button: string, expected: string) => {
    const [popup] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: button }).click()]);
    await popup.waitForFunction((text) => document.body?.innerText.includes(text), expected, { timeout: 15_000 });
    await ui.shot(popup, `desk-document-${button}`);
    await popup.close();
  };

  it('a mediator takes a case from mediating to a signed agreement; an empty agreement shows the API message at the field', async () => {
    // The demo seeds each committee's cases one after the other, and the cases it takes on to an
    // agreement or a termination pass through "mediating" on the way: pick the mediating case once
    // the committee's last demo case (archived) is listed, when only the one meant to stay is left.
    await until<{ items: unknown[] }>('med.v-1-1', '/mediation/cases?scope=committee&status=archived', (b) => b.items.length > 0);
    const seeded = await until<{ items: { caseId: string }[] }>('med.v-1-1', '/mediation/cases?scope=committee&status=mediating', (b) => b.items.length > 0);
    expect(seeded.items).toHaveLength(1);
    mediationCaseId = seeded.items[0].caseId;
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'med.v-1-1');
    await expect(page.getByTestId('user-role').textContent()).resolves.toBe('人民调解员');
    // only the mediator's own desk is offered
    await expect(page.getByRole('menuitem').allTextContents()).resolves.toEqual(['调解工作台']);
    await page.getByRole('link', { name: mediationCaseId.slice(-8) }).click();
    await page.getByTestId('case-status').filter({ hasText: '调解中' }).waitFor();
    await page.getByTestId('clock').filter({ hasText: '调解期限' }).first().waitFor();
    await ui.shot(page, 'desk-10-mediation-case');

    // the API refuses an agreement without terms: its message appears at the field
    const dialog = await openForm(page, '达成协议');
    await submitRefused(dialog, '确认达成协议', '协议内容', 'terms');
    const refused = await loggedRefusal(ui, 400, (e) => e.includes('/agreement'));
    ui.errors.splice(0, ui.errors.length, ...ui.errors.filter((e) => !refused.includes(e)));
    await page.getByLabel('协议内容').fill('被申请人于十日内清理公共通道杂物，双方今后共同维护通道畅通');
    await page.getByLabel('协议书编号').fill('枫源调字〔2026〕第12号');
    await dialog.getByRole('button', { name: '确认达成协议' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('case-status').filter({ hasText: '已达成协议' }).waitFor();

    await act(page, '签署协议');
    await page.getByText('协议生效').first().waitFor();
    await ui.shot(page, 'desk-11-mediation-agreement-signed');
    await openDocument(page, '人民调解协议书', '清理公共通道杂物');
    await logout(page);
    await context.close();
  }, 180_000);

  it('a petition officer issues an opinion on a petition in hand, delivers it and opens the opinion document', async () => {
    await until<{ items: unknown[] }>('xf.t-1', '/petitions?status=handling', (b) => b.items.length > 0);
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'xf.t-1');
    await expect(page.getByRole('menuitem').allTextContents()).resolves.toEqual(['信访工作台']);
    await page.getByTestId('clock').first().waitFor();
    await ui.shot(page, 'desk-20-petitions-queue');
    await page.getByRole('link', { name: 'demo-handling', exact: true }).click();
    await page.getByTestId('case-status').filter({ hasText: '办理中' }).waitFor();
    await act(page, '出具处理意见', async () => {
      const dialog = page.getByRole('dialog');
      await choose(page, '处理意见', '支持', { within: dialog });
      await dialog.getByLabel('信访人的请求').fill('请求对村道硬化工程占用的承包地给予补偿');
      await dialog.getByLabel('查明的事实和理由').fill('经核实，工程占用承包地0.3亩，未办理补偿手续');
      await dialog.getByLabel('依据').fill('《中华人民共和国土地管理法》第四十八条');
      await dialog.getByLabel('意见书编号').fill('枫溪信复〔2026〕7号');
    });
    await page.getByTestId('case-status').filter({ hasText: '已出具处理意见' }).waitFor();
    await act(page, '送达处理意见');
    await page.getByTestId('case-status').filter({ hasText: '处理意见已送达' }).waitFor();
    await page.getByTestId('clock').filter({ hasText: '申请复查期限' }).first().waitFor();
    await ui.shot(page, 'desk-21-petition-delivered');
    await openDocument(page, '信访处理意见书', '占用承包地');
    await logout(page);
    await context.close();
  }, 180_000);

  it('an auditor reads a matter across kinds, steps through its states, keeps a checkpoint, verifies it and exports the evidence', async () => {
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'audit.d');
    await page.getByRole('menuitem', { name: '审计查证' }).click();
    await page.getByLabel('事项编号').fill(mediationCaseId);
    await page.getByRole('button', { name: '查证', exact: true }).click();
    await page.getByRole('cell', { name: 'AgreementReached' }).first().waitFor();
    // the state at revision 0: registered
    await page.getByRole('slider').focus();
    await page.keyboard.press('Home');
    await page.getByTestId('state-status').filter({ hasText: 'registered' }).waitFor();
    await page.getByRole('button', { name: '保存当前签名检查点' }).click();
    await page.getByText('已保存检查点：').waitFor();
    await page.getByRole('button', { name: '校验此事项' }).click();
    await page.getByTestId('verify-result').filter({ hasText: '校验通过' }).waitFor();
    await page.getByRole('cell', { name: '与保存的检查点一致' }).waitFor();
    await page.getByRole('cell', { name: '哈希链' }).first().waitFor();
    await ui.shot(page, 'desk-30-audit-verified');
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出证据包' }).click()]);
    expect(file.suggestedFilename()).toBe(`evidence-${mediationCaseId}.json`);
    await logout(page);
    await context.close();
  }, 120_000);

  it('a leader opens the dashboard with the analytics figures and the big screen', async () => {
    // a case reported today, so the figures have a month
    const auth = { authorization: `Bearer ${await token('op.d')}`, 'content-type': 'application/json' };
    const res = await fetch(`${app.url}/intake/cases`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ category: 'garbage_overflow', description: '垃圾桶满溢三天无人清运', channel: 'hotline', location: { address: '枫源村1组' } }),
    });
    expect(res.status).toBe(201);
    await until<{ rows: unknown[] }>('op.d', '/analytics/figures?by=month', (b) => b.rows.length > 0);
    const { page, context } = await ui.newPage();
    await login(page, app.url, 'op.d');
    await page.getByRole('menuitem', { name: '领导驾驶舱' }).click();
    await page.getByRole('img', { name: '按月受理、立案、办结趋势图' }).locator('canvas').waitFor();
    await page.getByText('按期办结率').first().waitFor();
    await ui.shot(page, 'desk-40-dashboard');
    await page.getByRole('button', { name: '大屏模式' }).click();
    await page.getByTestId('big-screen').waitFor();
    await page.getByTestId('big-screen').getByRole('img', { name: '按月受理、立案、办结趋势图' }).locator('canvas').waitFor();
    await ui.shot(page, 'desk-41-big-screen');
    await page.getByRole('button', { name: '退出大屏' }).click();
    await page.getByTestId('big-screen').waitFor({ state: 'detached' });
    await logout(page);
    await context.close();
  }, 120_000);
});
