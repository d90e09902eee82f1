import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import canonicalize from 'canonicalize';
import { demoDistrict } from '@fengqiao/demo';
import { contextDatabaseName } from '@fengqiao/platform';
import { describeIntegration, eventually, LooseJson } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startDistributed, SystemUnderTest } from './support/system';

/**
 * Issue 12 in distributed mode (a process per service, real Kafka, FerretDB): analytics figures and
 * an early warning appear from journeys over Kafka; analytics restarted with an empty read store
 * rebuilds the same figures from the topics; the audit API assembles the matter from the other
 * services' audit routes over HTTP, verifies it with zero mismatches and exports a bundle that
 * verifies offline; one byte altered in a grid-dispatch event in FerretDB is detected, named.
 */
const ROOT = join(__dirname, '..', '..');
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-2');
const point = { lat, lng: lon };

describeIntegration('audit and analytics in distributed mode (real Kafka + FerretDB)', ['kafka', 'mongo'], (env) => {
  let sut: SystemUnderTest;
  let gw: Client;
  let op: Client;
  let lead: Client;
  let auditor: Client;
  let caseId: string;
  let figuresBefore: LooseJson;

  const gridRow = async () => {
    const r = await lead.get(`${sut.analyticsUrl}/analytics/figures?by=grid`);
    return r.body?.rows?.find((x: LooseJson) => x.key === 'g-1-1-2');
  };

  beforeAll(async () => {
    sut = await startDistributed(env().kafkaBrokers, env().mongoUrl);
    [gw, op, lead, auditor] = await Promise.all(['gw.g-1-1-2', 'op.v-1-1', 'op.d', 'audit.d'].map((u) => Client.login(sut.authUrl, u)));
    const ids: string[] = [];
    for (const description of ['路灯不亮', '路灯又不亮了', '路灯仍然不亮']) {
      ids.push((await gw.ok(`${sut.intakeUrl}/intake/cases`, { channel: 'grid_worker', category: 'illegal_parking', description, location: { point }, urgency: 'normal' })).caseId);
    }
    caseId = ids[0];
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    const detail = await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'the work order to be dispatched');
    const unit = await Client.login(sut.authUrl, detail.unitId === 'dept-d-cg' ? 'dept.d-cg' : 'dept.t1-cg');
    const step = (c: Client, s: string, body: unknown = {}) => c.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/${s}`, body);
    await step(unit, 'accept');
    await step(unit, 'feedback', { result: '已处理' });
    await step(op, 'verify', { result: 'pass', findings: '属实' });
    await step(op, 'close', { summary: '已办结' });
  }, 400_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  it('shows the figures and the repeated-place warning from the journeys over Kafka', async () => {
    figuresBefore = await eventually(async () => {
      const row = await gridRow();
      return row && row.taken === 3 && row.closed === 1 ? row : undefined;
    }, { what: 'figures of g-1-1-2 from Kafka', timeoutMs: 150_000, intervalMs: 500 });
    expect(figuresBefore).toMatchObject({ taken: 3, filed: 1, closed: 1, onTime: 1, overdue: 0 });
    const warning = await eventually(
      async () => (await lead.get(`${sut.analyticsUrl}/analytics/warnings`)).body?.warnings?.find((w: LooseJson) => w.gridId === 'g-1-1-2'),
      { what: 'the repeated-place warning', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(warning).toMatchObject({ rule: 'EW.REPEATED_PLACE', status: 'raised', count: 3 });
  }, 200_000);

  it('rebuilds the same figures from the topics after a restart with an empty read store', async () => {
    const client = await new MongoClient(env().mongoUrl).connect();
    try {
      const db = client.db(contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'analytics'));
      await db.collection('analytics_cases').deleteMany({});
      await db.collection('analytics_meta').deleteMany({});
    } finally {
      await client.close();
    }
    const urls = sut.serviceUrls!();
    await sut.restartAnalytics!({ AUDIT_SOURCES: Object.entries(urls).map(([c, u]) => `${c}=${u}`).join(',') });
    const rebuilt = await eventually(async () => {
      const row = await gridRow();
      return row && row.taken === 3 && row.closed === 1 ? row : undefined;
    }, { what: 'figures rebuilt from the topics', timeoutMs: 150_000, intervalMs: 500 });
    expect(rebuilt).toEqual(figuresBefore);
  }, 300_000);

  it('audits the matter across services over HTTP: timeline, zero mismatches, an offline-verifiable bundle; a byte altered in FerretDB is named', async () => {
    const timeline = await auditor.get(`${sut.analyticsUrl}/audit/matters/${caseId}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.streams.map((s: LooseJson) => s.context).sort()).toEqual(['grid-dispatch', 'intake']);
    const verified = await auditor.call('POST', `${sut.analyticsUrl}/audit/matters/${caseId}/verify`, {});
    expect(verified.body.mismatches).toEqual([]);
    expect(verified.body.ok).toBe(true);

    const bundle = await auditor.get(`${sut.analyticsUrl}/audit/matters/${caseId}/evidence`);
    const dir = mkdtempSync(join(tmpdir(), 'fq-dist-bundle-'));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle.body));
    const cli = spawnSync(process.execPath, [join(ROOT, 'scripts', 'verify.mjs'), join(dir, 'bundle.json')], { encoding: 'utf8', timeout: 60_000 });
    expect(cli.stdout).toContain('OK: ');
    expect(cli.status).toBe(0);

    // someone with database access edits one event of the work order in FerretDB
    const client = await new MongoClient(env().mongoUrl).connect();
    let target: LooseJson;
    try {
      const commits = client.db(contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'grid-dispatch')).collection<LooseJson>('events');
      const commit = await commits.findOne({ streamId: `grid-case-${caseId}`, firstRevision: { $gte: 2 } });
      target = commit!.events[0];
      const data = JSON.parse(target.data as string);
      data.reason = `${data.reason ?? ''}改`;
      await commits.updateOne({ _id: commit!._id }, { $set: { events: [{ ...target, data: canonicalize(data) }, ...commit!.events.slice(1)] } });
    } finally {
      await client.close();
    }
    const after = await auditor.call('POST', `${sut.analyticsUrl}/audit/matters/${caseId}/verify`, {});
    expect(after.body.ok).toBe(false);
    expect(after.body.mismatches[0]).toMatchObject({ context: 'grid-dispatch', chain: { ok: false, reason: 'hash_mismatch', eventId: target.id } });
    const store = await auditor.get(`${sut.gridUrl}/audit/stores/grid-dispatch/verify`);
    expect(store.body.firstFailure).toMatchObject({ reason: 'CHAIN_HASH_MISMATCH', event: { id: target.id } });
  }, 200_000);
});
