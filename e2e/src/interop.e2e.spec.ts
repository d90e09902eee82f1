import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { topics } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { contextDatabaseName } from '@fengqiao/platform';
import { describeIntegration, eventually, isCi, LooseJson } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startDistributed, SystemUnderTest } from './support/system';

/**
 * Issue 14, the interop checks: clients the project never uses itself, in another language
 * (tools/interop, a virtualenv made by .ci/run), against distributed mode on real Kafka and
 * FerretDB. Python's CloudEvents SDK reads every topic of the deployment, and sends one structured
 * and one binary event that grid-dispatch takes into effect; pymongo finds cases by a date range;
 * openapi-spec-validator accepts every service's OpenAPI document.
 */
const ROOT = join(__dirname, '..', '..');
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');

function python(bin: string, script: string, args: string[], input?: string): LooseJson {
  const run = spawnSync(bin, [join(ROOT, 'tools', 'interop', script), ...args], { input, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${script} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as LooseJson;
}

/** kcat (Debian's `kcat`, librdkafka's command-line client): its path, or why it cannot run. */
function findKcat(): { bin: string } | { missing: string } {
  const bin = process.env.KCAT_BIN ?? 'kcat';
  const probe = spawnSync(bin, ['-V'], { encoding: 'utf8', timeout: 10_000 });
  return probe.status === 0 ? { bin } : { missing: `${bin} not found (apt-get install kcat; .ci/run installs it)` };
}
const kcat = findKcat();
// with CI=true a missing kcat fails the check instead of skipping it
const itWithKcat = 'bin' in kcat || isCi() ? it : it.skip;

/** The records of a topic as kcat reads them (`-J`: one JSON object per record, headers as a flat name, value list). */
function kcatRecords(brokers: string, topic: string): LooseJson[] {
  if (!('bin' in kcat)) throw new Error(kcat.missing);
  const run = spawnSync(kcat.bin, ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-J', '-q'], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`kcat exited ${run.status}: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as LooseJson;
      const flat = (record.headers ?? []) as string[];
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
      return { ...record, headers };
    });
}

describeIntegration('interop: another language’s CloudEvents SDK, Kafka client and MongoDB driver (distributed)', ['kafka', 'mongo', 'python'], (env) => {
  let sut: SystemUnderTest;
  let op: Client;
  let caseId: string;
  let reportedFrom: string;

  beforeAll(async () => {
    sut = await startDistributed(env().kafkaBrokers, env().mongoUrl);
    const gw = await Client.login(sut.authUrl, 'gw.g-1-1-1');
    op = await Client.login(sut.authUrl, 'op.v-1-1');
    reportedFrom = new Date(Date.now() - 60_000).toISOString();
    caseId = (
      await gw.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'grid_worker',
        category: 'illegal_parking',
        description: '互通测试：楼道口占道',
        location: { point: { lat, lng: lon } },
      })
    ).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
  }, 300_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  const readAll = () => python(env().python, 'ce_read_all.py', ['--brokers', env().kafkaBrokers.join(','), '--prefix', sut.topicPrefix!]);

  it('Python’s CloudEvents SDK decodes every record of every topic of the deployment', async () => {
    const out = await eventually(
      async () => {
        const o = readAll();
        const grid = o.topics[`${sut.topicPrefix}.${topics.gridDispatchCase}`];
        return grid?.events.some((e: LooseJson) => e.attributes.subject === caseId && e.attributes.type.endsWith('.dispatched.v1')) ? o : undefined;
      },
      { what: 'the dispatch on the grid-dispatch topic', timeoutMs: 60_000, intervalMs: 2000 },
    );
    const names = Object.keys(out.topics);
    for (const t of [topics.intakeCase, topics.gridDispatchCase]) expect(names).toContain(`${sut.topicPrefix}.${t}`);
    // every record of every topic decodes (topics the consumers subscribed to may still be empty)
    for (const [name, report] of Object.entries(out.topics as Record<string, LooseJson>)) expect({ name, bad: report.bad }).toEqual({ name, bad: [] });
    for (const t of [topics.intakeCase, topics.gridDispatchCase]) expect(out.topics[`${sut.topicPrefix}.${t}`].count).toBeGreaterThan(0);
    expect(names.filter((n) => n.endsWith('.dlq'))).toEqual([]);
    const intake = out.topics[`${sut.topicPrefix}.${topics.intakeCase}`].events as LooseJson[];
    const filed = intake.find((e) => e.attributes.subject === caseId && e.attributes.type === 'cn.fengqiao.intake.case.filed.v1');
    expect(filed.attributes).toMatchObject({
      specversion: '1.0',
      source: expect.any(String),
      dataschema: expect.any(String),
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
    });
    expect(filed.data).toMatchObject({ caseId });
  }, 120_000);

  it('an event sent by Python in structured mode and one in binary mode are both taken into effect', async () => {
    const out = readAll();
    const template = (out.topics[`${sut.topicPrefix}.${topics.intakeCase}`].events as LooseJson[]).find(
      (e) => e.attributes.subject === caseId && e.attributes.type === 'cn.fengqiao.intake.case.filed.v1',
    );
    const specs = (['structured', 'binary'] as const).map((mode) => {
      const id = randomUUID();
      const { traceparent: _t, ...attributes } = template.attributes;
      return {
        mode,
        key: id,
        attributes: { ...attributes, id: randomUUID(), subject: id, time: new Date().toISOString() },
        data: { ...template.data, caseId: id },
      };
    });
    const sent = python(
      env().python,
      'ce_send.py',
      ['--brokers', env().kafkaBrokers.join(','), '--topic', `${sut.topicPrefix}.${topics.intakeCase}`],
      JSON.stringify(specs),
    );
    expect(sent.sent.map((s: LooseJson) => s.mode)).toEqual(['structured', 'binary']);
    expect(sent.sent[0].headers).toContain('content-type');
    expect(sent.sent[1].headers).toContain('ce_specversion');
    for (const spec of specs) {
      const c = await waitForCase(
        op,
        sut.gridUrl,
        spec.key,
        (x) => x.status === 'dispatched' || x.status === 'filed',
        `the work order of the ${spec.mode}-mode event`,
      );
      expect(c.caseId ?? spec.key).toBe(spec.key);
    }
  }, 200_000);

  it('every service’s OpenAPI document passes openapi-spec-validator (what a client generator checks first)', async () => {
    const services = { analytics: sut.authUrl, intake: sut.intakeUrl, 'grid-dispatch': sut.gridUrl };
    for (const [name, url] of Object.entries(services)) {
      const res = await fetch(`${url}/api/docs-json`);
      expect(res.status).toBe(200);
      const checked = python(env().python, 'openapi_check.py', [], await res.text());
      expect({ service: name, errors: checked.errors }).toEqual({ service: name, errors: [] });
      expect(checked.operations).toBeGreaterThan(5);
    }
  });

  it('pymongo finds the case in the intake read model by a date range (BSON dates, as a BI tool queries)', () => {
    const db = contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'intake');
    const found = python(env().python, 'mongo_dates.py', [
      '--url',
      env().mongoUrl,
      '--db',
      db,
      '--collection',
      'intake_cases',
      '--field',
      'reportedAt',
      '--from',
      reportedFrom,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
    ]);
    expect(found.type).toBe('datetime');
    expect(found.ids).toContain(caseId);
    const none = python(env().python, 'mongo_dates.py', [
      '--url',
      env().mongoUrl,
      '--db',
      db,
      '--collection',
      'intake_cases',
      '--field',
      'reportedAt',
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-02-01T00:00:00Z',
    ]);
    expect(none.ids).toEqual([]);
  });

  itWithKcat(
    'kcat reads the records of a topic with their CloudEvents headers (ce_*), the directory topic included',
    async () => {
      const brokers = env().kafkaBrokers.join(',');
      const intake = await eventually(
        async () => {
          const records = kcatRecords(brokers, `${sut.topicPrefix}.${topics.intakeCase}`);
          return records.some((r) => r.key === caseId && r.headers['ce_type'] === 'cn.fengqiao.intake.case.filed.v1') ? records : undefined;
        },
        { what: 'the filed case on the intake topic, read by kcat', timeoutMs: 60_000, intervalMs: 1000 },
      );
      const filed = intake.find((r) => r.key === caseId && r.headers['ce_type'] === 'cn.fengqiao.intake.case.filed.v1')!;
      expect(filed.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        ce_source: expect.any(String),
        ce_subject: caseId,
        ce_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        ce_dataschema: 'urn:fengqiao:contract:cn.fengqiao.intake.case.filed.v1',
        'content-type': 'application/json',
      });
      expect(JSON.parse(filed.payload as string)).toMatchObject({ caseId });
      // every record of the topic is a CloudEvent: binary mode (ce_ headers), or structured (the Python SDK's event of the test above)
      for (const r of intake) {
        if (/^application\/cloudevents\+json/.test(r.headers['content-type'] ?? '')) {
          expect(JSON.parse(r.payload as string)).toMatchObject({
            specversion: '1.0',
            id: expect.any(String),
            type: expect.any(String),
            source: expect.any(String),
          });
        } else {
          expect(Object.keys(r.headers)).toEqual(expect.arrayContaining(['ce_id', 'ce_type', 'ce_source', 'ce_specversion']));
        }
      }
      // the directory's changes: versions 1..n in order on one key, the demo seed first
      const directory = kcatRecords(brokers, `${sut.topicPrefix}.${topics.identityDirectory}`);
      const versions = directory.map((r) => (JSON.parse(r.payload as string) as LooseJson).version as number);
      expect(versions.length).toBeGreaterThan(100);
      expect(versions).toEqual(versions.map((_v, i) => i + 1));
      expect(new Set(directory.map((r) => r.key))).toEqual(new Set(['directory']));
      expect(new Set(directory.map((r) => r.headers['ce_type']))).toEqual(new Set(['cn.fengqiao.identity.directory.changed.v1']));
    },
    120_000,
  );
});
