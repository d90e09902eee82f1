import { StoredEvent } from '@fengqiao/event-store';
import { GridCaseReportEvent } from '@fengqiao/intake-domain';
import { gridDispatchEvent } from '../testing/intake-test-app';
import { EmbeddedReadStore } from '@fengqiao/read-store';
import { recordUpserts, type RecordedUpsert } from '@fengqiao/read-store/testing';
import { CASE_VIEW, CaseView, evolveDispatch, evolveReport } from './case-view';
import { caseView } from './case-view.projector';
import { mutateCaseView } from './case-view.store';
import type { ContextRuntime } from '@fengqiao/platform';
import { applyGridDispatchEvent, applyGridDispatchEvents } from '../on-grid-dispatch-event/on-grid-dispatch-event.consumer';

const caseId = 'case-1';
const operator = { userId: 'u-op', role: 'operator' as const, unitId: 'v-1-1' };
const path = ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'];
let position = 0;

function stored(revision: number, event: GridCaseReportEvent, jurisdiction = path): StoredEvent {
  position += 1;
  return {
    id: `e-${revision}`,
    type: event.type,
    schemaVersion: 1,
    streamId: `grid-case-report-${caseId}`,
    revision,
    globalPosition: position,
    occurredAt: event.data.at,
    recordedAt: event.data.at,
    actor: operator,
    correlationId: 'c',
    causationId: 'c',
    jurisdiction,
    hash: 'h',
    data: event.data as unknown as Record<string, unknown>,
  };
}

const history: StoredEvent[] = [
  stored(
    0,
    {
      type: 'CaseReported',
      data: {
        caseId,
        actor: operator,
        at: '2025-03-03T01:00:00.000Z',
        channel: 'hotline',
        category: 'garbage_overflow',
        description: '垃圾',
        location: { address: '无名路' },
        urgency: 'normal',
        reporter: { anonymous: false, name: '张三', phone: '13800000000' },
        attachments: [],
        gridId: null,
      },
    },
    ['d-fq', 't-1'],
  ),
  stored(1, { type: 'CaseAccepted', data: { caseId, actor: operator, at: '2025-03-03T01:05:00.000Z' } }, ['d-fq', 't-1']),
  stored(2, {
    type: 'CaseFiled',
    data: {
      caseId,
      actor: operator,
      at: '2025-03-03T01:10:00.000Z',
      level: 'town',
      category: 'garbage_overflow',
      urgency: 'urgent',
      gridId: 'g-1-1-1',
      location: { address: '无名路' },
      channel: 'hotline',
    },
  }),
];

const fold = (events: StoredEvent[], from: CaseView | null = null): CaseView | null =>
  events.reduce<CaseView | null>((doc, e) => evolveReport(doc, e) ?? doc, from);

describe('case view: report feed', () => {
  it("follows the report stream: unlocated until filed with a grid, then the grid's path", () => {
    const afterReport = fold(history.slice(0, 1))!;
    expect(afterReport).toMatchObject({
      status: 'reported',
      unlocated: true,
      gridId: null,
      jurisdiction: ['d-fq', 't-1'],
      reportRevision: 0,
      open311Status: 'open',
    });
    const view = fold(history)!;
    expect(view).toMatchObject({
      status: 'filed',
      unlocated: false,
      gridId: 'g-1-1-1',
      urgency: 'urgent',
      level: 'town',
      jurisdiction: path,
      reportRevision: 2,
      acceptedAt: '2025-03-03T01:05:00.000Z',
      filedAt: '2025-03-03T01:10:00.000Z',
      updatedAt: '2025-03-03T01:10:00.000Z',
      reporter: { anonymous: false, name: '张三', phone: '13800000000' },
    });
  });

  it('run twice: applying the whole stream again changes nothing, and every event alone is a no-op', () => {
    const once = fold(history)!;
    expect(fold(history, once)).toEqual(once);
    for (const e of history) expect(evolveReport(once, e)).toBeNull();
  });

  it('ignores events of other kinds', () => {
    expect(evolveReport(null, { ...history[0], type: 'SomethingElse' })).toBeNull();
  });
});

