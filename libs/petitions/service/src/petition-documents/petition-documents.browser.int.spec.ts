import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// a real browser is the "server" of this suite: without one it is skipped, and fails under CI
const suite = available || process.env['CI'] === 'true' ? describe : describe.skip;

suite(`the handling opinion page in headless Chromium (${available ? CHROMIUM : `skipped: no Chromium at ${CHROMIUM}`})`, () => {
  let t: PetitionsTestApp;
  let browser: Browser;
  let id: string;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const r = await t.ok<LooseJson>('POST', '/petitions', 'town1Officer', registration({ petitioners: [petitioner(90)] }), 201);
    id = r.petitionId;
    await t.ok('POST', `/petitions/${id}/transfer`, 'town1Officer', { toUnitId: 'dept-t1-cg', route: 'competent_body' });
    await t.ok('POST', `/petitions/${id}/acceptance`, 'town1Officer', { noticeRef: '枫溪执法受字〔2025〕9号' });
    await t.ok('POST', `/petitions/${id}/handling`, 'town1Officer', { handlerIds: ['u-1'] });
    await t.ok('POST', `/petitions/${id}/opinion`, 'town1Officer', {
      outcome: 'not_support',
      request: '要求按新标准补偿',
      factsAndReasons: '经核实，征收补偿已按批准时的标准足额发放 <script>alert(1)</script>',
      legalBasisCited: '《土地管理法》第四十八条',
      documentRef: '枫溪执法意字〔2025〕9号',
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders an A4 page naming the article, the outcome and the route of review; markup in the text stays text', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${await t.token('town1Officer')}` } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${t.url}/petitions/${id}/documents/opinion`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('信访处理意见书');
    expect(await page.locator('h1').innerText()).toBe('信访处理意见书');
    expect(await page.locator('.ref').innerText()).toBe('枫溪执法意字〔2025〕9号');
    const text = await page.locator('main').innerText();
    expect(text).toContain('处理意见：不予支持。');
    expect(text).toContain('信访工作条例§32');
    expect(text).toContain('30日内');
    expect(text).toContain('复查');
    expect(text).toContain('信访人90：');
    expect(text).toContain('<script>alert(1)</script>');
    expect(dialogs).toEqual([]);
    expect(await page.locator('main').getAttribute('data-document')).toBe('opinion');
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    // A4 at 72 dpi: 595.28 × 841.89 points, one page
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
    expect(box && [Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([595, 842]);
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBe(1);
    await context.close();
  }, 60_000);
});
