import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { workspaceRoot } from '@fengqiao/testing';

/** Debian's Chromium (installed by .ci/run with apt); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ci = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
/** Outside CI a machine without Chromium skips the browser suites (the title says why); in CI they fail. */
export const browserMissing = !existsSync(CHROMIUM) && !ci;
export const SCREENSHOTS = join(workspaceRoot, 'tmp', 'console-e2e');
export const DEMO_PASSWORD = 'fengqiao-demo-2025';

/** The console's production build, made (or refreshed) before the browser opens it. */
export function ensureConsoleBuilt(): void {
  const r = spawnSync(process.execPath, [join(workspaceRoot, 'services', 'console', 'build.mjs'), '--if-stale'], { cwd: workspaceRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`console build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface ConsoleBrowser {
  browser: Browser;
  /** every console error, page error and failed request of every page so far */
  errors: string[];
  newPage(opts?: { phone?: boolean }): Promise<{ page: Page; context: BrowserContext }>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<ConsoleBrowser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // launch() starts Chromium on a fresh, empty profile of its own (its own --user-data-dir) and removes it on close
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const errors: string[] = [];
  return {
    browser,
    errors,
    async newPage({ phone = false } = {}) {
      const context = await browser.newContext(
        phone
          ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' }
          : { viewport: { width: 1366, height: 900 }, locale: 'zh-CN' },
      );
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()} (${page.url()})`));
      // an API refusal is logged with its body, so a failing test says what the API answered
      page.on('response', (r) => {
        if (r.status() >= 400)
          void r.text().then(
            (t) => errors.push(`response ${r.status()} ${r.request().method()} ${r.url()}: ${t.slice(0, 300)}`),
            () => undefined,
          );
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message} (${page.url()})`));
      // a request cut off by leaving the page is not an error; any other failure is
      page.on(
        'requestfailed',
        (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`),
      );
      return { page, context };
    },
    async shot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
    },
  };
}

/** Waits (with a deadline) for a logged entry, e.g. a deliberate refusal's answer; returns every entry of the same status. */
export async function loggedRefusal(ui: ConsoleBrowser, status: number, match: (entry: string) => boolean): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (!ui.errors.some((e) => e.startsWith(`response ${status} `) && match(e))) {
    if (Date.now() > deadline) throw new Error(`no ${status} answer logged; logged: ${ui.errors.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return ui.errors.filter((e) => e.includes(String(status)));
}

/** Signs in through the login form, as a person would. */
export async function login(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出' }).click();
  await page.getByRole('button', { name: '登录' }).waitFor();
}

/** Picks an option of an Ant Design select by its label (typing first when the select searches). */
export async function choose(
  page: Page,
  label: string,
  option: string,
  { search = false, within }: { search?: boolean; within?: Locator } = {},
): Promise<void> {
  const field = (within ?? page).getByLabel(label, { exact: true });
  // (an inner locator of `has` is taken relative to the outer element: it starts from the page)
  const item = (within ?? page).locator('.ant-form-item', { has: page.getByLabel(label, { exact: true }) });
  const choice = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first();
  // On a busy machine a click on an option still sliding in can miss it, or land on the field below and close the
  // list: each try opens the list if it is shut, clicks the option with a short timeout, then checks the select shows it.
  for (let attempt = 1; ; attempt++) {
    let failure = '';
    try {
      if (!(await choice.isVisible())) {
        await field.click();
        if (search) await field.fill(option);
      }
      await choice.click({ timeout: 5_000 });
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline) {
        if ((await item.innerText()).includes(option)) return;
        await page.waitForTimeout(50);
      }
    } catch (e) {
      failure = `: ${(e as Error).message.split('\n')[0]}`;
    }
    if (attempt === 4) throw new Error(`${label}: the select does not show "${option}" after ${attempt} tries${failure}`);
  }
}

/** Opens an action's form by its button, once the dialog has finished zooming in: a click on it before then can miss. */
export async function openForm(page: Page, title: string): Promise<Locator> {
  await page.getByRole('button', { name: title, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const deadline = Date.now() + 10_000;
  while (/\bant-zoom/.test((await dialog.getAttribute('class')) ?? '') && Date.now() < deadline) await page.waitForTimeout(50);
  return dialog;
}

/** Runs a case action: its button, its form (filled by `fill`), then the modal's confirm button. */
export async function act(page: Page, title: string, fill?: () => Promise<void>): Promise<void> {
  const dialog = await openForm(page, title);
  if (fill) await fill();
  await dialog.getByRole('button', { name: `确认${title}` }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 30_000 }).catch(async (e: Error) => {
    // say what the form shows (the API's message, the fields' errors) rather than only "timeout"
    throw new Error(
      `${title}: the form stayed open showing: ${(await dialog.innerText().catch(() => '?')).replace(/\s+/g, ' ')} (${e.message.split('\n')[0]})`,
    );
  });
}

/**
 * Submits an open form the API is to refuse, until its message shows at the field. A click that changed
 * nothing (no message, no request: on a busy machine one can miss) is made again; a refusal repeated is harmless.
 */
export async function submitRefused(dialog: Locator, confirm: string, field: string, message: string): Promise<void> {
  const shown = dialog
    .locator('.ant-form-item', { has: dialog.page().getByLabel(field, { exact: true }) })
    .locator('.ant-form-item-explain-error')
    .filter({ hasText: message });
  for (let attempt = 1; ; attempt++) {
    await dialog.getByRole('button', { name: confirm }).click();
    try {
      await shown.waitFor({ timeout: 7_500 });
      return;
    } catch (e) {
      if (attempt === 3) throw new Error(`${confirm}: "${message}" not shown at ${field} after ${attempt} submits`, { cause: e });
    }
  }
}

/** Waits until the case page shows this state (the read models are fed asynchronously). */
export async function expectStatus(page: Page, label: string): Promise<void> {
  await page.getByTestId('case-status').filter({ hasText: label }).waitFor({ timeout: 20_000 });
}
