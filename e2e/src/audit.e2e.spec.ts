import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { demoDistrict } from '@fengqiao/demo';
import { SqliteCheckpointStore, SqliteEventStore, StoredEvent, verifyStore, type CheckpointKeySet } from '@fengqiao/event-store';
import { eventually, LooseJson } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startStandalone, SystemUnderTest } from './support/system';

/**
 * Issue 12, done when: the standalone store filled through real HTTP journeys verifies with zero
 * mismatches (verifyStore and the audit verify route); the evidence bundle verifies offline in a
 * process without a database, and fails with the event named once a byte is altered; one byte
 * altered, an event deleted, two swapped, a stream truncated in the SQLite file: each is detected
 * with the event named.
 */
const ROOT = join(__dirname, '..', '..');
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');

describe('audit of a grid case in standalone mode', () => {
  let sut: SystemUnderTest;
  let gw: Client;
  let op: Client;
  let dept: Client;
  let auditor: Client; // audit.d: the whole district, no personal data
  let caseId: string;
  let personalDataCaseId: string;

  beforeAll(async () => {
    sut = await startStandalone();
    [gw, op, dept, auditor] = await Promise.all(['gw.g-1-1-1', 'op.v-1-1', 'dept.d-cg', 'audit.d'].map((u) => Client.login(sut.authUrl, u)));
    const reported = await gw.ok(`${sut.intakeUrl}/intake/cases`, {
      channel: 'grid_worker',
      category: 'illegal_parking',
      description: '消防通道被车辆占用',
      location: { point: { lat, lng: lon } },
      urgency: 'urgent',
      reporter: { anonymous: false, name: '王小明', phone: '13812345678' },
    });
    caseId = reported.caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'the work order to be dispatched');
    const step = (c: Client, s: string, body: unknown = {}) => c.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/${s}`, body);
    await step(dept, 'accept');
    await step(dept, 'feedback', { result: '已挪车' });
    await step(op, 'verify', { result: 'pass', findings: '通道畅通' });
    await step(op, 'close', { summary: '已恢复畅通' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'closed', 'the case to close');
  }, 300_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  it('shows the timeline across intake and grid-dispatch, with who, role, unit, when, rule and deadline; personal data masked', async () => {
    const r = await auditor.get(`${sut.authUrl}/audit/matters/${caseId}/timeline`);
    expect(r.status).toBe(200);
    const kinds = r.body.streams.map((s: LooseJson) => `${s.context}:${s.kind}`).sort();
    expect(kinds).toEqual(['grid-dispatch:grid_case', 'intake:grid_case_report']);
    const types = r.body.steps.map((s: LooseJson) => s.type);
    expect(types[0]).toBe('CaseReported');
    expect(types.indexOf('CaseFiled')).toBeLessThan(types.indexOf('WorkOrderOpened'));
    expect(types).toEqual(expect.arrayContaining(['WorkOrderOpened', 'CaseDispatched', 'DispatchAccepted', 'FeedbackSubmitted', 'CaseVerified', 'CaseClosed']));
    const accepted = r.body.steps.find((s: LooseJson) => s.type === 'DispatchAccepted');
    expect(accepted).toMatchObject({
      who: { role: 'department', unitId: 'dept-d-cg' },
      changed: { statusBefore: 'dispatched', statusAfter: 'in_progress' },
      label: '签收',
    });
    expect(accepted.who.directoryVersion).toEqual(expect.any(Number));
    const dispatched = r.body.steps.find((s: LooseJson) => s.type === 'CaseDispatched' || s.rule);
    expect(r.body.steps.some((s: LooseJson) => s.rule?.ruleId && s.deadline?.dueAt)).toBe(true);
    expect(dispatched).toBeDefined();
    const reportedEvent = r.body.events.find((e: LooseJson) => e.type === 'CaseReported');
    expect(JSON.stringify(reportedEvent.data)).not.toContain('13812345678');
    expect(r.body.streams.find((s: LooseJson) => s.context === 'intake').personalData).toBe('masked');
  });

  it('replays the state at any revision with the owner’s evolve', async () => {
    const r = await auditor.get(`${sut.authUrl}/audit/matters/${caseId}/state?context=grid-dispatch&streamId=grid-case-${caseId}&revision=1`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ context: 'grid-dispatch', replayed: true, revision: 1, status: 'dispatched', integrity: { ok: true } });
    const all = await auditor.get(`${sut.authUrl}/audit/matters/${caseId}/state`);
    expect(all.body.states.map((s: LooseJson) => s.status).sort()).toEqual(['closed', 'filed']);
  });

  it('verifies the matter and the whole stores: zero mismatches; a checkpoint the auditor holds is consistent', async () => {
    const published = await (await fetch(`${sut.authUrl}/audit/stores/grid-dispatch/checkpoints/latest`)).json();
    const r = await auditor.call('POST', `${sut.authUrl}/audit/matters/${caseId}/verify`, { checkpoints: { 'grid-dispatch': published } });
    expect(r.status).toBe(200);
    expect(r.body.mismatches).toEqual([]);
    expect(r.body.ok).toBe(true);
    const gd = r.body.stores.find((s: LooseJson) => s.context === 'grid-dispatch');
    expect(gd.consistency).toMatchObject({ ok: true });
    expect(gd.streams[0]).toMatchObject({ chain: { ok: true }, included: { ok: true }, envelope: { ok: true }, readModel: { checked: true, ok: true } });
    for (const context of ['intake', 'grid-dispatch']) {
      const v = await auditor.get(`${sut.authUrl}/audit/stores/${context}/verify`);
      expect({ context, failures: v.body.failures, ok: v.body.ok }).toEqual({ context, failures: [], ok: true });
    }
  });

  it('exports an evidence bundle that npm run verify checks offline; one altered byte fails with the event named', async () => {
    const r = await auditor.get(`${sut.authUrl}/audit/matters/${caseId}/evidence`);
    expect(r.status).toBe(200);
    const keys = (await (await fetch(`${sut.authUrl}/audit/checkpoint-keys`)).json()) as CheckpointKeySet;
    const dir = join(require('node:os').tmpdir(), `fq-evidence-${caseId}`);
    require('node:fs').mkdirSync(dir, { recursive: true });
    const text = JSON.stringify(r.body, null, 2);
    writeFileSync(join(dir, 'bundle.json'), text);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    const run = (file: string) =>
      spawnSync(process.execPath, [join(ROOT, 'scripts', 'verify.mjs'), join(dir, file), '--keys', join(dir, 'keys.json')], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const ok = run('bundle.json');
    expect(ok.stdout).toMatch(/^OK: \d+ events in 2 streams verify/m);
    expect(ok.status).toBe(0);

    const closed = (r.body.logs as LooseJson[])
      .flatMap((l) => l.streams)
      .flatMap((s: LooseJson) => s.events)
      .find((x: LooseJson) => x.event.type === 'CaseClosed').event;
    const at = text.indexOf('已恢复畅通');
    writeFileSync(join(dir, 'tampered.json'), text.slice(0, at) + '未' + text.slice(at + 1));
    const bad = run('tampered.json');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`CHAIN_HASH_MISMATCH at grid-dispatch / grid-case-${caseId} / revision ${closed.revision} / CaseClosed / event ${closed.id}`);
  });

  it('analytics: figures from the integration events, and an early warning when the same place reports again and again', async () => {
    const lead = await Client.login(sut.authUrl, 'op.d');
    for (const description of ['消防通道又被占用', '消防通道再次被占用']) {
      await gw.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'grid_worker',
        category: 'illegal_parking',
        description,
        location: { point: { lat, lng: lon } },
        urgency: 'normal',
      });
    }
    const byGrid = await eventually(
      async () => {
        const r = await lead.get(`${sut.authUrl}/analytics/figures?by=grid`);
        const row = r.body?.rows?.find((x: LooseJson) => x.key === 'g-1-1-1');
        return row && row.taken >= 3 && row.closed >= 1 ? row : undefined;
      },
      { what: 'the figures of grid g-1-1-1', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(byGrid).toMatchObject({ taken: 3, filed: 1, closed: 1, onTime: 1, overdue: 0, closedRate: 1 });
    const warning = await eventually(
      async () => (await lead.get(`${sut.authUrl}/analytics/warnings`)).body?.warnings?.find((w: LooseJson) => w.rule === 'EW.REPEATED_PLACE'),
      { what: 'the repeated-place warning', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(warning).toMatchObject({ status: 'raised', count: 3, gridId: 'g-1-1-1' });
    expect(warning.caseIds).toContain(caseId);
    expect(warning.explanation).toContain('天内已上报 3 件事件');
    const csv = await fetch(`${sut.authUrl}/analytics/reports/monthly.csv?by=grid`, {
      headers: { authorization: `Bearer ${(lead as unknown as { token: string }).token}` },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('受理数');
    expect(text).toMatch(/\r\ng-1-1-1,3,1,1,1,0,1,/);
  });

  it('operators acknowledge and resolve a warning; each step is an event with who and why', async () => {
    const lead = await Client.login(sut.authUrl, 'op.v-1-1');
    const [warning] = (await lead.get(`${sut.authUrl}/analytics/warnings?status=raised`)).body.warnings;
    const ack = await lead.ok(`${sut.authUrl}/analytics/warnings/${warning.warningId}/acknowledge`, { note: '已安排网格员排查' });
    expect(ack.status).toBe('acknowledged');
    const again = await lead.call('POST', `${sut.authUrl}/analytics/warnings/${warning.warningId}/acknowledge`, { note: '重复' });
    expect(again.status).toBe(409);
    const resolved = await lead.ok(`${sut.authUrl}/analytics/warnings/${warning.warningId}/resolve`, { note: '已设置隔离桩，问题消除' });
    expect(resolved.status).toBe('resolved');
    expect(resolved.history.map((h: LooseJson) => [h.type, h.by.userId, h.note ?? null])).toEqual([
      ['EarlyWarningRaised', 'system:analytics', null],
      ['EarlyWarningAcknowledged', 'u-op-v-1-1', '已安排网格员排查'],
      ['EarlyWarningResolved', 'u-op-v-1-1', '已设置隔离桩，问题消除'],
    ]);
    expect((await auditor.call('POST', `${sut.authUrl}/analytics/warnings/${warning.warningId}/resolve`, { note: 'x' })).status).toBe(403);
  });

  it('analytics restarted with an empty read store rebuilds the same figures: the relays publish their stores again', async () => {
    let lead = await Client.login(sut.authUrl, 'op.d');
    const figuresNow = async () => (await lead.get(`${sut.authUrl}/analytics/figures?by=grid`)).body.rows as LooseJson[];
    const before = await figuresNow();
    expect(before.find((r) => r.key === 'g-1-1-1')).toMatchObject({ taken: 3, closed: 1 });
    await sut.restartStandalone!(() => {
      for (const f of ['read-models.sqlite', 'read-models.sqlite-wal', 'read-models.sqlite-shm']) rmSync(join(sut.dataDir!, 'analytics', f), { force: true });
    });
    [gw, op, dept, auditor, lead] = await Promise.all(['gw.g-1-1-1', 'op.v-1-1', 'dept.d-cg', 'audit.d', 'op.d'].map((u) => Client.login(sut.authUrl, u)));
    const after = await eventually(
      async () => {
        const rows = await figuresNow();
        return JSON.stringify(rows) === JSON.stringify(before) ? rows : undefined;
      },
      { what: 'the same figures rebuilt', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(after).toEqual(before);
  }, 240_000);

  it('shows parties’ personal data to an auditor whose scope covers it, and records that read as an event', async () => {
    const opT2 = await Client.login(sut.authUrl, 'op.v-2-1');
    const [lon2, lat2] = demoDistrict.pointInGrid('g-2-1-1');
    const other = await opT2.ok(`${sut.intakeUrl}/intake/cases`, {
      channel: 'hotline',
      category: 'illegal_parking',
      description: '小区门口占道',
      location: { point: { lat: lat2, lng: lon2 } },
      reporter: { anonymous: false, name: '李四', phone: '13900001111' },
    });
    const t2 = await Client.login(sut.authUrl, 'audit.t-2');
    const shown = await t2.get(`${sut.authUrl}/audit/matters/${other.caseId}/timeline`);
    expect(shown.status).toBe(200);
    expect(shown.body.streams[0].personalData).toBe('shown');
    expect(JSON.stringify(shown.body.events)).toContain('13900001111');
    // the district auditor without personal-data scope sees it masked; t-2's auditor cannot see a t-1 case at all
    expect(JSON.stringify((await auditor.get(`${sut.authUrl}/audit/matters/${other.caseId}/timeline`)).body.events)).not.toContain('13900001111');
    expect((await t2.get(`${sut.authUrl}/audit/matters/${caseId}/timeline`)).status).toBe(404);
    personalDataCaseId = other.caseId;
  });

  describe('tampering with the SQLite file', () => {
    let file: string;
    let keys: CheckpointKeySet;
    let events: StoredEvent[];
    const verifyFile = async () => {
      const store = new SqliteEventStore({ path: file });
      const cps = new SqliteCheckpointStore({ database: join(file, '..', 'checkpoints.sqlite') });
      try {
        return await verifyStore(store, { checkpoints: await cps.list(), keySet: keys, densePositions: true });
      } finally {
        cps.close();
        await store.close();
      }
    };
    const sql = (statement: string, ...args: Array<string | number | Uint8Array>) => {
      // as anyone with the file could: the store's append-only triggers go first (it recreates them when opened)
      const db = new DatabaseSync(file);
      try {
        db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
        db.prepare(statement).run(...args);
      } finally {
        db.close();
      }
    };

    beforeAll(async () => {
      keys = (await (await fetch(`${sut.authUrl}/audit/checkpoint-keys`)).json()) as CheckpointKeySet;
      // a checkpoint covering every event is signed before the process stops
      await auditor.call('POST', `${sut.authUrl}/audit/matters/${caseId}/verify`, {});
      file = join(sut.dataDir!, 'grid-dispatch', 'events.sqlite');
      await sut.stopKeepingData!();
      const store = new SqliteEventStore({ path: file });
      events = await store.readStream(`grid-case-${caseId}`);
      await store.close();
      expect((await verifyFile()).failures).toEqual([]);
      // the personal-data read of the test above is an event of the intake store, in its chain and Merkle log
      const intake = new SqliteEventStore({ path: join(sut.dataDir!, 'intake', 'events.sqlite') });
      const reads = await intake.readStream('audit-personal-data-reads');
      await intake.close();
      expect(reads.some((e) => e.type === 'PersonalDataRead' && e.actor.userId === 'u-audit-t-2' && JSON.stringify(e.data).includes(personalDataCaseId))).toBe(
        true,
      );
    }, 120_000);

    it('one byte of an event altered: named', async () => {
      const target = events[3];
      const db = new DatabaseSync(file);
      // the stored canonical bytes of the event (layout 2): alter one character of its data
      const row = db.prepare('SELECT CAST(content AS TEXT) AS content FROM events WHERE id = ?').get(target.id) as { content: string };
      db.close();
      const start = row.content.indexOf(',"data":') + 8;
      const i = start + row.content.slice(start).search(/[0-9a-f]/);
      const altered = row.content.slice(0, i) + (row.content[i] === '0' ? '1' : '0') + row.content.slice(i + 1);
      sql('UPDATE events SET content = ? WHERE id = ?', Buffer.from(altered, 'utf8'), target.id);
      const v = await verifyFile();
      expect(v.firstFailure).toMatchObject({ reason: 'CHAIN_HASH_MISMATCH', event: { id: target.id } });
      sql('UPDATE events SET content = ? WHERE id = ?', Buffer.from(row.content, 'utf8'), target.id);
      expect((await verifyFile()).ok).toBe(true);
    });

    it('two events swapped: named', async () => {
      const [a, b] = [events[2], events[3]];
      sql('UPDATE events SET revision = -1 WHERE id = ?', a.id);
      sql('UPDATE events SET revision = ? WHERE id = ?', a.revision, b.id);
      sql('UPDATE events SET revision = ? WHERE id = ?', b.revision, a.id);
      const v = await verifyFile();
      expect(v.ok).toBe(false);
      expect([a.id, b.id]).toContain(v.firstFailure?.event?.id);
      sql('UPDATE events SET revision = -1 WHERE id = ?', a.id);
      sql('UPDATE events SET revision = ? WHERE id = ?', b.revision, b.id);
      sql('UPDATE events SET revision = ? WHERE id = ?', a.revision, a.id);
      expect((await verifyFile()).ok).toBe(true);
    });

    it('an event deleted: named', async () => {
      const target = events[2];
      sql('DELETE FROM events WHERE id = ?', target.id);
      const v = await verifyFile();
      expect(v.ok).toBe(false);
      const named = v.failures.map((f) => f.event?.id ?? f.suspectLeaves?.firstEvent?.id);
      expect(named).toContain(events[3].id); // the first event after the hole: its revision and position no longer follow
    });

    it('the stream truncated: caught by the signed checkpoint, the first missing leaf named', async () => {
      sql('DELETE FROM events WHERE stream_id = ? AND revision >= ?', `grid-case-${caseId}`, events.length - 2);
      const v = await verifyFile();
      expect(v.ok).toBe(false);
      expect(v.failures.some((f) => f.check === 'checkpoint' || f.reason === 'LOG_POSITION_GAP')).toBe(true);
    });
  });
});
