import { MongoEventStore } from '@fengqiao/event-store';
import { contextDatabaseName } from '@fengqiao/platform';
import { DEMO_PASSWORD, demoDistrict } from '@fengqiao/demo';
import { DEMO_OPEN311_API_KEY } from '@fengqiao/intake-service';
import { describeIntegration, eventually, LooseJson } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startDistributed, startStandalone, SystemUnderTest } from './support/system';

/**
 * The operators' loop of DESIGN §2.1 as journeys through the real system, in standalone mode
 * (one process, embedded stores, in-process bus) and in distributed mode (a process per service,
 * real Kafka, FerretDB): the same journeys, the same assertions.
 */
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');
const point = { lat, lng: lon };

function journeys(start: () => Promise<SystemUnderTest>) {
  let sut: SystemUnderTest;
  let gw: Client; // grid worker of 网格 g-1-1-1
  let op: Client; // operator of the village centre v-1-1
  let deptD: Client; // 区城管 (routing sends illegal_parking in g-1-1-1 here)
  let deptT: Client; // 枫溪街道城管

  beforeAll(async () => {
    sut = await start();
    [gw, op, deptD, deptT] = await Promise.all(['gw.g-1-1-1', 'op.v-1-1', 'dept.d-cg', 'dept.t1-cg'].map((u) => Client.login(sut.authUrl, u)));
  }, 300_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  const report = async (category: string, description: string, urgency = 'urgent') =>
    (await gw.ok(`${sut.intakeUrl}/intake/cases`, { channel: 'grid_worker', category, description, location: { point }, urgency })).caseId as string;
  const cmd = (client: Client, caseId: string, step: string, body: unknown = {}) => client.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/${step}`, body);
  const types = (detail: LooseJson): string[] => detail.timeline.map((t: LooseJson) => t.type);

  it('report → file → dispatch → object → ruling → redispatch → accept → extension → feedback → verification fails → rework → feedback → verified → closed → callback', async () => {
    const caseId = await report('illegal_parking', '消防通道被车辆长期占用');
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });

    // routing picks 区城管 for illegal_parking in g-1-1-1; the work order arrives through the bus
    let detail = await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'the work order to be dispatched');
    expect(detail.unitId).toBe('dept-d-cg');

    await cmd(deptD, caseId, 'object', { reason: '属街道城管职责范围' });
    await cmd(op, caseId, 'rule-objection', { decision: 'upheld', newUnitId: 'dept-t1-cg', reason: '改派街道城管' });
    await cmd(deptT, caseId, 'accept');
    await cmd(deptT, caseId, 'request-extension', { duration: 2, unit: 'working_days', reason: '需协调车主' });
    await cmd(op, caseId, 'rule-extension', { decision: 'granted', duration: 2, unit: 'working_days', reason: '同意延期' });
    await cmd(deptT, caseId, 'feedback', { result: '已联系车主挪车' });
    await cmd(op, caseId, 'verify', { result: 'fail', findings: '现场仍有车辆占用' });
    await cmd(deptT, caseId, 'feedback', { result: '已设置隔离桩' });
    await cmd(op, caseId, 'verify', { result: 'pass', findings: '通道畅通' });
    await cmd(op, caseId, 'close', { summary: '消防通道恢复畅通' });
    await cmd(op, caseId, 'callback', { rating: 5, satisfied: true, comment: '处理及时' });

    detail = await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'callback_done', 'the callback');
    expect(types(detail)).toEqual([
      'WorkOrderOpened',
      'CaseDispatched',
      'DispatchObjected',
      'ObjectionUpheld',
      'DispatchAccepted',
      'ExtensionRequested',
      'ExtensionGranted',
      'FeedbackSubmitted',
      'ReworkOrdered',
      'FeedbackSubmitted',
      'CaseVerified',
      'CaseClosed',
      'CallbackRecorded',
    ]);
    // every step says who did it; the timeline is in Chinese for people
    for (const step of detail.timeline) {
      expect(step.actor.userId).toBeTruthy();
      expect(step.label).toMatch(/\p{Script=Han}/u);
    }
    // the Open311 view follows the case to closed
    await eventually(
      async () => {
        const r = await fetch(`${sut.intakeUrl}/open311/v2/requests/${caseId}.json`);
        const body = (await r.json()) as LooseJson[];
        return r.status === 200 && body[0]?.status === 'closed' ? true : undefined;
      },
      { what: 'Open311 status closed', timeoutMs: 30_000 },
    );
  }, 180_000);

  it('a duplicate report is merged into the earlier case and leaves no work order', async () => {
    const first = await report('garbage_overflow', '垃圾桶满溢');
    const second = await report('garbage_overflow', '垃圾桶满溢，异味明显');
    const suggestions = await eventually(
      async () => {
        const r = await op.get(`${sut.intakeUrl}/intake/cases/${second}/duplicates`);
        return r.status === 200 && JSON.stringify(r.body).includes(first) ? r.body : undefined;
      },
      { what: 'a duplicate suggestion', timeoutMs: 30_000 },
    );
    expect(JSON.stringify(suggestions)).toContain(first);
    await op.ok(`${sut.intakeUrl}/intake/cases/${second}/merge`, { duplicateOf: first });
    const merged = await op.get(`${sut.intakeUrl}/intake/cases/${second}`);
    expect(merged.body.status).toBe('merged_duplicate');
    expect((await op.get(`${sut.gridUrl}/grid-dispatch/cases/${second}`)).status).toBe(404);
  }, 120_000);

  it('an Open311 client files a request and reads it back without a token', async () => {
    const form = new URLSearchParams({
      api_key: DEMO_OPEN311_API_KEY,
      service_code: 'garbage_overflow',
      lat: String(lat),
      long: String(lon),
      description: '小区门口垃圾无人清运',
      first_name: '李',
    });
    const posted = await fetch(`${sut.intakeUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(posted.status).toBe(201);
    const [{ service_request_id: id }] = (await posted.json()) as LooseJson[];
    const got = await fetch(`${sut.intakeUrl}/open311/v2/requests/${id}.json`);
    expect(got.status).toBe(200);
    const [request] = (await got.json()) as LooseJson[];
    expect(request).toMatchObject({ service_request_id: id, service_code: 'garbage_overflow', status: 'open' });
    expect(JSON.stringify(request)).not.toContain('李');
  }, 60_000);

  it('an overdue case warns, breaches and escalates village → town, also across a restart', async () => {
    const caseId = await report('illegal_parking', '占道停车未处理', 'very_urgent');
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
    // ten days later, nobody has accepted it: the scheduler recomputes the due timers from state
    await sut.restartGridDispatch({ FENGQIAO_CLOCK_OFFSET_MS: String(10 * 24 * 3600 * 1000) });
    const detail = await waitForCase(op, sut.gridUrl, caseId, (c) => types(c).includes('Escalated'), 'the breach and escalation');
    const t = types(detail);
    expect(t).toEqual(expect.arrayContaining(['DeadlineBreached', 'Escalated']));
    expect(detail.level).toBe('town');
    // a second restart does not breach the same timer again
    await sut.restartGridDispatch({ FENGQIAO_CLOCK_OFFSET_MS: String(10 * 24 * 3600 * 1000 + 60_000) });
    await new Promise((r) => setTimeout(r, 0));
    const again = await waitForCase(op, sut.gridUrl, caseId, () => true, 'the case after restart');
    expect(types(again).filter((x) => x === 'DeadlineBreached').length).toBe(t.filter((x) => x === 'DeadlineBreached').length);
    await sut.restartGridDispatch({});
  }, 240_000);

  it('grid-dispatch killed with SIGKILL mid-journey: the journey completes, every event stored and applied once', async () => {
    const caseId = await report('illegal_parking', '非机动车乱停放');
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
    await cmd(deptD, caseId, 'accept');
    // filed, then grid-dispatch is killed at once: the CaseFiled may be stored but not yet
    // published or consumed (standalone: the whole process dies) — it must still become one work order
    const second = await report('illegal_parking', '共享单车堆放');
    await op.ok(`${sut.intakeUrl}/intake/cases/${second}/file`, { level: 'village' });
    await sut.killAndRestartGridDispatch();
    await cmd(deptD, caseId, 'feedback', { result: '已清理' });
    await cmd(op, caseId, 'verify', { result: 'pass', findings: '已清理' });
    await cmd(op, caseId, 'close', { summary: '完成' });
    const detail = await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'closed', 'closed after the restart');
    expect(types(detail)).toEqual(['WorkOrderOpened', 'CaseDispatched', 'DispatchAccepted', 'FeedbackSubmitted', 'CaseVerified', 'CaseClosed']);
    const other = await waitForCase(op, sut.gridUrl, second, (c) => c.status === 'dispatched', 'the case filed around the crash');
    expect(types(other)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
    // stored once: no event id twice in the view, revisions dense
    for (const d of [detail, other]) {
      const ids = d.timeline.map((e: LooseJson) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(d.timeline.map((e: LooseJson) => e.revision)).toEqual(ids.map((_: string, i: number) => i));
    }
    if (sut.mode === 'distributed') {
      // and in the store itself (FerretDB): the streams hold each event once
      const store = await MongoEventStore.connect(process.env.MONGO_URL!, contextDatabaseName(`mongodb://x/${sut.mongoDb}`, 'grid-dispatch'));
      try {
        for (const [id, expected] of [
          [caseId, types(detail)],
          [second, types(other)],
        ] as const) {
          const stored = await store.readStream(`grid-case-${id}`);
          expect(stored.map((e) => e.type)).toEqual(expected);
          expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
        }
      } finally {
        await store.close();
      }
    }
  }, 300_000);

  it('a user an admin adds through the API may report at intake (another service in distributed mode); once deactivated, every service refuses the token', async () => {
    const admin = await Client.login(sut.authUrl, 'admin');
    const suffix = Date.now().toString(36);
    const user = { id: `u-gw-e2e-${suffix}`, username: `gw.e2e.${suffix}`, displayName: '新网格员', unitId: 'g-1-1-1', roles: ['grid_worker'] };
    const added = await admin.call('POST', `${sut.authUrl}/directory/changes`, { change: { type: 'UserAdded', user } });
    expect(added.status).toBe(201);
    expect((await admin.call('PUT', `${sut.authUrl}/directory/users/${user.id}/password`, { password: DEMO_PASSWORD })).status).toBe(204);
    const newcomer = await Client.login(sut.authUrl, user.username);
    const body = { channel: 'grid_worker', category: 'garbage_overflow', description: '新网格员上报：垃圾桶满溢', location: { point }, urgency: 'normal' };
    const reported = await newcomer.call('POST', `${sut.intakeUrl}/intake/cases`, body);
    expect([reported.status, reported.body.caseId]).toEqual([201, expect.any(String)]);

    expect((await admin.call('POST', `${sut.authUrl}/directory/changes`, { change: { type: 'UserDisabled', userId: user.id } })).status).toBe(201);
    // intake and grid-dispatch apply the change from identity.directory.events.v1 (at once in standalone)
    for (const url of [`${sut.intakeUrl}/intake/cases`, `${sut.gridUrl}/grid-dispatch/board`]) {
      const refused = await eventually(
        async () => {
          const r = url.endsWith('/intake/cases') ? await newcomer.call('POST', url, body) : await newcomer.get(url);
          return r.status === 401 ? r : undefined;
        },
        { what: `${url} refusing the deactivated user`, timeoutMs: 60_000, intervalMs: 200 },
      );
      // in standalone the issuer is in the same process and has also ended the user's sessions
      expect(sut.mode === 'standalone' ? ['AUTH.USER_DISABLED', 'AUTH.SESSION_REVOKED'] : ['AUTH.USER_DISABLED']).toContain(refused.body.code);
    }
  }, 180_000);

  it('a case whose deadline falls in 2027 is dispatched with a provisional deadline (no dead letter); the 2027 notice revises it once', async () => {
    // grid-dispatch's clock on Thu 2027-02-04 17:00 (+08:00), before any 2027 notice: the accept
    // deadline (2 working hours) runs to Tue 02-09 10:00, after the statutory 春节 02-05..02-08
    await sut.restartGridDispatch({ FENGQIAO_CLOCK_OFFSET_MS: String(Date.parse('2027-02-04T17:00:00+08:00') - Date.now()) });
    const caseId = await report('illegal_parking', '春节前占道停车');
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    const dispatched = await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch with a 2027 deadline');
    // (the clock runs on from 17:00 while the system restarts: due a few seconds or minutes after 10:00)
    expect(dispatched.timer).toMatchObject({
      step: 'accept',
      dueAt: expect.stringMatching(/^2027-02-09T02:[0-5]\d:/),
      provisional: true,
      calendarVersion: '2026-1+CN-2027-provisional',
    });
    expect(dispatched.timer.calendarNote).toContain('暂定，待国务院办公厅公布2027年放假安排');
    const deadLettered = sut
      .output()
      .split('\n')
      .filter((line) => line.includes('dead-letter') && line.includes(caseId));
    expect(deadLettered).toEqual([]);

    // the admin loads a (made-up) 2027 notice: 春节 02-05..02-11; the calendar module publishes it,
    // grid-dispatch revises the open work order once: due Fri 02-12 10:00
    const admin = await Client.login(sut.authUrl, 'admin');
    const notice = {
      region: 'CN',
      year: 2027,
      source: { title: '国务院办公厅关于2027年部分节假日安排的通知（测试数据）', documentNumber: '测试〔2026〕1号', issuedOn: '2026-12-20' },
      periods: [
        { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
        { name: '春节', from: '2027-02-05', to: '2027-02-11' },
      ],
      makeUpWorkdays: ['2027-01-31', '2027-02-20'],
    };
    const loaded = await admin.call('PUT', `${sut.authUrl}/calendars/notices`, notice, { 'if-match': '"1"' });
    expect([loaded.status, loaded.body.calendarVersion]).toEqual([200, '2027-2']);
    const revised = await waitForCase(op, sut.gridUrl, caseId, (c) => types(c).includes('DeadlineRevised'), 'the revised deadline');
    expect(revised.timer).toMatchObject({ dueAt: dispatched.timer.dueAt.replace('2027-02-09', '2027-02-12'), calendarVersion: '2027-2' });
    expect(revised.timer).not.toHaveProperty('provisional');
    // loading the same notice again changes nothing
    expect((await admin.call('PUT', `${sut.authUrl}/calendars/notices`, notice)).body.version).toBe(2);
    await sut.restartGridDispatch({});
    const after = await waitForCase(op, sut.gridUrl, caseId, () => true, 'the case after the restart');
    expect(types(after).filter((t) => t === 'DeadlineRevised')).toHaveLength(1);
  }, 300_000);
}

describe('journeys in standalone mode', () => journeys(startStandalone));

describeIntegration('journeys in distributed mode (real Kafka + FerretDB)', ['kafka', 'mongo'], (env) =>
  journeys(() => startDistributed(env().kafkaBrokers, env().mongoUrl)),
);
