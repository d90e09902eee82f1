import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDistrict } from '@fengqiao/demo';
import { describeIntegration, eventually, LooseJson, uniqueName } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startDistributed, startStandalone, SystemUnderTest } from './support/system';

/**
 * Issue 16 item 1, "Done when": journeys run, `npm run backup` runs in its own process while
 * requests continue, `npm run restore` fills an empty deployment (a fresh data folder; a fresh
 * database on FerretDB), and the system started on it shows the same cases, timelines and
 * verification result — its read models rebuilt from the restored events, its relay republishing
 * from position 0.
 */
const ROOT = join(__dirname, '..', '..');
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');
const point = { lat, lng: lon };

function runCli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', `${script}.mjs`), ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Mode {
  start(): Promise<SystemUnderTest>;
  /** the environment that names the running deployment to the CLI */
  sourceEnv(sut: SystemUnderTest): Record<string, string>;
  /** an empty deployment: its CLI environment and how to start the system on it */
  fresh(sut: SystemUnderTest): { env: Record<string, string>; start(): Promise<SystemUnderTest>; cleanup(): void };
  /** extra restore arguments, e.g. `--keys` with the checkpoint keys the services publish */
  restoreArgs?(sut: SystemUnderTest, dir: string): Promise<string[]>;
  /** contexts whose /audit/stores/<context>/verify the test compares (their signing key is the same in both systems) */
  verified: string[];
}

