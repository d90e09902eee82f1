import type { ReadDoc, ReadProjection, ReadStore } from '@fengqiao/read-store';
import type { DueTimer } from './deadline-scheduler';

/**
 * Where a deadline scheduler finds the due timers in a context's read model, without a query that
 * reads the whole collection on every tick (issue 15: FerretDB 1.24 pushes no range and no sort
 * down to its backend, so `{ nextTimerAtMs: { $lte: now } }` sorted made it decode every view of
 * the context, closed cases included, every 30 s).
 *
 * A view with a pending timer carries `nextTimerAtMs` and `nextTimerBucket` (the minute it falls
 * in, `timerBucketOf`), indexed. A tick looks at the buckets from a few minutes before the previous
 * tick (RECENT_TIMER_MARGIN_MS: a timer whose action failed is tried again, a view written a little
 * late is still seen) up to now, one equality query each (what MongoDB answers from an index and
 * FerretDB pushes down), and keeps, orders and pages the due ones in the process. A **sweep** runs
 * the range query over the whole collection instead: the scheduler's first tick after start (timers
 * that fell due while it was down), a tick more than MAX_TIMER_BUCKETS minutes after the one before
 * (or with the clock gone back), and one every few minutes (a timer whose action kept failing, a
 * view written before the bucket existed or much later than its timer).
 */
export const TIMER_BUCKET_MS = 60_000;
/** How far before the previous tick a tick looks again. */
export const RECENT_TIMER_MARGIN_MS = 5 * TIMER_BUCKET_MS;
/** Most buckets a tick asks for one by one; a longer span is a sweep. */
export const MAX_TIMER_BUCKETS = 60;

/** The bucket of a timer instant (`null`: no timer). */
export function timerBucketOf(atMs: number | null | undefined): number | null {
  return typeof atMs === 'number' && Number.isFinite(atMs) ? Math.floor(atMs / TIMER_BUCKET_MS) : null;
}

export interface DueScope {
  /** the whole read model (first tick, then every few minutes) instead of the recent buckets */
  sweep: boolean;
  /** not a sweep: the earliest instant whose bucket the tick asks for (default: RECENT_TIMER_MARGIN_MS before now) */
  sinceMs?: number;
}

export interface DueViewQuery {
  store: ReadStore;
  collection: string;
  nowMs: number;
  page: { limit: number; skip: number };
  scope: DueScope;
  /** fields the caller needs (`nextTimerAtMs` and `_id` are added) */
  fields: readonly string[];
}

/** The views whose `nextTimerAtMs` is due at `nowMs`, oldest first, one page (see the header). */
export async function findDueViews<T extends { nextTimerAtMs?: number | null }>(q: DueViewQuery): Promise<ReadDoc<T>[]> {
  const projection: ReadProjection = Object.fromEntries([...q.fields, 'nextTimerAtMs'].map((f) => [f, 1]));
  const last = timerBucketOf(q.nowMs) as number;
  const first = timerBucketOf(Math.min(q.scope.sinceMs ?? q.nowMs - RECENT_TIMER_MARGIN_MS, q.nowMs)) as number;
  if (q.scope.sweep || last - first + 1 > MAX_TIMER_BUCKETS) {
    return q.store.find<T>(
      q.collection,
      { nextTimerAtMs: { $lte: q.nowMs } },
      { sort: { nextTimerAtMs: 1 }, limit: q.page.limit, skip: q.page.skip, projection },
    );
  }
  const buckets = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const found = (await Promise.all(buckets.map((b) => q.store.find<T>(q.collection, { nextTimerBucket: b }, { projection })))).flat();
  const due = found.filter((d) => typeof d.nextTimerAtMs === 'number' && d.nextTimerAtMs <= q.nowMs);
  due.sort((a, b) => (a.nextTimerAtMs as number) - (b.nextTimerAtMs as number) || String(a._id).localeCompare(String(b._id)));
  return due.slice(q.page.skip, q.page.skip + q.page.limit);
}

/** A timer that still runs, as a view holds it. */
export interface RunningTimer {
  caseId: string;
  timerId: string;
  dueAtMs: number;
  /** when to warn before the deadline (none: no warning) */
  warnAtMs?: number | null;
  warned: boolean;
}

/** What a running timer is due for at `nowMs`: the breach once its deadline passed, else the warning once its time came (and it was not given); nothing before. */
export function dueActionOf(t: RunningTimer, nowMs: number): DueTimer | undefined {
  if (t.dueAtMs <= nowMs) return { caseId: t.caseId, timerId: t.timerId, action: 'breach', atMs: t.dueAtMs };
  if (!t.warned && typeof t.warnAtMs === 'number' && t.warnAtMs <= nowMs) return { caseId: t.caseId, timerId: t.timerId, action: 'warn', atMs: t.warnAtMs };
  return undefined;
}

/** A context's due timers, one page: the due views (`findDueViews`), their running timers (`timersOf`), the action each is due for. */
export async function dueTimersOf<T extends { nextTimerAtMs?: number | null }>(
  q: DueViewQuery,
  timersOf: (view: ReadDoc<T>) => RunningTimer[],
): Promise<DueTimer[]> {
  const views = await findDueViews<T>(q);
  return views.flatMap((view) => timersOf(view).flatMap((t) => dueActionOf(t, q.nowMs) ?? []));
}
