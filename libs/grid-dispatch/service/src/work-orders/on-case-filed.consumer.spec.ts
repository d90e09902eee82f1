import { IntakeCaseReportedV1 } from '@fengqiao/contracts';
import { newId } from '@fengqiao/kernel';
import { eventually } from '@fengqiao/testing';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';

/** Consumer `grid-dispatch.work-orders` on intake's topic, through the in-process bus of a real app. */
describe('work-orders consumer: intake CaseFiled → work order → routing', () => {
  let h: GridDispatchHarness;

  beforeAll(async () => {
    h = await GridDispatchHarness.start();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('opens the work order and dispatches it by routing (category × grid → unit), recording the rule version', async () => {
    const caseId = `c-${newId()}`;
    const [opened, dispatched] = await h.fileCase({ caseId, category: 'fire_lane_blocked', gridId: 'g-1-1-1' });
    expect(opened).toMatchObject({
      type: 'WorkOrderOpened',
      actor: { role: 'system' },
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'],
      data: { caseId, category: 'fire_lane_blocked', urgency: 'urgent', gridId: 'g-1-1-1', level: 'village', location: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'] },
    });
    // 枫溪街道 (t-1) has its own fire station: the town rule beats the district-wide one
    expect(dispatched).toMatchObject({
      type: 'CaseDispatched',
      actor: { userId: 'system:auto-routing', unitId: 'v-1-1' },
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1', 'dept-t1-xf'],
      data: { unitId: 'dept-t1-xf', timer: { step: 'accept' } },
    });
    expect((dispatched.data as { reason: string }).reason).toMatch(/^按派单规则第 1 版第 \d+ 条自动派单（类别“fire_lane_blocked”，范围：街镇 t-1）$/);
  });

  it('shows on the case detail what intake published about the report', async () => {
    const caseId = `c-${newId()}`;
    const filed = h.filedEvent({ caseId });
    const reported = {
      ...filed,
      id: newId(),
      type: IntakeCaseReportedV1.type,
      data: {
        caseId,
        channel: 'hotline',
        category: 'fire_lane_blocked',
        description: '3 幢楼道堆满杂物，消防通道堵塞',
        urgency: 'urgent',
        gridId: 'g-1-1-1',
        location: {},
        jurisdiction: filed.data.jurisdiction,
        reportedAt: filed.time,
      },
    };
    await h.deliver(reported);
    await h.deliver(reported);
    await h.fileCase({ caseId });
    const detail = await eventually(
      async () => {
        const res = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: 'op.v-1-1' });
        return res.body.report ? res : undefined;
      },
      { what: 'the report on the detail' },
    );
    expect(detail.body.report).toEqual({ channel: 'hotline', description: '3 幢楼道堆满杂物，消防通道堵塞', reportedAt: filed.time });
  });

  it('takes a grid-level rule over the village, town and district ones', async () => {
    const caseId = `c-${newId()}`;
    const [, dispatched] = await h.fileCase({ caseId, category: 'street_vending', gridId: 'g-1-1-1' });
    expect(dispatched.data).toMatchObject({ unitId: 'dept-d-cg' });
    const other = `c-${newId()}`;
    const [, elsewhere] = await h.fileCase({ caseId: other, category: 'street_vending', gridId: 'g-1-1-2' });
    expect(elsewhere.data).toMatchObject({ unitId: 'dept-t1-cg' });
  });

  it('opens a work order once when intake delivers CaseFiled twice', async () => {
    const caseId = `c-${newId()}`;
    const event = h.filedEvent({ caseId });
    await h.deliver(event);
    await h.deliver(event);
    // a third message with the same key (so the same partition, after both copies): once the
    // inbox holds it, both copies were handled (a CaseFiled under another id: the consumer claims
    // only the types it acts on, and finds the order dispatched)
    const marker = { ...event, id: newId() };
    await h.deliver(marker);
    const inbox = h.runtime.infra.inbox;
    await eventually(() => inbox.seen('grid-dispatch.work-orders', marker.id).then((done) => done || undefined), { what: 'the marker in the inbox' });
    expect(await h.types(caseId)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
    expect(await inbox.seen('grid-dispatch.work-orders', event.id)).toBe(true);
  });

  it('appends nothing when the handler runs again for the same event (a crash before the inbox was written)', async () => {
    const caseId = `c-${newId()}`;
    const event = h.filedEvent({ caseId });
    expect(await h.workOrders.onCaseFiled(event)).toMatchObject({ kind: 'dispatched', unitId: 'dept-t1-xf' });
    const first = await h.events(caseId);
    expect(await h.workOrders.onCaseFiled(event)).toEqual({ kind: 'not_filed', status: 'dispatched' });
    expect(await h.events(caseId)).toEqual(first);
  });

  it('opens and dispatches in one append: the dispatch is decided on the order the opening leads to, without reading it back', async () => {
    const caseId = `c-${newId()}`;
    const appends = jest.spyOn(h.runtime.infra.events, 'append');
    try {
      const [opened, dispatched] = await h.fileCase({ caseId });
      expect(appends.mock.calls.filter(([streamId]) => streamId.endsWith(caseId))).toHaveLength(1);
      expect(dispatched.revision).toBe(opened.revision + 1);
      expect(dispatched.globalPosition).toBe(opened.globalPosition + 1);
    } finally {
      appends.mockRestore();
    }
  });

  it('retries, never marks done, when a redelivery reads the order it found open as absent (a database restarting under it): the next one dispatches', async () => {
    const caseId = `c-${newId()}`;
    const event = h.filedEvent({ caseId });
    // an order opened and not yet routed (a crash between the two, before they were one append)
    const d = event.data;
    await h.cases.execute(caseId, {
      type: 'OpenWorkOrder',
      data: { caseId, category: d.category, urgency: d.urgency, gridId: d.gridId, level: d.level, filedAt: d.filedAt, location: d.jurisdiction },
      meta: { actor: { userId: 'grid-dispatch.work-orders', role: 'system', unitId: 'system' }, now: event.time },
    });
    // the read after "already open" comes back empty once, as a restarting database's may
    const events = h.runtime.events;
    const readStream = events.readStream;
    let found = 0;
    let blanked = 0;
    const spy = jest.spyOn(events, 'readStream').mockImplementation(async (streamId, opts) => {
      const read = await readStream(streamId, opts);
      if (streamId.endsWith(caseId) && read.length > 0 && ++found === 2 && blanked === 0) {
        blanked++;
        return [];
      }
      return read;
    });
    try {
      await expect(h.workOrders.onCaseFiled(event)).rejects.toThrow(/reads as absent/);
      expect(await h.types(caseId)).toEqual(['WorkOrderOpened']);
      // through the bus and the inbox: the failed attempt releases its claim, the retry dispatches
      await h.deliver(event);
      expect((await h.waitForEvents(caseId, 2)).map((e) => e.type)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
      expect(blanked).toBe(1);
      await eventually(() => h.runtime.infra.inbox.seen('grid-dispatch.work-orders', event.id).then((done) => done || undefined), {
        what: 'the event done in the inbox',
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('retries, never leaves it unroutable, when the routing table reads older than the version already seen', async () => {
    const caseId = `c-${newId()}`;
    expect(await h.tables.routingRules.current()).toMatchObject({ version: 1 });
    // the table's stream reads as absent once (head and events), as a restarting database's may
    const store = h.runtime.infra.events;
    const spies = [
      jest.spyOn(store, 'streamRevision').mockImplementationOnce(async () => 'no_stream'),
      jest.spyOn(store, 'readStream').mockImplementationOnce(async () => []),
    ];
    try {
      await expect(h.workOrders.onCaseFiled(h.filedEvent({ caseId }))).rejects.toThrow(/stale read/);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(await h.workOrders.onCaseFiled(h.filedEvent({ caseId }))).toMatchObject({ kind: 'dispatched', unitId: 'dept-t1-xf' });
  });

  it("leaves an unroutable case filed, in the operators' queue with no suggestion, until an operator dispatches it by hand", async () => {
    const caseId = `c-${newId()}`;
    // 陈家村 (v-2-3) has no unit for neighbour disputes in the demo routing table
    await h.fileCase({ caseId, category: 'neighbour_dispute', gridId: 'g-2-3-1' }, 1);
    expect(await h.workOrders.onCaseFiled(h.filedEvent({ caseId, category: 'neighbour_dispute', gridId: 'g-2-3-1' }))).toEqual({
      kind: 'unroutable',
      rulesVersion: 1,
    });
    expect(await h.types(caseId)).toEqual(['WorkOrderOpened']);

    const queue = await h.call('GET', '/grid-dispatch/queue?kind=dispatch&pageSize=200', { as: 'op.v-2-3' });
    expect(queue.status).toBe(200);
    const mine = queue.body.items.find((i: { caseId: string }) => i.caseId === caseId);
    expect(mine).toMatchObject({ status: 'filed', queueKind: 'dispatch', waitingFor: ['dispatch'] });
    expect(mine.suggestedUnitId).toBeUndefined();
    const board = await h.call('GET', '/grid-dispatch/board?status=filed', { as: 'op.v-2-3' });
    expect(board.body.items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);

    const res = await h.command(caseId, 'dispatch', 'op.v-2-3', { unitId: 'mc-v-2-3', reason: '调委会换届期间由村调委会临时受理' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caseId, status: 'dispatched', revision: 1, events: ['CaseDispatched'] });
    const after = await h.call('GET', '/grid-dispatch/queue?kind=dispatch&pageSize=200', { as: 'op.v-2-3' });
    expect(after.body.items.map((i: { caseId: string }) => i.caseId)).not.toContain(caseId);
  });
});
