import { newId } from '@fengqiao/kernel';
import { eventually } from '@fengqiao/testing';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';
import { GRID_CASE_VIEW, GridCaseView } from '../read-models/grid-case-view.projection';

/**
 * The deadline scheduler of a running app, with the demo deadline table: a blocked fire lane
 * (urgent) dispatched at 09:00 on Monday 2 March 2026 must be accepted within 2 working hours
 * (warning 1 hour before), then handled within 4 working hours (warning 1 hour before). The test
 * moves the app's clock instead of waiting.
 */
describe('deadline scheduler', () => {
  let h: GridDispatchHarness;

  beforeAll(async () => {
    h = await GridDispatchHarness.start({ timerIntervalMs: 100 });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  /** waits for `n` more completed scheduler ticks */
  async function ticks(n: number): Promise<void> {
    const from = h.scheduler!.status().ticks;
    await eventually(() => (h.scheduler!.status().ticks >= from + n ? true : undefined), { what: `${n} scheduler ticks` });
  }

  it('warns, breaches and escalates as the clock passes the deadlines, and does it once across restarts', async () => {
    const caseId = `c-${newId()}`;
    const [, dispatched] = await h.fileCase({ caseId, category: 'fire_lane_blocked', urgency: 'urgent', gridId: 'g-1-1-1' });
    expect(dispatched.data).toMatchObject({
      timer: { timerId: 'accept-2', step: 'accept', deadline: { warnAt: '2026-03-02T02:00:00.000Z', dueAt: '2026-03-02T03:00:00.000Z' } },
    });

    // before the warning: nothing
    h.clock.set('2026-03-02T09:59:00+08:00');
    await ticks(2);
    expect(await h.types(caseId)).toEqual(['WorkOrderOpened', 'CaseDispatched']);

    h.clock.set('2026-03-02T10:05:00+08:00');
    const warned = await h.waitForEvents(caseId, 3);
    expect(warned[2]).toMatchObject({
      type: 'DeadlineWarned',
      actor: { userId: 'grid-dispatch.scheduler', role: 'system' },
      occurredAt: '2026-03-02T02:05:00.000Z',
      data: { timerId: 'accept-2', step: 'accept', warnAt: '2026-03-02T02:00:00.000Z', dueAt: '2026-03-02T03:00:00.000Z' },
    });
    await ticks(3);
    expect(await h.types(caseId)).toHaveLength(3); // a second warning is not recorded

    h.clock.set('2026-03-02T11:05:00+08:00');
    const breached = await h.waitForEvents(caseId, 5);
    expect(breached.slice(3)).toMatchObject([
      { type: 'DeadlineBreached', data: { timerId: 'accept-2', step: 'accept', dueAt: '2026-03-02T03:00:00.000Z' } },
      { type: 'Escalated', data: { from: 'village', to: 'town', cause: 'deadline_breached', timerId: 'accept-2' } },
    ]);
    await h.viewsSettled();
    const board = await h.call('GET', '/grid-dispatch/board?overdue=true&pageSize=200', { as: 'op.t-1' });
    expect(board.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({
      overdue: true,
      level: 'town',
      breachCount: 1,
      timer: { breached: true },
    });

    // a restart at the same time finds nothing left to do
    await h.restart();
    await ticks(3);
    expect(await h.types(caseId)).toHaveLength(5);

    // the unit accepts late; the handling clock (4 working hours from 11:05) runs while the app is down
    expect((await h.command(caseId, 'accept', 'dept.t1-xf')).status).toBe(200);
    const [accepted] = (await h.events(caseId)).slice(-1);
    expect(accepted.data).toMatchObject({
      timer: { timerId: 'handle-3', deadline: { warnAt: '2026-03-02T07:05:00.000Z', dueAt: '2026-03-02T08:05:00.000Z' } },
    });
    await h.restart(() => h.clock.set('2026-03-02T16:10:00+08:00'));
    // recomputed from the read model at start: the breach (no late warning) and the escalation to the district
    const again = await h.waitForEvents(caseId, 8);
    expect(again.slice(6).map((e) => [e.type, e.data['timerId'], e.data['to']])).toEqual([
      ['DeadlineBreached', 'handle-3', undefined],
      ['Escalated', 'handle-3', 'district'],
    ]);
    await h.restart();
    await ticks(3);
    expect(await h.types(caseId)).toEqual([
      'WorkOrderOpened',
      'CaseDispatched',
      'DeadlineWarned',
      'DeadlineBreached',
      'Escalated',
      'DispatchAccepted',
      'DeadlineBreached',
      'Escalated',
    ]);

    // the timeline marks the deadline steps
    await h.viewsSettled();
    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: 'op.d' });
    const marks = (detail.body.timeline as { type: string; deadline?: { kind: string; timerId: string }; escalation?: { to: string } }[])
      .filter((e) => e.deadline || e.escalation)
      .map((e) => (e.deadline ? `${e.deadline.kind}:${e.deadline.timerId}` : `escalated:${e.escalation!.to}`));
    expect(marks).toEqual([
      'started:dispatch-1',
      'started:accept-2',
      'warned:accept-2',
      'breached:accept-2',
      'escalated:town',
      'started:handle-3',
      'breached:handle-3',
      'escalated:district',
    ]);
    expect(detail.body).toMatchObject({ level: 'district', breachCount: 2 });
    // nothing left for the scheduler: the view's next-timer field (the server's own, not in the API) is empty
    const view = await h.runtime.infra.readStore.get<GridCaseView>(GRID_CASE_VIEW, caseId);
    expect(view).toMatchObject({ nextTimerAtMs: null, nextTimerBucket: null });
    expect(detail.body).not.toHaveProperty('nextTimerAtMs');

    // /health shows the projector's position and the scheduler's ticks
    const health = await h.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.info['grid-dispatch.views']).toMatchObject({
      status: 'up',
      projector: { failures: 0 },
      scheduler: { lastTickAt: '2026-03-02T08:10:00.000Z', lastFailed: 0 },
    });
    expect(health.body.info['grid-dispatch.views'].projector.position).toBeGreaterThan(0);
  }, 60_000);

  it('a repeated WarnDeadline or BreachDeadline decides nothing', async () => {
    const caseId = `c-${newId()}`;
    h.clock.set('2026-03-03T09:00:00+08:00');
    await h.fileCase({ caseId });
    h.clock.set('2026-03-03T11:30:00+08:00');
    await h.waitForEvents(caseId, 4);
    const before = await h.events(caseId);
    const timerId = before[1].data['timer'] as { timerId: string };
    const system = { userId: 'grid-dispatch.scheduler', role: 'system' as const, unitId: 'system' };
    for (const type of ['WarnDeadline', 'BreachDeadline'] as const) {
      const res = await h.cases.execute(caseId, {
        type,
        data: { caseId, timerId: timerId.timerId },
        meta: { actor: system, now: h.clock.now().toISOString() },
      });
      expect(res.events).toEqual([]);
    }
    expect(await h.events(caseId)).toEqual(before);
  }, 30_000);
});
