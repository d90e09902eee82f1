import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp, TestUser } from './testing/petitions-test-app';

/**
 * The legal clocks read back through the public API (not only in the decider): a petition is
 * registered, routed, accepted, extended, answered, reviewed and re-reviewed with a hearing, across
 * the 2025 National Day holiday (10-01…10-08, make-up workdays 09-28 and 10-11) and the 2026 Spring
 * Festival (02-15…02-23). Expected days worked out by hand on the national calendar: periods in days
 * exclude the start day; a last day that is not a working day moves to the next working day
 * (民法典 §201–§203); the objection window counts working days.
 */
describe('petition legal clocks through the API (§22, §23, §34, §35, §36)', () => {
  let t: PetitionsTestApp;
  let id: string;
  let etag: string;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const at = (iso: string) => t.clock.set(iso);
  const post = async (path: string, user: TestUser, body: unknown = {}) => {
    const res = await t.call('POST', `/petitions/${id}/${path}`, { as: user, body, headers: { 'if-match': etag } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
    etag = res.headers.get('etag')!;
    return res.body;
  };
  const read = async (): Promise<LooseJson> => (await t.call('GET', `/petitions/${id}`, { as: 'districtOfficer' })).body;
  const clock = async (kind: string) => (await read()).clocks.find((c: { kind: string }) => c.kind === kind);

  type Row = { step: string; run: () => Promise<unknown>; read: () => Promise<LooseJson>; expect: Record<string, unknown> };
  const rows: Row[] = [
    {
      step: '§22 registered Tue 09-23: routing within 15 days; day 15 (10-08) is a holiday → Thu 10-09',
      run: async () => {
        at('2025-09-23T09:00:00+08:00');
        const res = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ petitioners: [petitioner(70)] }) });
        id = res.body.petitionId;
        etag = res.headers.get('etag')!;
      },
      read: () => clock('routing'),
      expect: {
        ruleId: 'petition.routing',
        legalBasis: '信访工作条例§22',
        unit: 'calendar_days',
        duration: 15,
        lastDay: '2025-10-09',
        shiftedFrom: '2025-10-08',
      },
    },
    {
      step: '§23 transferred Fri 09-26: acceptance notice within 15 days → Sat 10-11, a make-up workday, not moved',
      run: async () => {
        at('2025-09-26T10:00:00+08:00');
        await post('transfer', 'town1Officer', { toUnitId: 'dept-t1-cg', route: 'competent_body' });
      },
      read: () => clock('acceptance_notice'),
      expect: { ruleId: 'petition.acceptance_notice', legalBasis: '信访工作条例§23', lastDay: '2025-10-11', shiftedFrom: null },
    },
    {
      step: '§23 objection within 5 working days of 09-26: 09-28 (make-up), 09-29, 09-30, 10-09, 10-10',
      run: async () => undefined,
      read: async () => (await read()).windows.objection,
      expect: { ruleId: 'petition.objection_window', legalBasis: '信访工作条例§23', unit: 'working_days', duration: 5, lastDay: '2025-10-10' },
    },
    {
      step: '§34 accepted Fri 10-10: handling within 60 days → Tue 12-09',
      run: async () => {
        at('2025-10-10T10:00:00+08:00');
        await post('acceptance', 'town1Officer', { noticeRef: '枫溪执法受字〔2025〕1号' });
        at('2025-10-13T09:00:00+08:00');
        await post('handling', 'town1Officer', { handlerIds: ['u-handler-1'] });
      },
      read: () => clock('handling'),
      expect: { ruleId: 'petition.handling', legalBasis: '信访工作条例§34', duration: 60, lastDay: '2025-12-09' },
    },
    {
      step: '§34 extended by 30 days on 12-01 (before the period ran out): 90 days from acceptance → Thu 2026-01-08',
      run: async () => {
        at('2025-12-01T10:00:00+08:00');
        await post('extension', 'town1Officer', { extendBy: 30, approvedBy: '执法中队负责人', reason: '需现场测量' });
      },
      read: () => clock('handling'),
      expect: { ruleId: 'petition.handling', duration: 90, lastDay: '2026-01-08' },
    },
    {
      step: '§35 opinion delivered Mon 12-22: review request within 30 days → Wed 2026-01-21',
      run: async () => {
        at('2025-12-20T10:00:00+08:00');
        await post('opinion', 'town1Officer', {
          outcome: 'explain',
          request: '足额补偿',
          factsAndReasons: '经测量……',
          legalBasisCited: '《土地管理法》第四十八条',
          documentRef: '枫溪执法意字〔2025〕1号',
        });
        at('2025-12-22T11:00:00+08:00');
        await post('opinion/delivery', 'town1Officer', { receivedAt: '2025-12-22T10:00:00+08:00', method: 'in_person' });
      },
      read: async () => (await read()).windows.reviewRequest,
      expect: { ruleId: 'petition.review_request_window', legalBasis: '信访工作条例§35', lastDay: '2026-01-21' },
    },
    {
      step: '§35 review requested Mon 2026-01-05 at the town: decided within 30 days → Wed 02-04',
      run: async () => {
        at('2026-01-05T10:00:00+08:00');
        await post('review', 'town1Officer', { requestedAt: '2026-01-05T09:00:00+08:00', reviewingUnitId: 't-1' });
      },
      read: () => clock('review'),
      expect: { ruleId: 'petition.review', legalBasis: '信访工作条例§35', lastDay: '2026-02-04' },
    },
    {
      step: '§36 review decision received Thu 01-22: re-review request within 30 days; day 30 (02-21) in the Spring Festival → Tue 02-24',
      run: async () => {
        at('2026-01-06T09:00:00+08:00');
        await post('review/start', 'town1Officer');
        at('2026-01-20T10:00:00+08:00');
        await post('review/decision', 'town1Officer', { outcome: 'upheld', reasons: '原处理意见正确', documentRef: '枫溪复查〔2026〕1号' });
        at('2026-01-22T11:00:00+08:00');
        await post('review/decision/delivery', 'town1Officer', { receivedAt: '2026-01-22T10:00:00+08:00' });
      },
      read: async () => (await read()).windows.reReviewRequest,
      expect: { ruleId: 'petition.re_review_request_window', legalBasis: '信访工作条例§36', lastDay: '2026-02-24', shiftedFrom: '2026-02-21' },
    },
    {
      step: '§36 re-review requested Mon 02-02 at the district: within 30 days → Wed 03-04',
      run: async () => {
        at('2026-02-02T10:00:00+08:00');
        await post('re-review', 'districtOfficer', { requestedAt: '2026-02-02T09:00:00+08:00', reReviewingUnitId: 'd-fq' });
        at('2026-02-03T09:00:00+08:00');
        await post('re-review/start', 'districtOfficer');
      },
      read: () => clock('re_review'),
      expect: { ruleId: 'petition.re_review', legalBasis: '信访工作条例§36', duration: 30, lastDay: '2026-03-04' },
    },
    {
      step: '§36 a hearing 02-10…02-12 is not counted: 3 days added → Sat 03-07, a rest day → Mon 03-09',
      run: async () => {
        at('2026-02-10T09:00:00+08:00');
        await post('hearings', 'districtOfficer', { hearingId: 'h-1' });
        at('2026-02-12T17:00:00+08:00');
        await post('hearings/h-1/end', 'districtOfficer', { recordRef: '听证笔录〔2026〕1号' });
      },
      read: () => clock('re_review'),
      expect: { ruleId: 'petition.re_review', duration: 33, excludedDays: 3, lastDay: '2026-03-09', shiftedFrom: '2026-03-07' },
    },
  ];

  it.each(rows.map((r, i) => [r.step, i] as const))('%s', async (_step, i) => {
    await rows[i].run();
    const got = await rows[i].read();
    const want = Object.fromEntries(Object.entries(rows[i].expect).filter(([, v]) => v !== undefined));
    expect(got).toMatchObject(want);
  });

  it('a warning and a breach are events with the rule id and the legal basis, fired by the shared scheduler', async () => {
    at('2026-03-06T09:00:00+08:00');
    const warned = await t.ctx.scheduler.tick();
    expect(warned.warned).toEqual([id]);
    at('2026-03-10T00:00:01+08:00');
    const breached = await t.ctx.scheduler.tick();
    expect(breached.breached).toEqual([id]);
    expect((await t.ctx.scheduler.tick()).breached).toEqual([]);
    const events = (await t.storedEvents()).filter((e) => e.streamId === `petition-${id}` && e.type.startsWith('Deadline'));
    expect(events.map((e) => [e.type, e.legalBasis, (e.data as LooseJson).deadline.ruleId])).toEqual([
      ['DeadlineWarned', '信访工作条例§36', 'petition.re_review'],
      ['DeadlineBreached', '信访工作条例§36', 'petition.re_review'],
    ]);
    const overdue = await t.call('GET', '/petitions/clocks', { as: 'districtOfficer' });
    expect(overdue.body.overdue).toEqual([
      expect.objectContaining({ petitionId: id, kind: 're_review', legalBasis: '信访工作条例§36', overdue: true, breached: true, daysLeft: -1 }),
    ]);
  });
});
