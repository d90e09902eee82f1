import { EmbeddedReadStore, project, rebuildProjection } from '@fengqiao/read-store';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';
import { GRID_CASE_VIEW, gridCaseViewProjection } from './grid-case-view.projection';

/**
 * The read side: the case view projection (run twice), the board (filters, paging, counts,
 * jurisdiction in the query) and the work queues, over five cases of the demo district:
 *   A fire lane, g-1-1-1 (v-1-1, t-1) → dept-t1-xf, dispatched
 *   B fire lane, g-1-1-2 (v-1-1, t-1) → dept-t1-xf, accepted (in progress)
 *   C street vending, g-1-2-1 (v-1-2, t-1) → dept-t1-cg, dispatched
 *   D neighbour dispute, g-2-3-1 (v-2-3, t-2): unroutable, filed
 *   E illegal parking, g-2-1-1 (v-2-1, t-2) → dept-t2-cg, dispatched
 */
describe('read models', () => {
  let h: GridDispatchHarness;
  const ids = { A: 'case-a', B: 'case-b', C: 'case-c', D: 'case-d', E: 'case-e' };

  beforeAll(async () => {
    h = await GridDispatchHarness.start();
    await h.fileCase({ caseId: ids.A, gridId: 'g-1-1-1' });
    await h.fileCase({ caseId: ids.B, gridId: 'g-1-1-2' });
    await h.fileCase({ caseId: ids.C, gridId: 'g-1-2-1', category: 'street_vending' });
    await h.fileCase({ caseId: ids.D, gridId: 'g-2-3-1', category: 'neighbour_dispute' }, 1);
    await h.fileCase({ caseId: ids.E, gridId: 'g-2-1-1', category: 'illegal_parking' });
    expect((await h.command(ids.B, 'accept', 'dept.t1-xf')).status).toBe(200);
    await h.viewsSettled();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const board = async (as: string, query = '') => (await h.call('GET', `/grid-dispatch/board${query}`, { as })).body;
  const caseIds = (body: { items: { caseId: string }[] }) => body.items.map((i) => i.caseId).sort();
  const counts = (body: { counts: { status: string; count: number }[] }) => Object.fromEntries(body.counts.map((c) => [c.status, c.count]));

  describe('case view projection', () => {
    it('gives the same documents when run twice over the store, and the same as the live view', async () => {
      const events = await h.runtime.infra.events.readAll({ maxCount: 100_000 });
      const store = new EmbeddedReadStore({ path: ':memory:' });
      try {
        const first = await rebuildProjection(store, gridCaseViewProjection, events);
        expect(first).toMatchObject({ events: events.length, written: events.filter((e) => e.streamId.startsWith('grid-case-')).length, deleted: 0 });
        const once = await store.find(GRID_CASE_VIEW, {});
        expect(once).toHaveLength(5);

        // second run over the same events (a redelivery of everything): nothing changes
        const outcomes = [];
        for (const e of events) outcomes.push((await project(store, gridCaseViewProjection, e)).kind);
        expect(new Set(outcomes)).toEqual(new Set(['stale', 'ignored']));
        expect(await store.find(GRID_CASE_VIEW, {})).toEqual(once);

        // each event applied twice in a row (an at-least-once feed) builds the same documents
        const doubled = new EmbeddedReadStore({ path: ':memory:' });
        for (const e of events) {
          await project(doubled, gridCaseViewProjection, e);
          await project(doubled, gridCaseViewProjection, e);
        }
        expect(await doubled.find(GRID_CASE_VIEW, {})).toEqual(once);
        await doubled.close();

        // the app's view, built live as commands came in, is the same
        expect(await h.runtime.infra.readStore.find(GRID_CASE_VIEW, {})).toEqual(once);
      } finally {
        await store.close();
      }
    });
  });

  describe('board', () => {
    it("scopes by the caller's jurisdiction in the query, with counts per status", async () => {
      const village = await board('op.v-1-1');
      expect(caseIds(village)).toEqual([ids.A, ids.B]);
      expect(counts(village)).toEqual({ dispatched: 1, in_progress: 1 });
      expect(village.total).toBe(2);

      expect(caseIds(await board('op.t-1'))).toEqual([ids.A, ids.B, ids.C]);
      const district = await board('op.d');
      expect(caseIds(district)).toEqual(Object.values(ids).sort());
      expect(counts(district)).toEqual({ filed: 1, dispatched: 3, in_progress: 1 });
      expect(district.counts.find((c: { status: string }) => c.status === 'filed')).toEqual({ status: 'filed', label: '已立案', count: 1 });

      expect(caseIds(await board('audit.t-2'))).toEqual([ids.D, ids.E]);
      expect(caseIds(await board('dept.t1-xf'))).toEqual([ids.A, ids.B]);
      expect(caseIds(await board('dept.t1-cg'))).toEqual([ids.C]);
      expect(caseIds(await board('gw.g-1-1-1'))).toEqual([ids.A]);
      expect((await h.call('GET', '/grid-dispatch/board', { as: 'admin' })).status).toBe(403);
      expect((await h.call('GET', '/grid-dispatch/board')).status).toBe(401);
    });

    it('filters by status, category, grid, unit and urgency, pages, and keeps the status counts over the other filters', async () => {
      const page2 = await board('op.d', '?status=dispatched&pageSize=2&page=2');
      expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(page2.items).toHaveLength(1);
      const page1 = await board('op.d', '?status=dispatched&pageSize=2&page=1');
      expect([...caseIds(page1), ...caseIds(page2)].sort()).toEqual([ids.A, ids.C, ids.E]);
      expect(counts(page2)).toEqual({ filed: 1, dispatched: 3, in_progress: 1 });

      expect(caseIds(await board('op.d', '?status=filed,in_progress'))).toEqual([ids.B, ids.D]);
      const fire = await board('op.d', '?category=fire_lane_blocked');
      expect(caseIds(fire)).toEqual([ids.A, ids.B]);
      expect(counts(fire)).toEqual({ dispatched: 1, in_progress: 1 });
      expect(caseIds(await board('op.d', '?gridId=g-1-2-1'))).toEqual([ids.C]);
      expect(caseIds(await board('op.d', '?unitId=dept-t1-xf'))).toEqual([ids.A, ids.B]);
      expect(caseIds(await board('op.d', '?urgency=normal'))).toEqual([]);
      // a filter cannot widen the scope
      expect(caseIds(await board('op.v-1-1', '?gridId=g-1-2-1'))).toEqual([]);
      const item = (await board('op.d', '?gridId=g-1-2-1')).items[0];
      expect(item.timeline).toBeUndefined();
      expect(item.state).toBeUndefined();
      expect(item).toMatchObject({ caseId: ids.C, unitId: 'dept-t1-cg', statusLabel: '待签收', queueKind: 'accept', revision: 1, overdue: false });
    });

    it('finds the overdue cases by the current deadline at the app\'s "now", and sorts by due time', async () => {
      expect(caseIds(await board('op.d', '?overdue=true'))).toEqual([]);
      const saved = h.clock.now();
      try {
        // dispatch and acceptance fall due at 11:00; B's handling (4 working hours from 09:00) at 14:00
        h.clock.set('2026-03-02T11:30:00+08:00');
        expect(caseIds(await board('op.d', '?overdue=true'))).toEqual([ids.A, ids.C, ids.D, ids.E]);
        expect(caseIds(await board('op.d', '?overdue=false'))).toEqual([ids.B]);
        const byDue = await board('op.d', '?sort=due');
        expect(byDue.items[byDue.items.length - 1].caseId).toBe(ids.B);
        expect(byDue.items[0].overdue).toBe(true);
      } finally {
        h.clock.set(saved);
      }
    });

    it('refuses an unknown status or a bad page with a 400', async () => {
      expect(await h.call('GET', '/grid-dispatch/board?status=lost', { as: 'op.d' })).toMatchObject({
        status: 400,
        body: { code: 'GRID_DISPATCH.INVALID_STATUS' },
      });
      expect(await h.call('GET', '/grid-dispatch/board?pageSize=1000', { as: 'op.d' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(await h.call('GET', '/grid-dispatch/board?overdue=maybe', { as: 'op.d' })).toMatchObject({ status: 400 });
    });
  });

  describe('work queue', () => {
    it('gives a unit what waits for it, and a centre what waits for the centre, in its jurisdiction', async () => {
      const dept = (await h.call('GET', '/grid-dispatch/queue', { as: 'dept.t1-xf' })).body;
      expect(dept.items.map((i: { caseId: string; waitingFor: string[] }) => [i.caseId, i.waitingFor]).sort()).toEqual([
        [ids.A, ['accept']],
        [ids.B, ['handle']],
      ]);
      expect(Object.fromEntries(dept.counts.map((c: { kind: string; count: number }) => [c.kind, c.count]))).toEqual({ accept: 1, handle: 1 });

      expect((await h.call('GET', '/grid-dispatch/queue', { as: 'op.v-1-1' })).body.items).toEqual([]);
      const centre = (await h.call('GET', '/grid-dispatch/queue', { as: 'op.t-2' })).body;
      expect(centre.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.D]);
      expect(centre.counts).toEqual([{ kind: 'dispatch', label: '待派单', count: 1 }]);
      expect((await h.call('GET', '/grid-dispatch/queue', { as: 'op.t-1' })).body.items).toEqual([]);
      expect((await h.call('GET', '/grid-dispatch/queue', { as: 'audit.d' })).body).toMatchObject({ items: [], total: 0 });
      expect((await h.call('GET', '/grid-dispatch/queue?kind=accept', { as: 'dept.t1-xf' })).body.items.map((i: { caseId: string }) => i.caseId)).toEqual([
        ids.A,
      ]);
      expect(await h.call('GET', '/grid-dispatch/queue?kind=nothing', { as: 'op.d' })).toMatchObject({ status: 400 });
    });
  });
});
