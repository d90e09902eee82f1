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
  let figuresBefore: LooseJson[];

  beforeAll(async () => {
    sut = await startDistributed(env().kafkaBrokers, env().mongoUrl);
    [gw, op, lead, auditor] = await Promise.all(['gw.g-1-1-2', 'op.v-1-1', 'op.d', 'audit.d'].map((u) => Client.login(sut.authUrl, u)));
    const ids: string[] = [];
    for (const description of ['路灯不亮', '路灯又不亮了', '路灯仍然不亮']) {
      ids.push(
        (
          await gw.ok(`${sut.intakeUrl}/intake/cases`, {
            channel: 'grid_worker',
            category: 'illegal_parking',
            description,
            location: { point },
            urgency: 'normal',
          })
        ).caseId,
      );
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

  /** The figures once this run's cases are in and two reads a second apart agree (the topics also hold earlier runs' cases). */
  const settledFigures = async (what: string) => {
    await eventually(
      async () => {
        const r = await lead.get(`${sut.analyticsUrl}/analytics/cases/${caseId}`);
        return r.status === 200 && r.body.closed ? r.body : undefined;
      },
      { what: `${what}: case ${caseId} closed in analytics`, timeoutMs: 150_000, intervalMs: 500 },
    );
    let previous = '';
    return eventually(
      async () => {
        const rows = JSON.stringify((await lead.get(`${sut.analyticsUrl}/analytics/figures?by=grid`)).body.rows);
        const settled = rows === previous;
        previous = rows;
        return settled ? (JSON.parse(rows) as LooseJson[]) : undefined;
      },
      { what: `${what}: figures settled`, timeoutMs: 60_000, intervalMs: 1000 },
    );
  };

  it('shows the figures and the repeated-place warning from the journeys over Kafka', async () => {
    figuresBefore = await settledFigures('figures from Kafka');
    const row = figuresBefore.find((x: LooseJson) => x.key === 'g-1-1-2');
    expect(row.taken).toBeGreaterThanOrEqual(3);
    expect(row.closed).toBeGreaterThanOrEqual(1);
    const facts = (await lead.get(`${sut.analyticsUrl}/analytics/cases/${caseId}`)).body;
    expect(facts).toMatchObject({ caseId, gridId: 'g-1-1-2', channel: 'grid_worker', filed: true, closed: true, breached: false });
    const warning = await eventually(
      // one warning per place stays open until resolved: on a broker that kept earlier runs' cases at
      // this point, the warning may name those; on a fresh one it names this run's three
      async () =>
        (await lead.get(`${sut.analyticsUrl}/analytics/warnings`)).body?.warnings?.find(
          (w: LooseJson) => w.rule === 'EW.REPEATED_PLACE' && w.gridId === 'g-1-1-2',
        ),
      { what: 'the repeated-place warning', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(warning).toMatchObject({ rule: 'EW.REPEATED_PLACE', status: 'raised', gridId: 'g-1-1-2' });
    expect(warning.count).toBeGreaterThanOrEqual(3);
  }, 250_000);

  it('rebuilds the same figures from the topics after a restart with an empty read store', async () => {
    const client = await new MongoClient(env().mongoUrl).connect();
    try {
      const db = client.db(contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'analytics'));
      await db.collection('analytics_cases').deleteMany({});
      await db.collection('analytics_meta').deleteMany({});
      await db.collection('analytics_recent_reports').deleteMany({});
    } finally {
      await client.close();
    }
    const urls = sut.serviceUrls!();
    await sut.restartAnalytics!({
      AUDIT_SOURCES: Object.entries(urls)
        .map(([c, u]) => `${c}=${u}`)
        .join(','),
    });
    const rebuilt = await eventually(
      async () => {
        const rows = (await lead.get(`${sut.analyticsUrl}/analytics/figures?by=grid`)).body.rows;
        return JSON.stringify(rows) === JSON.stringify(figuresBefore) ? rows : undefined;
      },
      { what: 'the same figures rebuilt from the topics', timeoutMs: 150_000, intervalMs: 500 },
    );
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
      // the store reads `json` (the canonical JSON the hash covers) where it keeps one, else `data`,
      // the BSON copy, which then reads back exactly: the edit changes what the store reads
      const data = typeof target.json === 'string' ? JSON.parse(target.json) : { ...(target.data as LooseJson) };
      data.reason = `${data.reason ?? ''}改`;
      const edited = typeof target.json === 'string' ? { ...target, json: canonicalize(data), data } : { ...target, data };
      await commits.updateOne({ _id: commit!._id }, { $set: { events: [edited, ...commit!.events.slice(1)] } });
    } finally {
      await client.close();
    }
    const after = await auditor.call('POST', `${sut.analyticsUrl}/audit/matters/${caseId}/verify`, {});
    expect(after.body.ok).toBe(false);
    expect(after.body.mismatches[0]).toMatchObject({ context: 'grid-dispatch', chain: { ok: false, reason: 'hash_mismatch', eventId: target.id } });
    const store = await auditor.get(`${sut.gridUrl}/audit/stores/grid-dispatch/verify`);
    expect(store.body.firstFailure).toMatchObject({ reason: 'CHAIN_HASH_MISMATCH', event: { id: target.id } });
  }, 200_000);

  it('names the event when one is deleted, two are swapped or the stream is truncated in FerretDB (the service’s own verify route)', async () => {
    const client = await new MongoClient(env().mongoUrl).connect();
    const commits = client.db(contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'grid-dispatch')).collection<LooseJson>('events');
    const streamId = `grid-case-${caseId}`;
    const verify = async () => (await auditor.get(`${sut.gridUrl}/audit/stores/grid-dispatch/verify`)).body;
    try {
      // put back the event the test above altered, from the hash the chain still holds
      const saved = await commits.find({ streamId }).sort({ _id: 1 }).toArray();
      const restore = async () => {
        await commits.deleteMany({ streamId });
        await commits.insertMany(saved);
      };
      // which commits hold one event and which several depends on how the consumers grouped their
      // appends (opening and routing go in one): the expectations follow the stored commits
      const byRevision = [...saved].sort((x, y) => x.firstRevision - y.firstRevision);
      expect(byRevision.length).toBeGreaterThanOrEqual(3);
      const single = saved.filter((c) => c.events.length === 1);
      expect(single.length).toBeGreaterThanOrEqual(2);

      // a commit deleted from the middle: the event after the gap is named
      await commits.deleteOne({ _id: byRevision[1]._id });
      let v = await verify();
      expect(v.ok).toBe(false);
      expect(v.failures.map((f: LooseJson) => f.event?.id ?? f.suspectLeaves?.firstEvent?.id)).toEqual(expect.arrayContaining([byRevision[2].events[0].id]));
      await restore();

      const [a, b] = [single[0], single[1]];
      await commits.updateOne({ _id: a._id }, { $set: { firstRevision: -1, lastRevision: -1 } });
      await commits.updateOne({ _id: b._id }, { $set: { firstRevision: a.firstRevision, lastRevision: a.lastRevision } });
      await commits.updateOne({ _id: a._id }, { $set: { firstRevision: b.firstRevision, lastRevision: b.lastRevision } });
      v = await verify();
      expect(v.ok).toBe(false);
      expect([a.events[0].id, b.events[0].id]).toContain(v.firstFailure.event.id);
      await restore();

      // a truncated tail shows only against a signed checkpoint that covers it: sign one now (an
      // evidence bundle signs the log as followed to the end of the store)
      const last = saved[saved.length - 1];
      const bundle = await auditor.call('POST', `${sut.gridUrl}/audit/stores/grid-dispatch/matter/evidence`, { streamIds: [streamId] });
      expect(bundle.body.checkpoint.checkpoint.treeSize).toBeGreaterThanOrEqual(last.lastPosition); // positions are dense here
      await commits.deleteOne({ _id: last._id });
      v = await verify();
      expect(v.ok).toBe(false);
      expect(v.failures.some((f: LooseJson) => f.check === 'checkpoint' || f.reason === 'LOG_POSITION_GAP')).toBe(true);
      await restore();
    } finally {
      await client.close();
    }
  }, 120_000);
});
