import { ReadQuery } from '@fengqiao/read-store';
import { DeskQueue } from './list-cases.request.dto';

const DAY_MS = 24 * 3600 * 1000;
/** China Standard Time: the desk's weeks start on Monday 00:00 in Beijing. */
const CST_OFFSET_MS = 8 * 3600 * 1000;

/** Monday 00:00 (China time) of the week holding `nowMs`, and the next Monday. */
export function weekOf(nowMs: number): { fromMs: number; toMs: number } {
  const local = nowMs + CST_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday = 0
  const fromMs = dayStart - weekday * DAY_MS - CST_OFFSET_MS;
  return { fromMs, toMs: fromMs + 7 * DAY_MS };
}

/** The filter of a desk queue at `nowMs` (the same query objects on MongoDB, FerretDB and mingo). */
export function queueFilter(queue: DeskQueue, nowMs: number): ReadQuery {
  switch (queue) {
    case 'waiting_consent':
      return { status: { $in: ['registered', 'consent_pending'] } };
    case 'session_this_week': {
      const { fromMs, toMs } = weekOf(nowMs);
      return { lastSessionAtMs: { $gte: fromMs, $lt: toMs } };
    }
    case 'agreement_without_performance':
      return { awaitingPerformance: true };
    case 'confirmation_due_soon':
      return { confirmationDueAtMs: { $gte: nowMs, $lte: nowMs + 5 * DAY_MS } };
    case 'overdue':
      return { 'state.mediationDeadline.breached': true, status: { $in: ['accepted', 'mediator_assigned', 'mediating'] } };
    default: {
      const never: never = queue;
      throw new Error(`unknown queue ${String(never)}`);
    }
  }
}
