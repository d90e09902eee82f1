import { Bus, fromCloudEventMessage, Subscription, toCloudEventMessage } from '@fengqiao/bus';
import { CalendarNoticesPublishedV1, IntegrationEvent, topics, validateIntegrationEvent, WORK_ORDER_EVENTS, WorkOrderEventData } from '@fengqiao/contracts';
import { calendarVersionOf, newId, SHIPPED_CALENDAR_NOTICES } from '@fengqiao/kernel';
import { BUS, fromCloudEvent, toCloudEvent } from '@fengqiao/platform';
import { eventually } from '@fengqiao/testing';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';
import { StoredEvent } from '@fengqiao/event-store';
import { WorkOrderPublisher } from './publish.mapper';

/**
 * What grid-dispatch publishes on grid-dispatch.case.events.v1: every work-order event, as the
 * relay of a running app puts it on the bus, is a valid snapshot integration event; the rule
 * tables stay private.
 */
describe('publishing grid-dispatch events', () => {
  let h: GridDispatchHarness;
  let subscription: Subscription;
  const received: IntegrationEvent<WorkOrderEventData>[] = [];

  beforeAll(async () => {
    h = await GridDispatchHarness.start();
    const bus = h.app.get<Bus>(BUS, { strict: false });
    subscription = await bus.subscribe({
      groupId: 'test.published',
      topics: [topics.gridDispatchCase],
      handler: async (message) => {
        received.push(validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(message))) as IntegrationEvent<WorkOrderEventData>);
      },
    });
  }, 60_000);

  afterAll(async () => {
    await subscription?.close();
    await h?.close();
  });

  const ok = async (caseId: string, command: string, as: string, body: unknown = {}) => {
    const res = await h.command(caseId, command, as, body);
    if (res.status !== 200) throw new Error(`${command}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const OP = 'op.v-1-1';
  const DEPT = 'dept.t1-xf';

  it('publishes every kind of work-order event as a valid snapshot, in order per case', async () => {
    // a: objection upheld and rejected, extension denied and granted, suspension, rework, supervision, the whole way to archive
    const a = `c-${newId()}`;
    await h.fileCase({ caseId: a });
    await ok(a, 'object', DEPT, { reason: '非本单位职责' });
    await ok(a, 'rule-objection', OP, { decision: 'rejected', reason: '属本单位职责' });
    await ok(a, 'object', DEPT, { reason: '仍非本单位职责' });
    await ok(a, 'rule-objection', OP, { decision: 'upheld', newUnitId: 'dept-d-xf', reason: '改派' });
    await ok(a, 'accept', 'dept.d-xf');
    await ok(a, 'progress', 'dept.d-xf', { note: '已到现场' });
    await ok(a, 'request-extension', 'dept.d-xf', { duration: 1, unit: 'working_days', reason: '需协调' });
    await ok(a, 'rule-extension', OP, { decision: 'denied', reason: '时限内可完成' });
    await ok(a, 'request-extension', 'dept.d-xf', { duration: 1, unit: 'working_days', reason: '确需协调' });
    await ok(a, 'rule-extension', OP, { decision: 'granted', reason: '同意' });
    await ok(a, 'suspend', OP, { reason: '待业委会决议' });
    await ok(a, 'resume', OP);
    await ok(a, 'supervise', OP, { opinion: '请加快' });
    const supervisionId = (await h.call('GET', `/grid-dispatch/cases/${a}`, { as: OP })).body.supervisions[0].supervisionId;
    await ok(a, 'answer-supervision', 'dept.d-xf', { supervisionId, answer: '正在处置' });
    await ok(a, 'escalate', OP, { reason: '需街道协调' });
    await ok(a, 'feedback', 'dept.d-xf', { result: '已清理' });
    await ok(a, 'verify', 'op.v-1-1', { result: 'fail', findings: '仍有杂物' });
    await ok(a, 'feedback', 'dept.d-xf', { result: '已全部清理' });
    await ok(a, 'verify', OP, { result: 'pass', findings: '畅通' });
    await ok(a, 'close', OP, { summary: '已办结' });
    await ok(a, 'reopen', OP, { reason: '再次堵塞' });
    await ok(a, 'dispatch', OP, { unitId: 'dept-t1-xf' });
    // b: merged; c: referred; d: deadlines warned and breached
    const b = `c-${newId()}`;
    await h.fileCase({ caseId: b });
    await ok(b, 'merge', OP, { duplicateOf: a });
    const c = `c-${newId()}`;
    await h.fileCase({ caseId: c });
    await ok(c, 'refer', OP, { target: 'petitions', reason: '涉及信访事项' });
    const e = `c-${newId()}`;
    await h.fileCase({ caseId: e });
    await ok(e, 'accept', DEPT);
    await ok(e, 'feedback', DEPT, { result: '已处置' });
    await ok(e, 'verify', OP, { result: 'pass', findings: '属实' });
    await ok(e, 'close', OP, { summary: '办结' });
    await ok(e, 'callback', OP, { rating: 4, satisfied: true, comment: '满意' });
    await ok(e, 'archive', OP);
    const d = `c-${newId()}`;
    await h.fileCase({ caseId: d });
    h.clock.set('2026-03-02T10:10:00+08:00');
    await h.scheduler!.tick();
    h.clock.set('2026-03-02T11:10:00+08:00');
    await h.scheduler!.tick();
    // f: a corrected 2026 notice (a made-up day off on Mon 03-02) moves f's accept deadline: DeadlineRevised
    const f = `c-${newId()}`;
    await h.fileCase({ caseId: f });
    const notices = SHIPPED_CALENDAR_NOTICES.map((n) =>
      n.year === 2026 ? { ...n, periods: [...n.periods, { name: '测试', from: '2026-03-02', to: '2026-03-02' }] } : n,
    );
    const table: IntegrationEvent = {
      id: newId(),
      type: CalendarNoticesPublishedV1.type,
      source: '/fengqiao/calendar',
      subject: 'calendar-notices',
      time: h.clock.now().toISOString(),
      correlationId: newId(),
      causationId: newId(),
      data: {
        version: 2,
        calendarVersion: calendarVersionOf(notices, 2),
        notices,
        changed: { region: 'CN', year: 2026 },
        by: 'admin',
        at: h.clock.now().toISOString(),
      },
    };
    await h.app.get<Bus>(BUS, { strict: false }).publish(topics.calendarNotices, [toCloudEventMessage(toCloudEvent(table), table.subject)]);
    await h.waitForEvents(f, 3);

    const stored = (await h.runtime.infra.events.readAll({ maxCount: 100_000 })).filter((s) => s.streamId.startsWith('grid-case-'));
    expect(new Set(stored.map((s) => s.type))).toEqual(new Set(Object.keys(WORK_ORDER_EVENTS)));
    await eventually(() => (received.length >= stored.length ? true : undefined), { what: 'every event on the bus' });
    expect(received.map((r) => r.id)).toEqual(expect.arrayContaining(stored.map((s) => s.id)));
    expect(received).toHaveLength(stored.length); // the rule tables are not published

    for (const caseId of [a, b, c, d, e, f]) {
      const mine = stored.filter((s) => s.data['caseId'] === caseId).map((s) => s.id);
      expect(received.filter((r) => r.subject === caseId).map((r) => r.id)).toEqual(mine);
    }
    const byId = new Map(received.map((r) => [r.id, r]));
    const of = (caseId: string, event: string) => stored.filter((s) => s.data['caseId'] === caseId && s.type === event).map((s) => byId.get(s.id)!.data);
    expect(of(a, 'CaseDispatched')[0]).toMatchObject({
      status: 'dispatched',
      unitId: 'dept-t1-xf',
      step: 'accept',
      level: 'village',
      category: 'fire_lane_blocked',
      gridId: 'g-1-1-1',
    });
    expect(of(a, 'ObjectionUpheld')[0]).toMatchObject({
      status: 'dispatched',
      unitId: 'dept-d-xf',
      text: '改派',
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1', 'dept-d-xf'],
    });
    expect(of(a, 'SupervisionIssued')[0]).toMatchObject({ supervised: 1, text: '请加快' });
    expect(of(a, 'SupervisionAnswered')[0]).toMatchObject({ text: '正在处置' });
    expect(of(a, 'SupervisionAnswered')[0].supervised).toBeUndefined();
    expect(of(a, 'Escalated')[0]).toMatchObject({ level: 'town' });
    expect(of(a, 'ReworkOrdered')[0]).toMatchObject({ status: 'in_progress', step: 'handle', text: '仍有杂物' });
    expect(of(a, 'CaseReopened')[0]).toMatchObject({ status: 'reopened', unitId: null, step: 'dispatch' });
    expect(of(b, 'CaseMerged')[0]).toMatchObject({ status: 'merged_duplicate', duplicateOf: a, step: null, dueAt: null });
    expect(of(c, 'CaseReferred')[0]).toMatchObject({ referredTo: 'petitions', status: 'referred' });
    expect(of(e, 'CallbackRecorded')[0]).toMatchObject({ rating: 4, text: '满意', status: 'callback_done' });
    expect(of(d, 'DeadlineWarned')[0]).toMatchObject({ status: 'dispatched', step: 'accept', actor: { role: 'system' } });
    expect(of(d, 'Escalated')[0]).toMatchObject({ level: 'town' });
    const first = received.find((r) => r.data.event === 'WorkOrderOpened')!;
    expect(first).toMatchObject({ type: 'cn.fengqiao.grid-dispatch.case.opened.v1', source: '/fengqiao/grid-dispatch' });
  }, 60_000);

  it('keeps the rule tables private, stores no snapshot on events, and publishes from the folded stream alike with or without a cache', async () => {
    const events = h.runtime.infra.events;
    const [published] = await events.readStream('routing-rules');
    expect(published.type).toBe('RoutingRulesPublished');
    expect(await new WorkOrderPublisher().publish(published, { events })).toBeNull();

    const stored = (await events.readAll({ maxCount: 100_000 })).filter((s) => s.streamId.startsWith('grid-case-'));
    expect(stored.filter((s) => 'after' in s.data)).toEqual([]); // facts only: no view state in stored events
    const byId = new Map(received.map((r) => [r.id, r]));
    // a fresh publisher (after a restart) folds the stream from the store for any event, in any order
    for (const s of [...stored].reverse().slice(0, 40)) {
      expect(await new WorkOrderPublisher().publish(s, { events })).toEqual(byId.get(s.id));
    }
  });

  it('reads nothing for a stream’s first event (it starts from the initial state), nor for an event whose predecessor it published', async () => {
    const events = h.runtime.infra.events;
    const stored = (await events.readAll({ maxCount: 100_000 })).filter((s) => s.streamId.startsWith('grid-case-'));
    const caseStream = stored.filter((s) => s.streamId === stored[0].streamId);
    expect(caseStream.length).toBeGreaterThan(1);
    const reads: string[] = [];
    const counted = { readStream: (id: string, o?: { maxCount?: number }) => (reads.push(id), events.readStream(id, o)) } as unknown as typeof events;
    const publisher = new WorkOrderPublisher();
    const byId = new Map(received.map((r) => [r.id, r]));
    for (const e of caseStream) expect(await publisher.publish(e, { events: counted })).toEqual(byId.get(e.id));
    expect(reads).toEqual([]);
    // a later event without its predecessor published (a restart) still reads the stream
    expect(await new WorkOrderPublisher().publish(caseStream[1], { events: counted })).toEqual(byId.get(caseStream[1].id));
    expect(reads).toEqual([caseStream[1].streamId]);
  });

  it('publishes events stored before the clean-up (with the old data.after snapshot) from the stream, not from the snapshot', async () => {
    const events = h.runtime.infra.events;
    const stream = (await events.readAll({ maxCount: 100_000 })).filter((s) => s.streamId.startsWith('grid-case-'));
    const caseStream = stream.filter((s) => s.streamId === stream[0].streamId);
    const legacy: StoredEvent[] = caseStream.map((s) => ({
      ...s,
      data: { ...s.data, after: { status: 'bogus', unitId: 'nowhere', step: null, dueAt: null, supervised: 9 } },
    }));
    // WorkOrderOpened of that time carried no location: it comes from the envelope's jurisdiction
    delete (legacy[0].data as Record<string, unknown>)['location'];
    const old = { readStream: async (id: string, o?: { maxCount?: number }) => legacy.filter((e) => e.streamId === id).slice(0, o?.maxCount) };
    const publisher = new WorkOrderPublisher();
    const byId = new Map(received.map((r) => [r.id, r]));
    for (const e of legacy) expect(await publisher.publish(e, { events: old as unknown as typeof events })).toEqual(byId.get(e.id));
  });
});
