/**
 * A fix for kafkajs 2.2.4 (its last release): every broker connection's request queue spins in a
 * 1 ms timer loop for as long as the connection is open, idle or not.
 *
 * `RequestQueue.checkPendingRequests` always ends with `scheduleCheckPendingRequests`, which, with
 * nothing pending and no client-side throttle (`throttledUntil` is -1), sets a timer for
 * `throttledUntil - Date.now()`: a negative delay, which Node runs after 1 ms (Node 24 also warns
 * `TimeoutNegativeWarning` once). The timer calls `checkPendingRequests` again, and so on. Measured
 * on one of our 2-core machines, an idle distributed service woke about 1,500 times a second and
 * spent about 50 ms of CPU each second doing it (strace, /proc), with three such services beside
 * FerretDB and the load on the same cores. Reported upstream as kafkajs#1556 and #1704 (open; the
 * fixes proposed there, #1667 and #1768, are not released).
 *
 * The replacement schedules a check only while a request waits in the queue: at the end of the
 * throttle, or after kafkajs's own 10 ms when it waits for an in-flight slot (a response also
 * checks the queue, as before). With nothing pending there is nothing to check: a request pushed
 * later is sent at once or queued, and queueing it schedules the check. That is everything the
 * loop did besides spinning.
 *
 * Applied once, by `mendKafkajsRequestQueue()` before a kafkajs client is made (the KafkaBus, the
 * health probe, the benchmark's own clients), and only to the kafkajs version it was written
 * against: another version is left as it is, and `kafkajs-request-queue.spec.ts` then fails if that
 * version still spins, so whoever upgrades kafkajs looks again. Nothing of kafkajs loads before:
 * a standalone process never touches it (kafkajs is required where first used, scripts/build-node.mjs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The version whose request queue this module replaces a method of. */
export const KAFKAJS_PATCHED_VERSION = '2.2.4';
/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL (requestQueue/index.js), its wait for an in-flight slot. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** The fields of kafkajs's RequestQueue that the replacement reads and writes. */
export interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}

export interface KafkajsRequestQueueClass {
  new (options: Record<string, unknown>): KafkajsRequestQueue;
  prototype: KafkajsRequestQueue;
}

/** The installed kafkajs version. */
export function kafkajsVersion(): string {
  const root = dirname(require.resolve('kafkajs'));
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** kafkajs's RequestQueue class (not part of its public API: loaded by path, from the kafkajs that `kafkajs` resolves to). */
export function kafkajsRequestQueueClass(): KafkajsRequestQueueClass {
  return createRequire(require.resolve('kafkajs'))('./src/network/requestQueue') as KafkajsRequestQueueClass;
}

function scheduleCheckPendingRequests(this: KafkajsRequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttled > 0 ? throttled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

/** Whether this process's kafkajs request queue has the replacement (true once mended, on the version it is for). */
export const kafkajsRequestQueueFixed = (): boolean => kafkajsRequestQueueClass().prototype.scheduleCheckPendingRequests === scheduleCheckPendingRequests;

let mended = false;

/** Gives kafkajs's request queue the replacement (once; only on the version it is for). Call before making a kafkajs client. */
export function mendKafkajsRequestQueue(): void {
  if (mended) return;
  mended = true;
  if (kafkajsVersion() === KAFKAJS_PATCHED_VERSION) kafkajsRequestQueueClass().prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}
