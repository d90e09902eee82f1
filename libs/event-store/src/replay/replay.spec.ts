import { assertNever, FixedClock, newId, type Actor } from '@fengqiao/kernel';
import type { NewEvent } from '../event-store.port';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { UpcasterRegistry } from '../upcasting/upcaster-registry';
import { Replayer, type Evolver } from './replay';

// A small test decider's evolve: a mediation-like case.
type CaseState =
  | { status: 'none' }
  | { status: 'registered'; parties: string[] }
  | { status: 'mediating'; parties: string[]; mediator: string }
  | { status: 'agreement_reached'; parties: string[]; mediator: string; terms: string };

type CaseEvent =
  | { type: 'MediationRegistered'; data: { parties: string[] } }
  | { type: 'MediatorAssigned'; data: { mediator: string } }
  | { type: 'AgreementReached'; data: { terms: string }; legalBasis?: string };

const evolver: Evolver<CaseState, CaseEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    switch (event.type) {
      case 'MediationRegistered':
        return { status: 'registered', parties: event.data.parties };
      case 'MediatorAssigned':
        return state.status === 'registered' ? { ...state, status: 'mediating', mediator: event.data.mediator } : state;
      case 'AgreementReached':
        return state.status === 'mediating' ? { ...state, status: 'agreement_reached', terms: event.data.terms } : state;
      default:
        return assertNever(event, 'event');
    }
  },
};

const clerk: Actor = { userId: 'clerk-1', role: 'mediator', unitId: 'committee-1' };
const mediator: Actor = { userId: 'mediator-7', role: 'mediator', unitId: 'committee-1' };

function ev(type: CaseEvent['type'], data: Record<string, unknown>, actor: Actor, occurredAt: string, extra: Partial<NewEvent> = {}): NewEvent {
  return {
    id: newId(),
    type,
    schemaVersion: 1,
    occurredAt,
    actor,
    correlationId: 'corr-1',
    causationId: newId(),
    jurisdiction: ['district-1', 'town-3'],
    data,
    ...extra,
  };
}

describe('Replayer', () => {
  const clock = new FixedClock('2024-04-01T01:00:00.000Z');
  let store: SqliteEventStore;
  const s = 'mediation-case-1';

  beforeAll(async () => {
    store = new SqliteEventStore({ path: ':memory:', clock });
    // business time (occurredAt, +08:00) lags record time: the agreement is recorded a day late
    await store.append(s, [ev('MediationRegistered', { parties: ['甲', '乙'] }, clerk, '2024-04-01T09:00:00+08:00')], { expectedRevision: 'no_stream' });
    clock.set('2024-04-02T01:00:00.000Z');
    await store.append(s, [ev('MediatorAssigned', { mediator: '王调解员' }, clerk, '2024-04-02T09:00:00+08:00')], { expectedRevision: 0 });
    clock.set('2024-04-05T01:00:00.000Z');
    await store.append(s, [ev('AgreementReached', { terms: '乙赔偿甲 500 元' }, mediator, '2024-04-04T15:00:00+08:00', { legalBasis: '人民调解法§28' })], {
      expectedRevision: 1,
    });
  });
  afterAll(() => store.close());

  it('gives the state at a revision', async () => {
    const r = new Replayer(store, evolver);
    expect((await r.stateAt(s, { revision: 0 })).state).toEqual({ status: 'registered', parties: ['甲', '乙'] });
    const at1 = await r.stateAt(s, { revision: 1 });
    expect(at1.state).toMatchObject({ status: 'mediating', mediator: '王调解员' });
    expect(at1.revision).toBe(1);
    expect(at1.lastEvent?.type).toBe('MediatorAssigned');
    expect(at1.integrity.ok).toBe(true);
    expect((await r.stateAt(s, { revision: 99 })).state.status).toBe('agreement_reached');
  });

  it('gives the state at an instant, by recordedAt by default or by occurredAt', async () => {
    const r = new Replayer(store, evolver);
    // at 2024-04-04T16:00+08:00 the agreement had occurred (15:00+08:00) but was recorded only on 04-05
    expect((await r.stateAt(s, { at: '2024-04-04T16:00:00+08:00' })).state.status).toBe('mediating');
    expect((await r.stateAt(s, { at: '2024-04-04T16:00:00+08:00', by: 'occurredAt' })).state.status).toBe('agreement_reached');
    expect((await r.stateAt(s, { at: '2024-04-05T01:00:00.000Z' })).state.status).toBe('agreement_reached'); // inclusive
    const before = await r.stateAt(s, { at: '2024-03-31T00:00:00Z' });
    expect(before).toMatchObject({ state: { status: 'none' }, revision: 'no_stream' });
    expect(before.lastEvent).toBeUndefined();
    await expect(r.stateAt(s, { at: 'not a time' })).rejects.toMatchObject({ code: 'EVENT_STORE.INVALID_EVENT' });
  });

  it('lists the history: each event with who, when, legal basis, and the state before and after', async () => {
    const h = await new Replayer(store, evolver).history(s);
    expect(h.integrity).toMatchObject({ ok: true, eventCount: 3 });
    expect(h.steps.map((st) => [st.revision, st.event.type, st.who.userId, st.stateBefore.status, st.stateAfter.status])).toEqual([
      [0, 'MediationRegistered', 'clerk-1', 'none', 'registered'],
      [1, 'MediatorAssigned', 'clerk-1', 'registered', 'mediating'],
      [2, 'AgreementReached', 'mediator-7', 'mediating', 'agreement_reached'],
    ]);
    expect(h.steps[2].when).toEqual({ occurredAt: '2024-04-04T15:00:00+08:00', recordedAt: '2024-04-05T01:00:00.000Z' });
    expect(h.steps[2].legalBasis).toBe('人民调解法§28');
    expect(h.steps[1].legalBasis).toBeUndefined();
    expect(h.finalState).toEqual(h.steps[2].stateAfter);
    expect(h.steps[1].stateBefore).toBe(h.steps[0].stateAfter);
  });

  it('gives an empty history for a missing stream', async () => {
    const h = await new Replayer(store, evolver).history('mediation-case-missing');
    expect(h).toMatchObject({ steps: [], finalState: { status: 'none' }, integrity: { ok: true, eventCount: 0 } });
  });

  it('folds upcast events but verifies the chain on the raw ones', async () => {
    const upcasters = new UpcasterRegistry().register('MediationRegistered', 1, (d) => ({ parties: (d.parties as string[]).map((p) => `当事人${p}`) }));
    const h = await new Replayer(store, evolver, { upcasters }).history(s);
    expect(h.integrity.ok).toBe(true);
    expect(h.steps[0].event.schemaVersion).toBe(2);
    expect(h.steps[0].stateAfter).toEqual({ status: 'registered', parties: ['当事人甲', '当事人乙'] });
  });
});
