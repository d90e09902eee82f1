import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { topics } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { contextDatabaseName } from '@fengqiao/platform';
import { describeIntegration, eventually, LooseJson } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startDistributed, SystemUnderTest } from './support/system';

/**
 * Issue 14, the interop checks: clients the project never uses itself, in another language
 * (tools/interop, a virtualenv made by .ci/run), against distributed mode on real Kafka and
 * FerretDB. Python's CloudEvents SDK reads every topic of the deployment, and sends one structured
 * and one binary event that grid-dispatch takes into effect; pymongo finds cases by a date range.
 */
const ROOT = join(__dirname, '..', '..');
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');

function python(bin: string, script: string, args: string[], input?: string): LooseJson {
  const run = spawnSync(bin, [join(ROOT, 'tools', 'interop', script), ...args], { input, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${script} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as LooseJson;
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
    caseId = (await gw.ok(`${sut.intakeUrl}/intake/cases`, { channel: 'grid_worker', category: 'illegal_parking', description: '互通测试：楼道口占道', location: { point: { lat, lng: lon } } })).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
  }, 300_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  const readAll = () => python(env().python, 'ce_read_all.py', ['--brokers', env().kafkaBrokers.join(','), '--prefix', sut.topicPrefix!]);

  it('Python’s CloudEvents SDK decodes every record of every topic of the deployment', async () => {
    const out = await eventually(async () => {
      const o = readAll();
      const grid = o.topics[`${sut.topicPrefix}.${topics.gridDispatchCase}`];
      return grid?.events.some((e: LooseJson) => e.attributes.subject === caseId && e.attributes.type.endsWith('.dispatched.v1')) ? o : undefined;
    }, { what: 'the dispatch on the grid-dispatch topic', timeoutMs: 60_000, intervalMs: 2000 });
    const names = Object.keys(out.topics);
    for (const t of [topics.intakeCase, topics.gridDispatchCase]) expect(names).toContain(`${sut.topicPrefix}.${t}`);
    // every record of every topic decodes (topics the consumers subscribed to may still be empty)
    for (const [name, report] of Object.entries(out.topics as Record<string, LooseJson>)) expect({ name, bad: report.bad }).toEqual({ name, bad: [] });
    for (const t of [topics.intakeCase, topics.gridDispatchCase]) expect(out.topics[`${sut.topicPrefix}.${t}`].count).toBeGreaterThan(0);
    expect(names.filter((n) => n.endsWith('.dlq'))).toEqual([]);
    const intake = out.topics[`${sut.topicPrefix}.${topics.intakeCase}`].events as LooseJson[];
    const filed = intake.find((e) => e.attributes.subject === caseId && e.attributes.type === 'cn.fengqiao.intake.case.filed.v1');
    expect(filed.attributes).toMatchObject({ specversion: '1.0', source: expect.any(String), dataschema: expect.any(String), traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/) });
    expect(filed.data).toMatchObject({ caseId });
  }, 120_000);

  it('an event sent by Python in structured mode and one in binary mode are both taken into effect', async () => {
    const out = readAll();
    const template = (out.topics[`${sut.topicPrefix}.${topics.intakeCase}`].events as LooseJson[]).find((e) => e.attributes.subject === caseId && e.attributes.type === 'cn.fengqiao.intake.case.filed.v1');
    const specs = (['structured', 'binary'] as const).map((mode) => {
      const id = randomUUID();
      const { traceparent: _t, ...attributes } = template.attributes;
      return { mode, key: id, attributes: { ...attributes, id: randomUUID(), subject: id, time: new Date().toISOString() }, data: { ...template.data, caseId: id } };
    });
    const sent = python(env().python, 'ce_send.py', ['--brokers', env().kafkaBrokers.join(','), '--topic', `${sut.topicPrefix}.${topics.intakeCase}`], JSON.stringify(specs));
    expect(sent.sent.map((s: LooseJson) => s.mode)).toEqual(['structured', 'binary']);
    expect(sent.sent[0].headers).toContain('content-type');
    expect(sent.sent[1].headers).toContain('ce_specversion');
    for (const spec of specs) {
      const c = await waitForCase(op, sut.gridUrl, spec.key, (x) => x.status === 'dispatched' || x.status === 'filed', `the work order of the ${spec.mode}-mode event`);
      expect(c.caseId ?? spec.key).toBe(spec.key);
    }
  }, 200_000);

  it('pymongo finds the case in the intake read model by a date range (BSON dates, as a BI tool queries)', () => {
    const db = contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'intake');
    const found = python(env().python, 'mongo_dates.py', ['--url', env().mongoUrl, '--db', db, '--collection', 'intake_cases', '--field', 'reportedAt', '--from', reportedFrom, '--to', new Date(Date.now() + 60_000).toISOString()]);
    expect(found.type).toBe('datetime');
    expect(found.ids).toContain(caseId);
    const none = python(env().python, 'mongo_dates.py', ['--url', env().mongoUrl, '--db', db, '--collection', 'intake_cases', '--field', 'reportedAt', '--from', '2020-01-01T00:00:00Z', '--to', '2020-02-01T00:00:00Z']);
    expect(none.ids).toEqual([]);
  });
});