function backupRestore(mode: Mode) {
  let sut: SystemUnderTest;
  let restored: SystemUnderTest | undefined;
  let fresh: ReturnType<Mode['fresh']> | undefined;
  const backupDir = mkdtempSync(join(tmpdir(), 'fq-backup-e2e-'));
  rmSync(backupDir, { recursive: true });

  afterAll(async () => {
    await restored?.stop();
    await sut?.stop();
    fresh?.cleanup();
    rmSync(backupDir, { recursive: true, force: true });
  }, 120_000);

  it('backs up while requests continue, restores into an empty deployment, and shows the same cases, timelines and verification', async () => {
    sut = await mode.start();
    const [gw, op, dept, auditor] = await Promise.all(['gw.g-1-1-1', 'op.v-1-1', 'dept.d-cg', 'audit.d'].map((u) => Client.login(sut.authUrl, u)));
    const report = async (description: string) =>
      (
        await gw.ok(`${sut.intakeUrl}/intake/cases`, {
          channel: 'grid_worker',
          category: 'illegal_parking',
          description,
          location: { point },
          urgency: 'urgent',
        })
      ).caseId as string;
    const cmd = (client: Client, caseId: string, step: string, body: unknown = {}) => client.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/${step}`, body);

    // a grid case to its close, and one left dispatched
    const closed = await report('消防通道被车辆占用');
    await op.ok(`${sut.intakeUrl}/intake/cases/${closed}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, closed, (c) => c.status === 'dispatched', 'the work order');
    await cmd(dept, closed, 'accept');
    await cmd(dept, closed, 'feedback', { result: '已挪车' });
    await cmd(op, closed, 'verify', { result: 'pass', findings: '通道畅通' });
    await cmd(op, closed, 'close', { summary: '已恢复畅通' });
    const open = await report('占道经营');
    await op.ok(`${sut.intakeUrl}/intake/cases/${open}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, closed, (c) => c.status === 'closed', 'the close');
    await waitForCase(op, sut.gridUrl, open, (c) => c.status === 'dispatched', 'the second work order');

    // requests keep coming while the backup runs in its own process
    const before: string[] = [];
    let stop = false;
    let n = 0;
    const load = (async () => {
      // paced under the intake's rate limit; a 429 is the limit speaking, not a failure
      while (!stop) {
        const r = await gw.call('POST', `${sut.intakeUrl}/intake/cases`, {
          channel: 'grid_worker',
          category: 'illegal_parking',
          description: `备份期间上报的事件 ${++n}`,
          location: { point },
          urgency: 'normal',
        });
        if (r.status === 201) before.push(r.body.caseId as string);
        else expect(r.status).toBe(429);
        await new Promise((res) => setTimeout(res, 200));
      }
    })();
    while (before.length < 2) await new Promise((r) => setTimeout(r, 50));
    const doneBeforeBackup = [...before];
    const backup = await runCli('backup', ['--out', backupDir, '--progress-every', '5'], mode.sourceEnv(sut));
    stop = true;
    await load;
    expect({ code: backup.code, stderr: backup.stderr.split('\n').filter((l) => l && !l.startsWith('[backup]')) }).toEqual({ code: 0, stderr: [] });
    expect(backup.stderr).toMatch(/\[backup\] intake: 已导出 exported 5/);
    expect(backup.stdout).toMatch(/备份完成 \/ backup written/);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as LooseJson;
    const count = (context: string) => manifest.contexts.find((c: LooseJson) => c.context === context).events.count as number;
    expect(count('intake')).toBeGreaterThan(0);
    expect(count('grid-dispatch')).toBeGreaterThan(0);

    // what the running system shows for the cases that were in before the backup started
    const detail = async (s: SystemUnderTest, client: Client, caseId: string) => {
      const d = (await client.get(`${s.gridUrl}/grid-dispatch/cases/${caseId}`)).body;
      return { status: d.status, unitId: d.unitId, timeline: d.timeline.map((t: LooseJson) => ({ type: t.type, actor: t.actor, at: t.at, label: t.label })) };
    };
    const originals = { closed: await detail(sut, op, closed), open: await detail(sut, op, open) };
    const intakeIds = async (s: SystemUnderTest, client: Client) =>
      ((await client.get(`${s.intakeUrl}/intake/cases?pageSize=100`)).body.items as LooseJson[]).map((c) => c.caseId as string);
    const allOriginal = await intakeIds(sut, op);
    const verification = async (s: SystemUnderTest, client: Client) => {
      const out: Record<string, unknown> = {};
      for (const context of mode.verified) {
        const v = (await client.get(`${context === 'intake' ? s.intakeUrl : s.gridUrl}/audit/stores/${context}/verify`)).body;
        out[context] = { ok: v.ok, failures: v.failures };
      }
      return out;
    };
    const originalVerification = await verification(sut, auditor);
    expect(Object.values(originalVerification).every((v) => (v as LooseJson).ok)).toBe(true);
    const restoreArgs = (await mode.restoreArgs?.(sut, backupDir)) ?? [];
    if (sut.stopKeepingData) await sut.stopKeepingData();

    // restore into an empty deployment; the second time it is not empty any more
    fresh = mode.fresh(sut);
    const restore = await runCli('restore', ['--from', backupDir, '--progress-every', '5', ...restoreArgs], fresh.env);
    expect(restore.stderr.split('\n').filter((l) => l && !l.startsWith('[restore]'))).toEqual([]);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(new RegExp(`intake: 已恢复并校验 / restored and verified: ${count('intake')} 个事件`));
    expect(restore.stdout).toMatch(new RegExp(`grid-dispatch: 已恢复并校验 / restored and verified: ${count('grid-dispatch')} 个事件`));
    expect(restore.stdout).toMatch(/签名已核验/);
    const again = await runCli('restore', ['--from', backupDir], fresh.env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/拒绝恢复 \/ refused: .*已有 \d+ 个事件/);

    // the system on the restored stores: views rebuilt from the events, the same cases and timelines
    restored = await fresh.start();
    const [op2, auditor2] = await Promise.all(['op.v-1-1', 'audit.d'].map((u) => Client.login(restored!.authUrl, u)));
    await eventually(
      async () => {
        expect(await detail(restored!, op2, closed)).toEqual(originals.closed);
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the closed case rebuilt' },
    );
    await eventually(
      async () => {
        expect(await detail(restored!, op2, open)).toEqual(originals.open);
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the open case rebuilt' },
    );
    await eventually(
      async () => {
        const ids = await intakeIds(restored!, op2);
        for (const id of [closed, open, ...doneBeforeBackup]) expect(ids).toContain(id);
        for (const id of ids) expect(allOriginal.concat(before)).toContain(id);
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the intake cases rebuilt' },
    );
    expect(await verification(restored, auditor2)).toEqual(originalVerification);
    // the relay of each restored store started from position 0 (no checkpoint came with the backup) and went through every event
    for (const [context, url] of [
      ['intake', restored.intakeUrl],
      ['grid-dispatch', restored.gridUrl],
    ] as const) {
      const last = manifest.contexts.find((c: LooseJson) => c.context === context).events.lastPosition as number;
      await eventually(
        async () => {
          const relay = ((await (await fetch(`${url}/health`)).json()) as LooseJson).info?.[context]?.relay;
          expect(relay.position).toBeGreaterThanOrEqual(last);
          expect(relay.published).toBeGreaterThan(0);
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: `the ${context} relay to republish the restored events` },
      );
    }
  }, 600_000);
}

describe('backup and restore in standalone mode', () =>
  backupRestore({
    start: () => startStandalone(),
    sourceEnv: (sut) => ({ FENGQIAO_MODE: 'standalone', FENGQIAO_DATA_DIR: sut.dataDir! }),
    fresh: (sut) => {
      const dir = mkdtempSync(join(tmpdir(), 'fq-restored-'));
      // what the operator brings from the secret store, not from the backup: the checkpoint signing key
      // and the personal-data keys (the identity directory is seeded again by the demo)
      for (const f of ['audit-signing-key.pem', 'mediation/pii-master.key', 'mediation/subject-keys.sqlite', 'petitions/subject-keys.sqlite']) {
        if (existsSync(join(sut.dataDir!, f))) {
          mkdirSync(join(dir, f, '..'), { recursive: true });
          copyFileSync(join(sut.dataDir!, f), join(dir, f));
        }
      }
      return {
        env: { FENGQIAO_MODE: 'standalone', FENGQIAO_DATA_DIR: dir },
        start: () => startStandalone({ FENGQIAO_DATA_DIR: dir }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    verified: ['intake', 'grid-dispatch', 'mediation', 'petitions'],
  }));

describeIntegration('backup and restore in distributed mode (real Kafka + FerretDB)', ['kafka', 'mongo'], (env) => {
  const urlOf = (db: string) => {
    const url = new URL(env().mongoUrl);
    url.pathname = `/${db}`;
    return url.toString();
  };
  // the public keys the original services sign with: the restored services (new data folders, so new
  // signing keys) keep them as retired keys, as an operator restoring on new machines would
  let publishedKeys = '';
  backupRestore({
    start: () => startDistributed(env().kafkaBrokers, env().mongoUrl),
    sourceEnv: (sut) => ({ FENGQIAO_MODE: 'distributed', MONGO_URL: urlOf(sut.mongoDb!) }),
    // the operator gives the key set the services publish (not found in a distributed environment)
    restoreArgs: async (sut, dir) => {
      const urls = [...Object.values(sut.serviceUrls!()), sut.analyticsUrl!];
      const keys = [];
      for (const url of urls) keys.push(...((await (await fetch(`${url}/audit/checkpoint-keys`)).json()) as { keys: LooseJson[] }).keys);
      const file = join(dir, `${uniqueName('keys')}.json`);
      publishedKeys = JSON.stringify({ keys });
      writeFileSync(file, publishedKeys);
      return ['--keys', file];
    },
    fresh: () => {
      const db = uniqueName('restored').replace(/[^A-Za-z0-9_]/g, '_');
      return {
        env: { FENGQIAO_MODE: 'distributed', MONGO_URL: urlOf(db) },
        start: () => startDistributed(env().kafkaBrokers, env().mongoUrl, { db, env: { AUDIT_RETIRED_KEYS: publishedKeys } }),
        cleanup: () => undefined,
      };
    },
    // intake and grid-dispatch: the restored services trust the original keys (AUDIT_RETIRED_KEYS above)
    verified: ['intake', 'grid-dispatch'],
  });
});
