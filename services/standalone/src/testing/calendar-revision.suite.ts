import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDistrict } from '@fengqiao/demo';
import type { StoredEvent } from '@fengqiao/event-store';
import { BuiltInIssuer, principalOf } from '@fengqiao/identity';
import { FixedClock } from '@fengqiao/kernel';
import { TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { MediationModule } from '@fengqiao/mediation-service';
import { PetitionsModule } from '@fengqiao/petitions-service';
import { CalendarModule, ContextRuntime, loadServiceConfig, RunningService, runtimeToken, startService } from '@fengqiao/platform';
import { eventually } from '@fengqiao/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions over arbitrary JSON
type Json = any;

/**
 * Issue 9 item 3 for mediation and petitions: loading a calendar notice revises the open mediation
 * case's and the open petition's deadlines. Both periods end on day 2027-02-08 (正月初三): on the
 * provisional 2027 (statutory 春节 02-05..02-08, no notice) the last day moves to Tue 02-09; the
 * (made-up) notice TEST_NOTICE_2027 makes 春节 02-05..02-11, so the last day becomes Fri 02-12,
 * on calendar version 2027-2, no longer provisional.
 *  - mediation: accepted (both parties consent) on 2027-01-09, the 30-day mediation period;
 *  - petitions: registered at the town's petition office on 2027-01-24, the 15-day §21 routing clock.
 * `mode` `standalone`: in-process bus, embedded stores; `distributed`: the notice goes over real
 * Kafka to the contexts' `<context>.calendar` consumers, views and stores on FerretDB.
 */
export function calendarRevisionSuite(mode: 'standalone' | 'distributed', env: () => Record<string, string> = () => ({})) {
  const clock = new FixedClock('2027-01-09T09:00:00+08:00');
  let dataDir: string;
  let service: RunningService;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-cal-rev-'));
    const extra = env();
    const config = loadServiceConfig('standalone', { port: 0, mode }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'error', HOST: '127.0.0.1', ...extra });
    // the auth settings are read from the process environment when the app is created
    const saved = Object.fromEntries(Object.keys(extra).map((k) => [k, process.env[k]]));
    Object.assign(process.env, extra);
    service = await startService(
      {
        name: 'calendar-revision-test',
        title: 'calendar + mediation + petitions (test)',
        imports: [
          MediationModule.register({ clock, viewPollIntervalMs: 100, schedulerIntervalMs: 3_600_000, seedDemo: false }),
          PetitionsModule.register({ clock, runScheduler: false, seedDemo: false, viewIntervalMs: 100, powBits: 0 }),
          CalendarModule.register({ clock }),
        ],
        identitySeed: () => ({ directory: demoDistrict.directory, passwords: [] }),
      },
      config,
    ).finally(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  async function call(
    method: string,
    path: string,
    as?: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<{ status: number; body: Json; etag: string | null }> {
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
    return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') };
  }
  const ok = async (method: string, path: string, as: string, body: unknown, status = 200) => {
    const res = await call(method, path, as, body);
    if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const stream = (context: string, streamId: string): Promise<StoredEvent[]> =>
    service.app.get<ContextRuntime>(runtimeToken(context), { strict: false }).infra.events.readStream(streamId);
  /** the committee asks both parties, both consent: the case is accepted (its mediation period starts) */
  const acceptMediation = async (id: string) => {
    const med = 'med.v-1-1';
    await ok('POST', `/mediation/cases/${id}/request-consent`, med, {});
    const parties = (await call('GET', `/mediation/cases/${id}`, med)).body.parties as { partyId: string }[];
    for (const { partyId } of parties) await ok('POST', `/mediation/cases/${id}/consents`, med, { partyId, consented: true });
    return call('GET', `/mediation/cases/${id}`, med);
  };
  const revisedOf = (events: StoredEvent[]) => events.filter((e) => e.type === 'DeadlineRevised');

  let caseId: string;
  let petitionId: string;

  it('an open mediation case and an open petition get provisional deadlines ending on Tue 2027-02-09', async () => {
    // the mediation case: registered and accepted (both parties consent) on 2027-01-09
    const med = 'med.v-1-1';
    const registered = await ok(
      'POST',
      '/mediation/cases',
      med,
      {
        committeeId: 'mc-v-1-1',
        source: { kind: 'application', channel: 'walk_in' },
        parties: [
          { role: 'applicant', name: '王建国', phone: '13800001111' },
          { role: 'respondent', name: '李秀英', phone: '13900002222' },
        ],
        summary: '楼上住户卫生间漏水，双方争吵',
        category: 'neighbour_dispute',
      },
      201,
    );
    caseId = registered.caseId;
    const accepted = await acceptMediation(caseId);
    expect(accepted.body.status).toBe('accepted');
    expect(accepted.body.mediationDeadline.deadline).toMatchObject({
      lastDay: '2027-02-09',
      shiftedFrom: '2027-02-08',
      provisional: true,
      calendarVersion: '2026-1+CN-2027-provisional',
    });

    // the petition: registered at the town's petition office on 2027-01-24 (15 days to route it)
    clock.set('2027-01-24T10:00:00+08:00');
    const petition = await ok(
      'POST',
      '/petitions',
      'xf.t-1',
      {
        channel: 'letter',
        petitioners: [{ name: '信访人甲', idNumber: '330681198001011001', phone: '13800001001', address: '浙江省诸暨市枫桥镇枫源村1组1号' }],
        summary: '反映征地补偿款未足额发放',
        matterType: 'land_expropriation',
        form: 'written',
      },
      201,
    );
    petitionId = petition.petitionId;
    const registeredEvent = (await stream('petitions', `petition-${petitionId}`)).find((e) => e.type === 'PetitionRegistered');
    expect((registeredEvent?.data as Json).routingDeadline).toMatchObject({
      lastDay: '2027-02-09',
      provisional: true,
      calendarVersion: '2026-1+CN-2027-provisional',
    });
  });

  it('the admin loads the 2027 notice: each gets one DeadlineRevised onto 2027-02-12, calendar 2027-2, not provisional', async () => {
    clock.set('2027-01-25T09:00:00+08:00');
    const loaded = await call('PUT', '/calendars/notices', 'admin', TEST_NOTICE_2027, '"1"');
    expect([loaded.status, loaded.body.calendarVersion]).toEqual([200, '2027-2']);

    const SLOW = { timeoutMs: mode === 'distributed' ? 120_000 : 15_000, intervalMs: 100 };
    const mediationRevised = await eventually(
      async () => {
        const r = revisedOf(await stream('mediation', `mediation-${caseId}`));
        return r.length > 0 ? r : undefined;
      },
      { what: 'the mediation case revised', ...SLOW },
    );
    expect(mediationRevised).toHaveLength(1);
    expect(mediationRevised[0]!.data).toMatchObject({
      kind: 'mediation_duration',
      previous: { lastDay: '2027-02-09', calendarVersion: '2026-1+CN-2027-provisional', provisional: true },
      deadline: { lastDay: '2027-02-12', dueAt: '2027-02-12T16:00:00.000Z', calendarVersion: '2027-2' },
    });
    expect(mediationRevised[0]!.data).not.toHaveProperty('deadline.provisional');

    const petitionRevised = await eventually(
      async () => {
        const r = revisedOf(await stream('petitions', `petition-${petitionId}`));
        return r.length > 0 ? r : undefined;
      },
      { what: 'the petition revised', ...SLOW },
    );
    expect(petitionRevised).toHaveLength(1);
    expect(petitionRevised[0]!.data).toMatchObject({
      kind: 'routing',
      previous: { lastDay: '2027-02-09', provisional: true },
      deadline: { lastDay: '2027-02-12', calendarVersion: '2027-2' },
    });
    expect(petitionRevised[0]!.data).not.toHaveProperty('deadline.provisional');

    // the views follow (the desk and the schedulers read them)
    await eventually(
      async () => {
        const v = await call('GET', `/mediation/cases/${caseId}`, 'med.v-1-1');
        return v.body?.mediationDeadline?.deadline?.calendarVersion === '2027-2' ? true : undefined;
      },
      { what: 'the mediation view revised', ...SLOW },
    );
    const clocks = await eventually(
      async () => {
        const v = await call('GET', `/petitions/${petitionId}`, 'xf.t-1');
        const routing = (v.body?.clocks as Json[] | undefined)?.find((c) => c.kind === 'routing');
        return routing?.calendarVersion === '2027-2' ? routing : undefined;
      },
      { what: 'the petition view revised', ...SLOW },
    );
    expect(clocks).toMatchObject({ lastDay: '2027-02-12', provisional: false });
  });

  it('a case accepted after the notice is on the new calendar; loading the same notice again changes nothing', async () => {
    const later = await ok(
      'POST',
      '/mediation/cases',
      'med.v-1-1',
      {
        committeeId: 'mc-v-1-1',
        source: { kind: 'application', channel: 'walk_in' },
        parties: [
          { role: 'applicant', name: '张三' },
          { role: 'respondent', name: '李四' },
        ],
        summary: '宅基地边界争议',
        category: 'neighbour_dispute',
      },
      201,
    );
    const accepted = await acceptMediation(later.caseId);
    expect(accepted.body.mediationDeadline.deadline).toMatchObject({ lastDay: '2027-02-24', calendarVersion: '2027-2' });
    expect(accepted.body.mediationDeadline.deadline).not.toHaveProperty('provisional');
    // the same notice again: no new table version, so nothing is published and nothing revised
    const again = await call('PUT', '/calendars/notices', 'admin', TEST_NOTICE_2027);
    expect([again.status, again.body.version]).toEqual([200, 2]);
    expect(revisedOf(await stream('mediation', `mediation-${caseId}`))).toHaveLength(1);
    expect(revisedOf(await stream('petitions', `petition-${petitionId}`))).toHaveLength(1);
  });
}
