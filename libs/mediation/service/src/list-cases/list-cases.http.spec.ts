import { MediationCases } from '../application/mediation-cases';
import { caseIn } from '../testing/case-driver';
import { MediationTestApp, startMediationTestApp } from '../testing/mediation-test-app';
import { weekOf } from './desk-queries';

/** The committee's desk: my cases, the committee's by state, the work queues, the figures; and the deadline timers. */
describe('the committee desk (GET /mediation/cases, /mediation/figures) and mediation deadlines', () => {
  let t: MediationTestApp;
  beforeAll(async () => {
    t = await startMediationTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const ids = async (query: string, as: 'mediator11' | 'mediator12' | 'auditorDistrict' = 'mediator11') => {
    const res = await t.call('GET', `/mediation/cases${query}`, { as });
    expect(res.status).toBe(200);
    return (res.body.items as { caseId: string }[]).map((i) => i.caseId).sort();
  };

  it('lists by state and queue, mine and the committee’s, inside the jurisdiction only', async () => {
    const waiting = await caseIn(t, 'mc-v-1-1', 'consent_pending');
    const registered = await caseIn(t, 'mc-v-1-1', 'registered');
    const mediating = await caseIn(t, 'mc-v-1-1', 'mediating');
    const effective = await caseIn(t, 'mc-v-1-1', 'effective');
    const elsewhere = await caseIn(t, 'mc-v-1-2', 'consent_pending');
    expect(await ids('?queue=waiting_consent')).toEqual([waiting.caseId, registered.caseId].sort());
    expect(await ids('?queue=waiting_consent', 'mediator12')).toEqual([elsewhere.caseId]);
    expect(await ids('?status=mediating')).toEqual([mediating.caseId]);
    expect(await ids('?scope=mine')).toEqual([mediating.caseId, effective.caseId].sort());
    expect(await ids('?queue=session_this_week')).toEqual([mediating.caseId, effective.caseId].sort());
    expect(await ids('?queue=agreement_without_performance')).toEqual([effective.caseId]);
    expect(await ids('?queue=confirmation_due_soon')).toEqual([]);
    const bad = await t.call('GET', '/mediation/cases?queue=someday', { as: 'mediator11' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0].field).toBe('queue');

    // 26 days later the judicial-confirmation window (30 days) closes within 5 days; next week no session is "this week"
    t.clock.advance(26 * 24 * 3600_000);
    expect(await ids('?queue=confirmation_due_soon')).toEqual([effective.caseId]);
    expect(await ids('?queue=session_this_week')).toEqual([]);
    t.clock.advance(-26 * 24 * 3600_000);

    const figures = await t.call('GET', '/mediation/figures', { as: 'mediator11' });
    expect(figures.body).toMatchObject({ registered: 4, taken: 2, settled: 1, successRate: 50, declined: 0, terminated: 0 });
    const district = await t.call('GET', '/mediation/figures', { as: 'auditorDistrict' });
    expect(district.body).toMatchObject({ registered: 5, taken: 2, settled: 1 });
  });

  it('weeks start on Monday 00:00 China time', () => {
    const { fromMs, toMs } = weekOf(Date.parse('2025-03-05T12:00:00+08:00'));
    expect(new Date(fromMs).toISOString()).toBe('2025-03-02T16:00:00.000Z');
    expect(new Date(toMs).toISOString()).toBe('2025-03-09T16:00:00.000Z');
  });

  it('warns 5 days before the mediation duration runs out and records the breach, once, through the shared scheduler', async () => {
    const c = await caseIn(t, 'mc-v-1-2', 'mediating');
    const scheduler = t.service.app.get(MediationCases).scheduler;
    const got = await t.call('GET', `/mediation/cases/${c.caseId}`, { as: 'mediator12' });
    const due = Date.parse(got.body.mediationDeadline.deadline.dueAt);
    const stream = async () => (await t.storedEvents()).filter((e) => e.streamId === `mediation-${c.caseId}`).map((e) => e.type);

    t.clock.set(new Date(due - 4 * 24 * 3600_000));
    expect((await scheduler.tick()).warned).toContain(c.caseId);
    expect((await scheduler.tick()).warned).not.toContain(c.caseId);
    t.clock.set(new Date(due + 1000));
    expect((await scheduler.tick()).breached).toContain(c.caseId);
    await scheduler.tick();
    expect((await stream()).filter((type) => type.startsWith('Deadline'))).toEqual(['DeadlineWarned', 'DeadlineBreached']);
    expect(await ids('?queue=overdue', 'mediator12')).toEqual([c.caseId]);
  });
});
