import { EmbeddedReadStore } from '@fengqiao/read-store';
import { FixedClock } from '@fengqiao/kernel';
import { DeadlineScheduler, type DeadlineTimerSource, type DueTimer } from './deadline-scheduler';
import { dueActionOf, dueTimersOf, findDueViews, MAX_TIMER_BUCKETS, RECENT_TIMER_MARGIN_MS, TIMER_BUCKET_MS, timerBucketOf, type DueScope } from './due-timers';

const NOW = Date.parse('2027-01-04T09:00:30Z');
const MINUTE = 60_000;

interface View {
  caseId: string;
  nextTimerAtMs: number | null;
  nextTimerBucket?: number | null;
}

async function storeWith(views: View[]): Promise<EmbeddedReadStore> {
  const store = new EmbeddedReadStore({ path: ':memory:' });
  for (const v of views) await store.upsert('views', { _id: v.caseId, ...v }, { revision: 1 });
  return store;
}

const view = (caseId: string, atMs: number | null, bucket = true): View => ({
  caseId,
  nextTimerAtMs: atMs,
  ...(bucket ? { nextTimerBucket: timerBucketOf(atMs) } : {}),
});

const due = async (store: EmbeddedReadStore, scope: DueScope | boolean, page = { limit: 100, skip: 0 }) =>
  (
    await findDueViews<View>({
      store,
      collection: 'views',
      nowMs: NOW,
      page,
      scope: typeof scope === 'boolean' ? { sweep: scope } : scope,
      fields: ['caseId'],
    })
  ).map((d) => d.caseId);

