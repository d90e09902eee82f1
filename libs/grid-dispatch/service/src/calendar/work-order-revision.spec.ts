import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, toCloudEventMessage } from '@fengqiao/bus';
import { IntakeCaseFiledV1, IntakeCaseFiledV1Data, topics } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { StoredEvent } from '@fengqiao/event-store';
import { toGridCaseStreamId } from '@fengqiao/grid-dispatch-domain';
import { BuiltInIssuer, principalOf } from '@fengqiao/identity';
import { FixedClock, newId } from '@fengqiao/kernel';
import { TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { BUS, CalendarModule, ContextRuntime, loadServiceConfig, RunningService, runtimeToken, startService, toCloudEvent } from '@fengqiao/platform';
import { GridDispatchStartup } from '../application/grid-dispatch.startup';
import { GridDispatchModule } from '../grid-dispatch.module';

/**
 * The calendar module and grid-dispatch in one app (standalone mode, in-process bus), as in
 * services/standalone: a case filed on Thu 2027-02-04 17:00, before the 2027 notice, gets a
 * provisional accept deadline (2 working hours: 17:00–18:00, then 09:00–10:00 on Tue 02-09, the
 * first working day after the statutory 春节 02-05..02-08). The admin loads a (made-up) 2027 notice
 * with 春节 02-05..02-11: the deadline is revised to Fri 02-12 10:00, once.
 */
describe('calendar notices loaded → open work orders revised (grid-dispatch)', () => {
  const clock = new FixedClock('2027-02-04T17:00:00+08:00');
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-calendar-'));
  let service: RunningService;
  const tokens = new Map<string, string>();
  const gd = () => ({
    runtime: service.app.get<ContextRuntime>(runtimeToken('grid-dispatch'), { strict: false }),
    scheduler: service.app.get(GridDispatchStartup, { strict: false }).deadlineScheduler,
  });

  beforeAll(async () => {
    const config = loadServiceConfig('standalone', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'error', HOST: '127.0.0.1' });
    service = await startService(
      {
        name: 'calendar-test',
        title: 'calendar + grid-dispatch (test)',
        imports: [
          GridDispatchModule.register({ clock, timerIntervalMs: 3_600_000, projectorIntervalMs: 50, seedReferenceData: true }),
          CalendarModule.register({ clock, regions: { CN: '全国', 'CN-330681': '诸暨市' } }),
        ],
        identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
      },
      config,
    );
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, as?: string, body?: unknown, ifMatch?: string) {
    const headers: Record<string, string> = {};
    if (as) {
      let token = tokens.get(as);
      if (!token) {
        const issuer = service.app.get(BuiltInIssuer, { strict: false });
        const snapshot = issuer.directory.current();
        token = (await issuer.issueAccessToken(principalOf(snapshot.userByUsername(as)!, snapshot))).token;
        tokens.set(as, token);
      }
      headers['authorization'] = `Bearer ${token}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    const res = await fetch(`${service.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions over arbitrary JSON
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined, etag: res.headers.get('etag') };
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const events = (caseId: string): Promise<StoredEvent[]> => gd().runtime.infra.events.readStream(toGridCaseStreamId(caseId));
  const caseId = `c-${newId()}`;

  it('files a case whose deadline reaches into 2027: dispatched with a provisional deadline, shown as such', async () => {
    const data: IntakeCaseFiledV1Data = {
      jurisdiction: demoDistrict.unitPath('g-1-1-1'),
      filedAt: clock.now().toISOString(),
      level: 'village',
      category: 'street_vending',
      urgency: 'normal',
      channel: 'grid_worker',
      location: { address: '枫源社区 3 幢' },
      caseId,
      gridId: 'g-1-1-1',
    };
    const event = {
      id: newId(),
      type: IntakeCaseFiledV1.type,
      source: '/fengqiao/intake',
      subject: caseId,
      time: data.filedAt,
      correlationId: newId(),
      causationId: newId(),
      data,
    };
    await service.app.get<Bus>(BUS, { strict: false }).publish(topics.intakeCase, [toCloudEventMessage(toCloudEvent(event), caseId)]);
    const stored = await waitFor('the dispatch', async () => ((await events(caseId)).length >= 2 ? events(caseId) : undefined));
    expect(stored.map((e) => e.type)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
    expect((stored[1].data as { timer: { deadline: object } }).timer.deadline).toMatchObject({
      dueAt: '2027-02-09T02:00:00.000Z',
      provisional: true,
      calendarVersion: '2026-1+CN-2027-provisional',
    });
    const view = await waitFor('the case view', async () => {
      const res = await call('GET', `/grid-dispatch/cases/${caseId}`, 'op.v-1-1');
      return res.status === 200 && res.body.status === 'dispatched' ? res.body : undefined;
    });
    expect(view.timer).toMatchObject({ provisional: true, calendarVersion: '2026-1+CN-2027-provisional' });
    expect(view.timer.calendarNote).toContain('暂定，待国务院办公厅公布2027年放假安排');
  });

  it('rejects bad notices with a 400 that names the day, and non-admins with 403', async () => {
    const bad = async (patch: object) => call('PUT', '/calendars/notices', 'admin', { ...TEST_NOTICE_2027, ...patch });
    const both = await bad({ makeUpWorkdays: ['2027-02-06'] });
    expect([both.status, both.body.code]).toEqual([400, 'CALENDAR.HOLIDAY_AND_WORKDAY']);
    expect(both.body.message).toContain('2027-02-06');
    const outside = await bad({ periods: [{ name: '春节', from: '2027-02-05', to: '2028-02-11' }] });
    expect([outside.status, outside.body.code]).toEqual([400, 'CALENDAR.DATE_OUTSIDE_YEAR']);
    expect(outside.body.message).toContain('2028-02-11');
    const region = await bad({ region: 'CN-999999' });
    expect([region.status, region.body.code]).toEqual([400, 'CALENDAR.UNKNOWN_REGION']);
    expect((await call('PUT', '/calendars/notices', 'op.v-1-1', TEST_NOTICE_2027)).status).toBe(403);
    expect((await call('PUT', '/calendars/notices', undefined, TEST_NOTICE_2027)).status).toBe(401);
  });

  it('the admin loads the 2027 notice (If-Match): one DeadlineRevised, the timer follows the new due date', async () => {
    const listed = await call('GET', '/calendars', 'admin');
    expect([listed.status, listed.etag, listed.body.current.calendarVersion]).toEqual([200, '"1"', '2026-1']);
    expect((await call('PUT', '/calendars/notices', 'admin', TEST_NOTICE_2027, '"0"')).status).toBe(412);
    clock.set('2027-02-04T18:30:00+08:00');
    const loaded = await call('PUT', '/calendars/notices', 'admin', TEST_NOTICE_2027, '"1"');
    expect([loaded.status, loaded.etag, loaded.body.calendarVersion]).toEqual([200, '"2"', '2027-2']);

    const stored = await waitFor('the revision', async () => ((await events(caseId)).length >= 3 ? events(caseId) : undefined));
    expect(stored.map((e) => e.type)).toEqual(['WorkOrderOpened', 'CaseDispatched', 'DeadlineRevised']);
    expect(stored[2].data).toMatchObject({
      previous: { dueAt: '2027-02-09T02:00:00.000Z', calendarVersion: '2026-1+CN-2027-provisional', provisional: true },
      deadline: { dueAt: '2027-02-12T02:00:00.000Z', calendarVersion: '2027-2' },
    });
    expect(stored[2].data).not.toHaveProperty('deadline.provisional');

    await waitFor('the view to follow', async () => {
      const res = await call('GET', `/grid-dispatch/cases/${caseId}`, 'op.v-1-1');
      return res.body?.timer?.dueAt === '2027-02-12T02:00:00.000Z' ? true : undefined;
    });
    clock.set('2027-02-09T10:30:00+08:00'); // the provisional due date: no breach any more
    expect((await gd().scheduler!.tick()).breached).toEqual([]);
    clock.set('2027-02-12T10:00:00+08:00');
    expect((await gd().scheduler!.tick()).breached).toEqual([caseId]);
  });

  it('a second load of the same notice changes nothing; history and as-of stay readable', async () => {
    const before = (await events(caseId)).length;
    const again = await call('PUT', '/calendars/notices', 'admin', TEST_NOTICE_2027);
    expect([again.status, again.body.version]).toEqual([200, 2]);
    const history = await call('GET', '/calendars', 'admin');
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await call('GET', '/calendars/versions/1', 'op.v-1-1')).body.calendarVersion).toBe('2026-1');
    expect((await call('GET', `/calendars/as-of?at=${encodeURIComponent('2027-02-04T18:00:00+08:00')}`, 'op.v-1-1')).body.version).toBe(1);
    expect((await call('GET', '/calendars/statutory/2027', 'op.v-1-1')).body.holidays[1]).toEqual({ name: '春节', from: '2027-02-05', to: '2027-02-08' });
    expect(await events(caseId)).toHaveLength(before);
  });

  it("a file import layers a region's own calendar on the national one, labelled by jurisdiction", async () => {
    const file = JSON.parse(readFileSync(join(__dirname, '../../../../../scripts/calendar-notice.example.json'), 'utf8'));
    const local = {
      region: 'CN-330681',
      year: 2027,
      source: { title: '诸暨市关于2027年调整工作日的通知（测试数据）', issuedOn: '2027-01-10' },
      periods: [{ name: '地方节日', from: '2027-03-10', to: '2027-03-10' }],
      makeUpWorkdays: [],
    };
    const imported = await call('POST', '/calendars/import', 'admin', { notices: [...file.notices, local], note: '测试导入' }, '"2"');
    expect([imported.status, imported.body.version, imported.body.calendarVersion]).toEqual([201, 3, '2027-3']);
    expect(imported.body.rows.find((n: { region: string }) => n.region === 'CN-330681')).toMatchObject({ jurisdiction: '诸暨市' });
  });
});
