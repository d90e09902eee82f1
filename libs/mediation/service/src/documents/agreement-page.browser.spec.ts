import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { isCi } from '@fengqiao/testing';
import { caseIn } from '../testing/case-driver';
import { MediationTestApp, startMediationTestApp } from '../testing/mediation-test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
const describeBrowser = missing && !isCi() ? describe.skip : describe;

/** The printable agreement (调解协议书) opened in a real headless Chromium, as a committee prints it. */
describeBrowser(`the agreement page in headless Chromium${missing && !isCi() ? ` (skipped: ${missing})` : ''}`, () => {
  let t: MediationTestApp;
  let browser: Browser;
  beforeAll(async () => {
    if (missing) throw new Error(`CI=true and ${missing}`);
    t = await startMediationTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the parties’ names, the terms and the signing date, on A4 with print styles', async () => {
    t.clock.set('2025-03-10T15:00:00+08:00');
    const c = await caseIn(t, 'mc-v-1-1', 'effective');
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${await t.token('mediator11')}` });
    const res = await page.goto(`${t.url}/mediation/cases/${c.caseId}/documents/agreement`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('人民调解协议书');
    expect(await page.locator('h1').innerText()).toContain('协议书');
    const signatories = await page.locator('.signatory').allInnerTexts();
    expect(signatories).toEqual(['王建国', '李秀英']);
    expect(await page.locator('[data-field="terms"]').innerText()).toBe('一方维修，另一方不再追究');
    expect(await page.locator('[data-field="signingDate"]').innerText()).toBe('2025年3月10日');
    expect(await page.locator('.seal').innerText()).toContain('枫源社区人民调解委员会');
    // printable: an A4 PDF comes out of the print pipeline
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.no-print').isVisible()).toBe(false);
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.close();
  }, 60_000);

  it('the other documents render from the events too: application record, rights notice, dossier contents', async () => {
    const c = await caseIn(t, 'mc-v-1-1', 'consent_pending');
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${await t.token('mediator11')}` });
    for (const [kind, title] of [
      ['application', '人民调解申请（受理登记）表'],
      ['rights-notice', '人民调解当事人权利义务告知书'],
      ['dossier', '人民调解卷宗目录'],
    ] as const) {
      await page.goto(`${t.url}/mediation/cases/${c.caseId}/documents/${kind}`);
      expect(await page.title()).toBe(title);
      expect(await page.locator('body').innerText()).toContain('王建国');
    }
    expect(await page.locator('body').innerText()).toContain('尚缺');
    await page.close();
  }, 60_000);
});