describe('findDueViews: the due timers of a read model, by minute buckets between sweeps', () => {
  it('buckets instants by the minute; no timer, no bucket', () => {
    expect(timerBucketOf(NOW)).toBe(Math.floor(NOW / TIMER_BUCKET_MS));
    expect(timerBucketOf(NOW - (NOW % MINUTE))).toBe(timerBucketOf(NOW - (NOW % MINUTE) + MINUTE - 1));
    expect(timerBucketOf(null)).toBeNull();
    expect(timerBucketOf(undefined)).toBeNull();
  });

  it('a tick finds what fell due in the recent minutes, oldest first; a sweep finds everything due', async () => {
    const store = await storeWith([
      view('now', NOW),
      view('two-minutes-ago', NOW - 2 * MINUTE),
      view('an-hour-ago', NOW - 60 * MINUTE), // its action failed, or the scheduler was down
      view('legacy', NOW - MINUTE, false), // written before the bucket existed
      view('later-this-minute', NOW + 10_000),
      view('tomorrow', NOW + 24 * 60 * MINUTE),
      view('closed', null),
    ]);
    expect(await due(store, false)).toEqual(['two-minutes-ago', 'now']);
    expect(await due(store, true)).toEqual(['an-hour-ago', 'two-minutes-ago', 'legacy', 'now']);
  });

  it('looks back to the bucket of sinceMs (by default RECENT_TIMER_MARGIN_MS before now), no further', async () => {
    const edge = timerBucketOf(NOW - RECENT_TIMER_MARGIN_MS) as number;
    const store = await storeWith([
      view('oldest-looked-at', edge * TIMER_BUCKET_MS),
      view('just-before', edge * TIMER_BUCKET_MS - 1),
      view('twenty-minutes-ago', NOW - 20 * MINUTE),
    ]);
    expect(await due(store, false)).toEqual(['oldest-looked-at']);
    // a tick after a gap (the previous one 25 minutes ago) asks for every minute since
    expect(await due(store, { sweep: false, sinceMs: NOW - 25 * MINUTE })).toEqual(['twenty-minutes-ago', 'just-before', 'oldest-looked-at']);
    // a longer span than MAX_TIMER_BUCKETS minutes is a sweep
    expect(await due(store, { sweep: false, sinceMs: NOW - (MAX_TIMER_BUCKETS + 1) * MINUTE })).toEqual(await due(store, true));
  });

  it('pages the recent timers in order', async () => {
    const store = await storeWith(Array.from({ length: 7 }, (_, i) => view(`c${i}`, NOW - i * 30_000)));
    const first = await due(store, false, { limit: 3, skip: 0 });
    const second = await due(store, false, { limit: 3, skip: 3 });
    const third = await due(store, false, { limit: 3, skip: 6 });
    expect([...first, ...second, ...third]).toEqual(['c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
  });
});

describe('dueActionOf / dueTimersOf: what a running timer is due for', () => {
  const t = { caseId: 'c', timerId: 'accept-1', dueAtMs: NOW + MINUTE, warnAtMs: NOW - MINUTE, warned: false };

  it('warns once its time came, breaches once the deadline passed, and does nothing before', () => {
    expect(dueActionOf(t, NOW - 2 * MINUTE)).toBeUndefined();
    expect(dueActionOf(t, NOW)).toEqual({ caseId: 'c', timerId: 'accept-1', action: 'warn', atMs: NOW - MINUTE });
    expect(dueActionOf({ ...t, warned: true }, NOW)).toBeUndefined();
    expect(dueActionOf({ ...t, warnAtMs: null }, NOW)).toBeUndefined();
    expect(dueActionOf({ ...t, warned: true }, NOW + MINUTE)).toEqual({ caseId: 'c', timerId: 'accept-1', action: 'breach', atMs: NOW + MINUTE });
  });

  it('maps the due views to the actions of their running timers, several per view', async () => {
    const store = await storeWith([view('p1', NOW - MINUTE), view('p2', NOW + MINUTE)]);
    const timers = await dueTimersOf<View>(
      { store, collection: 'views', nowMs: NOW, page: { limit: 10, skip: 0 }, scope: { sweep: true }, fields: ['caseId'] },
      (v) => [
        { caseId: v.caseId, timerId: 'a', dueAtMs: v.nextTimerAtMs as number, warned: false },
        { caseId: v.caseId, timerId: 'b', dueAtMs: NOW + 60 * MINUTE, warnAtMs: v.nextTimerAtMs, warned: false },
      ],
    );
    expect(timers).toEqual([
      { caseId: 'p1', timerId: 'a', action: 'breach', atMs: NOW - MINUTE },
      { caseId: 'p1', timerId: 'b', action: 'warn', atMs: NOW - MINUTE },
    ]);
  });
});

describe('DeadlineScheduler: sweeps on its first tick and then every sweepEveryMs', () => {
  function recordingSource(): { source: DeadlineTimerSource; scopes: DueScope[] } {
    const scopes: DueScope[] = [];
    return {
      scopes,
      source: {
        due: async (_now: number, _page: { limit: number; skip: number }, scope: DueScope): Promise<DueTimer[]> => {
          scopes.push(scope);
          return [];
        },
        fire: async () => 0,
      },
    };
  }

  it('sweeps first, asks for the recent buckets in between, and sweeps again once sweepEveryMs has passed', async () => {
    const clock = new FixedClock(new Date(NOW));
    const { source, scopes } = recordingSource();
    const scheduler = new DeadlineScheduler(source, { name: 'test.scheduler', clock, intervalMs: 30_000, sweepEveryMs: 10 * MINUTE });
    await scheduler.tick();
    clock.advance(30_000);
    await scheduler.tick();
    clock.advance(9 * MINUTE);
    await scheduler.tick();
    clock.advance(MINUTE);
    await scheduler.tick();
    expect(scopes).toEqual([
      { sweep: true },
      { sweep: false, sinceMs: NOW - RECENT_TIMER_MARGIN_MS },
      { sweep: false, sinceMs: NOW + 30_000 - RECENT_TIMER_MARGIN_MS },
      { sweep: true },
    ]);
  });

  it('sweeps when the previous tick is long past', async () => {
    const clock = new FixedClock(new Date(NOW));
    const { source, scopes } = recordingSource();
    const scheduler = new DeadlineScheduler(source, { name: 'test.scheduler', clock, intervalMs: 30_000, sweepEveryMs: 24 * 60 * MINUTE });
    await scheduler.tick();
    clock.advance(20 * MINUTE); // e.g. a test moving the clock, or a process stopped meanwhile
    await scheduler.tick();
    clock.advance(MAX_TIMER_BUCKETS * MINUTE);
    await scheduler.tick();
    expect(scopes).toEqual([{ sweep: true }, { sweep: false, sinceMs: NOW - RECENT_TIMER_MARGIN_MS }, { sweep: true }]);
  });

  it('sweeps again when a sweep failed, and when the clock went back', async () => {
    const clock = new FixedClock(new Date(NOW));
    const scopes: boolean[] = [];
    let fail = true;
    const source: DeadlineTimerSource = {
      due: async (_now, _page, scope) => {
        scopes.push(scope.sweep);
        if (fail) throw new Error('read store unavailable');
        return [];
      },
      fire: async () => 0,
    };
    const scheduler = new DeadlineScheduler(source, { name: 'test.scheduler', clock, intervalMs: 30_000 });
    await expect(scheduler.tick()).rejects.toThrow('read store unavailable');
    fail = false;
    await scheduler.tick();
    await scheduler.tick();
    clock.set(new Date(NOW - 60 * MINUTE));
    await scheduler.tick();
    expect(scopes).toEqual([true, true, false, true]);
  });
});