describe('case view: grid-dispatch feed', () => {
  const filed = fold(history)!;
  const dispatched = gridDispatchEvent(
    'CaseDispatched',
    {
      caseId,
      status: 'dispatched',
      at: '2025-03-03T02:00:00.000Z',
      jurisdiction: [...path, 'dept-d-cg'],
      unitId: 'dept-d-cg',
      dueAt: '2025-03-04T02:00:00.000Z',
    },
    'gd-1',
  );
  const closed = gridDispatchEvent(
    'CaseClosed',
    { caseId, status: 'closed', at: '2025-03-05T02:00:00.000Z', jurisdiction: [...path, 'dept-d-cg'], unitId: 'dept-d-cg' },
    'gd-2',
  );

  it('records status, unit and due time; the handling unit joins the jurisdiction', () => {
    const view = evolveDispatch(filed, dispatched)!;
    expect(view.dispatch).toMatchObject({ status: 'dispatched', unitId: 'dept-d-cg', dueAt: '2025-03-04T02:00:00.000Z', eventIds: ['gd-1'] });
    expect(view.jurisdiction).toEqual([...path, 'dept-d-cg']);
    expect(view.open311Status).toBe('open');
    const done = evolveDispatch(view, closed)!;
    expect(done).toMatchObject({ open311Status: 'closed', closedAt: '2025-03-05T02:00:00.000Z', updatedAt: '2025-03-05T02:00:00.000Z' });
  });

  it('run twice: the same events again change nothing; an older event changes nothing', () => {
    const once = [dispatched, closed].reduce<CaseView>((v, e) => evolveDispatch(v, e) ?? v, filed);
    expect(evolveDispatch(once, dispatched)).toBeNull();
    expect(evolveDispatch(once, closed)).toBeNull();
    const older = gridDispatchEvent('DispatchAccepted', { caseId, status: 'in_progress', at: '2025-03-04T00:00:00.000Z', jurisdiction: path }, 'gd-0');
    expect(evolveDispatch(once, older)).toBeNull();
  });

  it('the report feed after the dispatch feed keeps the dispatch progress (feeds in any order)', () => {
    const early = evolveDispatch(null, dispatched)!;
    expect(early).toMatchObject({ status: null, open311Status: null });
    const view = fold(history, early)!;
    expect(view).toMatchObject({ status: 'filed', open311Status: 'open', dispatch: { status: 'dispatched' }, jurisdiction: [...path, 'dept-d-cg'] });
  });
});

describe('case view projector: a case’s events of one pass in one write (applyRun)', () => {
  let store: EmbeddedReadStore;
  let writes: RecordedUpsert[];
  beforeEach(() => {
    store = new EmbeddedReadStore({ path: ':memory:' });
    writes = recordUpserts(store);
  });
  afterEach(() => store.close());

  it('writes the report, acceptance and filing once, as the document of three single applications', async () => {
    expect(await caseView.applyRun!(store, history)).toBe(true);
    expect(writes).toHaveLength(1);
    const single = new EmbeddedReadStore({ path: ':memory:' });
    try {
      for (const e of history) await caseView.apply(single, e);
      expect(await store.get(CASE_VIEW, caseId)).toEqual({ ...(await single.get(CASE_VIEW, caseId)), _revision: 1 });
    } finally {
      await single.close();
    }
    // run twice: nothing left to write
    expect(await caseView.applyRun!(store, history)).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it('leaves events of two cases to one-by-one application, and passes over events it does not use', async () => {
    const other = { ...history[1], data: { ...history[1].data, caseId: 'case-2' } };
    expect(await caseView.applyRun!(store, [history[0], other])).toBe(false);
    expect(await caseView.applyRun!(store, [{ ...history[0], type: 'SomethingElse' }])).toBe(true);
    expect(writes).toHaveLength(0);
  });
});

describe('case-status consumer: a case’s grid-dispatch events that came together (handleRun)', () => {
  const event = (name: 'CaseDispatched' | 'CaseClosed', at: string, id: string) =>
    gridDispatchEvent(
      name,
      { caseId, status: name === 'CaseClosed' ? 'closed' : 'dispatched', at, jurisdiction: [...path, 'dept-d-cg'], unitId: 'dept-d-cg' },
      id,
    );
  const run = [event('CaseDispatched', '2025-03-03T02:00:00.000Z', 'gd-1'), event('CaseClosed', '2025-03-05T02:00:00.000Z', 'gd-2')];
  const stores: EmbeddedReadStore[] = [];
  const filedStore = async () => {
    const store = new EmbeddedReadStore({ path: ':memory:' });
    stores.push(store);
    await mutateCaseView(store, caseId, () => fold(history));
    return { store, runtime: { infra: { readStore: store } } as unknown as Pick<ContextRuntime, 'infra'> };
  };
  afterEach(() => Promise.all(stores.splice(0).map((s) => s.close())));

  it('writes the case view once, as the events one by one would leave it', async () => {
    const [together, alone] = [await filedStore(), await filedStore()];
    const writes = recordUpserts(together.store);
    expect(await applyGridDispatchEvents(together.runtime, run)).toBe(true);
    for (const e of run) await applyGridDispatchEvent(alone.runtime, e);
    expect(writes).toHaveLength(1);
    const { _revision: _a, ...a } = (await together.store.get<CaseView>(CASE_VIEW, caseId))!;
    const { _revision: _b, ...b } = (await alone.store.get<CaseView>(CASE_VIEW, caseId))!;
    expect(a).toEqual(b);
    expect(a).toMatchObject({ dispatch: { status: 'closed', eventIds: ['gd-1', 'gd-2'] } });
    // run twice: nothing to write
    expect(await applyGridDispatchEvents(together.runtime, run)).toBe(false);
    expect(writes).toHaveLength(1);
  });

  it('applies events of several cases one by one', async () => {
    const { store, runtime } = await filedStore();
    const other = gridDispatchEvent('CaseDispatched', { caseId: 'case-2', status: 'dispatched', at: '2025-03-03T02:00:00.000Z', jurisdiction: path }, 'gd-3');
    expect(await applyGridDispatchEvents(runtime, [run[0], other])).toBe(true);
    expect((await store.get<CaseView>(CASE_VIEW, caseId))?.dispatch?.status).toBe('dispatched');
    expect(await store.get(CASE_VIEW, 'case-2')).not.toBeNull();
  });
});
