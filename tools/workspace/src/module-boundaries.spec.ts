import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * A rule that never fires is not a rule (STYLE "Boundaries"): each ban is shown rejecting a
 * deliberate violation, and the same file without it passing.
 */
const root = resolve(__dirname, '..', '..', '..');
const eslintBin = resolve(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** Lints `code` as if it were the file at `filePath`, with the workspace's own ESLint config. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const r = spawnSync(process.execPath, [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', resolve(root, filePath)], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`eslint failed (${r.status}): ${r.stderr}`);
  const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries', () => {
  it('rejects a domain lib importing @nestjs/common', async () => {
    const messages = await lint('libs/mediation/domain/src/__probe__.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n");
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^@nx\/enforce-module-boundaries: .*type:domain.*@nestjs\/common/)]));
  }, 60_000);

  it('rejects a domain lib importing node:sqlite', async () => {
    const messages = await lint('libs/kernel/src/__probe__.ts', "import { DatabaseSync } from 'node:sqlite';\nexport const x = DatabaseSync;\n");
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^no-restricted-imports: .*node:sqlite/)]));
  }, 60_000);

  it('rejects one context importing another context', async () => {
    const messages = await lint(
      'libs/intake/service/src/__probe__.ts',
      "import { MediationModule } from '@fengqiao/mediation-service';\nexport const x = MediationModule;\n",
    );
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/scope:intake.*can only depend on.*scope:intake/)]));
  }, 60_000);

  it('rejects production code importing a /testing entry point, and lets a spec import it', async () => {
    const code = "import { fixturePrincipal } from '@fengqiao/identity/testing';\nexport const x = fixturePrincipal;\n";
    const production = await lint('libs/platform/src/__probe__.ts', code);
    expect(production).toEqual(expect.arrayContaining([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*@fengqiao\/identity\/testing/)]));
    expect(await lint('libs/platform/src/__probe__.spec.ts', code)).toEqual([]);
  }, 60_000);

  it("rejects a floating promise and a promise where a void callback is expected (type-aware, the project's own tsconfig)", async () => {
    // an existing file of a small project, so the project service finds it in libs/kernel/tsconfig.json
    const messages = await lint(
      'libs/kernel/src/clock.ts',
      'async function f(): Promise<void> {\n  await Promise.resolve();\n}\nexport function g(): void {\n  f();\n  [1].forEach(async () => f());\n}\n',
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^@typescript-eslint\/no-floating-promises:/),
        expect.stringMatching(/^@typescript-eslint\/no-misused-promises:/),
      ]),
    );
  }, 120_000);

  it('lets a service lib import the platform and contracts', async () => {
    const messages = await lint(
      'libs/intake/service/src/__probe__.ts',
      "import { topics } from '@fengqiao/contracts';\nimport { buildContextModule } from '@fengqiao/platform';\nexport const x = [topics, buildContextModule];\n",
    );
    expect(messages).toEqual([]);
  }, 60_000);
});
