import { Command, Decider, Event, IllegalStateError, isUuidV7 } from '@fengqiao/kernel';
import { SqliteEventStore, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { handleCommand, loadState } from './command-handler';

type TallyState = { status: 'none' } | { status: 'open'; count: number; unit: string[] } | { status: 'closed'; count: number; unit: string[] };
type TallyCommand = Command<'Open', { unit: string[] }> | Command<'Add', { by: number }> | Command<'Close', Record<string, never>>;
type TallyEvent = Event<'Opened', { unit: string[] }> | Event<'Added', { by: number }> | Event<'Closed', Record<string, never>>;

const tally: Decider<TallyState, TallyCommand, TallyEvent> = {
  initialState: () => ({ status: 'none' }),
  decide: (c, s) => {
    switch (c.type) {
      case 'Open':
        if (s.status !== 'none') throw new IllegalStateError('TALLY.ALREADY_OPEN', '已开启');
        return [{ type: 'Opened', data: c.data as { unit: string[] }, legalBasis: 'rule§1' }];
      case 'Add':
        if (s.status !== 'open') throw new IllegalStateError('TALLY.NOT_OPEN', '未开启');
        return (c.data as { by: number }).by === 0 ? [] : [{ type: 'Added', data: c.data as { by: number } }];
      case 'Close':
        if (s.status !== 'open') throw new IllegalStateError('TALLY.NOT_OPEN', '未开启');
        return [{ type: 'Closed', data: {} }];
    }
  },
  evolve: (s, e) => {
    switch (e.type) {
      case 'Opened':
        return { status: 'open', count: 0, unit: (e.data as { unit: string[] }).unit };
      case 'Added':
        return s.status === 'open' ? { ...s, count: s.count + (e.data as { by: number }).by } : s;
      case 'Closed':
        return s.status === 'open' ? { ...s, status: 'closed' } : s;
    }
  },
};

const meta = {
  actor: { userId: 'u1', role: 'operator' as const, unitId: 'v1', directoryVersion: 7 },
  now: '2026-03-02T09:00:00+08:00',
  correlationId: 'corr-1',
};
const cmd = <T extends TallyCommand['type']>(type: T, data: Extract<TallyCommand, { type: T }>['data']) => ({ type, data, meta }) as TallyCommand;

describe('handleCommand (on the real sqlite event store)', () => {
  let store: SqliteEventStore;
  const deps = () => ({
    store,
    decider: tally,
    jurisdictionOf: (s: TallyState) => (s.status === 'none' ? [] : s.unit),
  });

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  it('loads, decides, appends with the envelope filled from the command, and folds', async () => {
    const r = await handleCommand(deps(), 'tally-1', cmd('Open', { unit: ['d', 't', 'v1'] }));
    expect(r.revision).toBe(0);
    await handleCommand(deps(), 'tally-1', cmd('Add', { by: 3 }));
    const { state, events } = await loadState(deps(), 'tally-1');
    expect(state).toEqual({ status: 'open', count: 3, unit: ['d', 't', 'v1'] });
    expect(events[0]).toMatchObject({
      type: 'Opened',
      schemaVersion: 1,
      occurredAt: meta.now,
      actor: meta.actor,
      correlationId: 'corr-1',
      jurisdiction: ['d', 't', 'v1'],
      legalBasis: 'rule§1',
    });
    expect(isUuidV7(events[0].id)).toBe(true);
  });

  it('appends nothing when the decider decides nothing', async () => {
    await handleCommand(deps(), 'tally-2', cmd('Open', { unit: ['d'] }));
    const r = await handleCommand(deps(), 'tally-2', cmd('Add', { by: 0 }));
    expect(r.appended).toEqual([]);
    expect(await store.streamRevision('tally-2')).toBe(0);
  });

  it('lets a domain error through and writes nothing', async () => {
    await expect(handleCommand(deps(), 'tally-3', cmd('Close', {}))).rejects.toMatchObject({ code: 'TALLY.NOT_OPEN' });
    expect(await store.streamRevision('tally-3')).toBe('no_stream');
  });

  it('refuses a stale If-Match revision with a conflict', async () => {
    await handleCommand(deps(), 'tally-4', cmd('Open', { unit: ['d'] }));
    await handleCommand(deps(), 'tally-4', cmd('Add', { by: 1 }));
    await expect(handleCommand(deps(), 'tally-4', cmd('Add', { by: 1 }), { expectedRevision: 0 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await handleCommand(deps(), 'tally-4', cmd('Add', { by: 1 }), { expectedRevision: 1 });
    expect((await loadState(deps(), 'tally-4')).state).toMatchObject({ count: 2 });
  });

  it('re-decides on a concurrent append when no revision was given: nothing is lost', async () => {
    await handleCommand(deps(), 'tally-5', cmd('Open', { unit: ['d'] }));
    await Promise.all(Array.from({ length: 10 }, () => handleCommand(deps(), 'tally-5', cmd('Add', { by: 1 }), { maxAttempts: 20 })));
    expect((await loadState(deps(), 'tally-5')).state).toMatchObject({ count: 10 });
  });

  it('uses the given event ids (deterministic ids for reactions)', async () => {
    await handleCommand(deps(), 'tally-6', cmd('Open', { unit: ['d'] }));
    const ids = (i: number) => ['0190a000-0000-7000-8000-000000000001'][i];
    await handleCommand(deps(), 'tally-6', cmd('Add', { by: 5 }), { eventId: ids });
    const events = await store.readStream('tally-6');
    expect(events[1].id).toBe('0190a000-0000-7000-8000-000000000001');
  });
});
