import { Command, Decider, deterministicEventId, Event, SHIPPED_CALENDAR_NOTICES, withNotice } from '@fengqiao/kernel';
import { TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { SqliteEventStore } from '@fengqiao/event-store';
import { EmbeddedReadStore } from '@fengqiao/read-store';
import { CalendarCatalog } from './calendar-catalog';
import { CalendarFollowingRunner } from './calendar-following-runner';
import { DeadlineRevisionTarget } from './deadline-revision';

/**
 * The race a revision by view listing would lose: a command decides a deadline on the calendar it
 * finds, the notice is applied while the command is in flight (here: during its append's
 * afterAppend, before the view has the case), and the revision lists the open cases without it.
 * The runner sees that the catalog changed during the command and revises the case itself.
 */
type S = { status: 'none' } | { status: 'open'; calendarVersion: string };
type C = Command<'Open', Record<string, never>> | Command<'ReviseDeadline', { notice?: string }>;
type E = Event<'Opened', { calendarVersion: string }> | Event<'DeadlineRevised', { from: string; to: string }>;

const deciderOn = (calendarVersion: string): Decider<S, C, E> => ({
  initialState: () => ({ status: 'none' }),
  decide: (c, s) => {
    if (c.type === 'Open') return [{ type: 'Opened', data: { calendarVersion } }];
    if (s.status !== 'open' || s.calendarVersion === calendarVersion) return [];
    return [{ type: 'DeadlineRevised', data: { from: s.calendarVersion, to: calendarVersion } }];
  },
  evolve: (s, e) => (e.type === 'Opened' ? { status: 'open', calendarVersion: e.data.calendarVersion } : { status: 'open', calendarVersion: e.data.to }),
});

describe('CalendarFollowingRunner', () => {
  let store: SqliteEventStore;
  let catalog: CalendarCatalog;
  let runner: CalendarFollowingRunner<S, C, E>;
  let view: Set<string>;
  let duringAppend: (() => void) | undefined;
  const meta = { actor: { userId: 'u', role: 'system' as const, unitId: 'system' }, now: '2027-01-09T09:00:00+08:00' };

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    catalog = new CalendarCatalog();
    view = new Set();
    duringAppend = undefined;
    const target: DeadlineRevisionTarget = {
      context: 'test',
      openCaseIds: async () => [...view].sort(),
      revise: async (caseId, notice, calendarVersion) =>
        (
          await runner.execute(
            caseId,
            { type: 'ReviseDeadline', data: { notice }, meta },
            { eventId: (i) => deterministicEventId(`${caseId}/revise/${calendarVersion}/${i}`, 0) },
          )
        ).events.length,
    };
    let pending: string[] = [];
    runner = new CalendarFollowingRunner<S, C, E>(
      {
        store,
        get decider() {
          return deciderOn(catalog.calendarVersion);
        },
        context: 'TEST',
        resourceType: 'case',
        noun: '案件',
        streamIdOf: (id) => `case-${id}`,
        exists: (s) => s.status !== 'none',
        statusOf: (s) => s.status,
        now: () => meta.now,
        jurisdictionOf: () => [],
        afterAppend: async () => {
          duringAppend?.(); // the notice arrives while the command is in flight
          duringAppend = undefined;
          // the view catches up: every stream is listed
          pending = (await store.readAll()).map((e) => e.streamId.slice('case-'.length));
          for (const id of pending) view.add(id);
        },
      },
      { catalog, readStore: () => new EmbeddedReadStore({ path: ':memory:' }), target: () => target, reloadEveryMs: 3_600_000 },
    );
  });
  afterEach(() => store.close());

  const types = async (id: string) => (await store.readStream(`case-${id}`)).map((e) => e.type);
  const applyNotice = () => catalog.apply(2, withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027));

  it('given no notice during the command, when a case is opened, then nothing more happens', async () => {
    await runner.execute('a', { type: 'Open', data: {}, meta });
    expect(await types('a')).toEqual(['Opened']);
  });

  it('given a notice applied while the command is in flight (the revision missed it), then the runner revises the case itself, once', async () => {
    duringAppend = () => {
      applyNotice();
      expect(view.has('b')).toBe(false); // the revision listing the view now would not see the case
    };
    const result = await runner.execute('b', { type: 'Open', data: {}, meta });
    expect(result.events).toEqual(['Opened']);
    const stored = await store.readStream('case-b');
    expect(stored.map((e) => [e.type, e.data])).toEqual([
      ['Opened', { calendarVersion: '2026-1' }],
      ['DeadlineRevised', { from: '2026-1', to: '2027-2' }],
    ]);
    // the revision's own pass then reaches the case too, and appends nothing (same decision, same ids)
    expect(await runner.execute('b', { type: 'ReviseDeadline', data: {}, meta })).toMatchObject({ events: [] });
  });

  it('given the notice applied before the command, when a case is opened, then it is decided on the new calendar and not revised', async () => {
    applyNotice();
    await runner.execute('c', { type: 'Open', data: {}, meta });
    expect((await store.readStream('case-c')).map((e) => e.data)).toEqual([{ calendarVersion: '2027-2' }]);
  });

  it("another replica's notice table is picked up from the read store before a command", async () => {
    const shared = new EmbeddedReadStore({ path: ':memory:' });
    const other = new CalendarCatalog();
    other.apply(2, withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027));
    await other.save(shared);
    const r = new CalendarFollowingRunner<S, C, E>(
      {
        ...runner.config,
        get decider() {
          return deciderOn(catalog.calendarVersion);
        },
      },
      { catalog, readStore: () => shared, target: () => ({ context: 'x', openCaseIds: async () => [], revise: async () => 0 }) },
    );
    await r.execute('d', { type: 'Open', data: {}, meta });
    expect((await store.readStream('case-d')).map((e) => e.data)).toEqual([{ calendarVersion: '2027-2' }]);
  });
});
