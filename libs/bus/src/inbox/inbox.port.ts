/**
 * The inbox (DESIGN §3): a consumer records the message ids it handled, per consumer group, so a
 * redelivery (at-least-once bus, relay re-publishing after a crash) changes nothing.
 *
 * `runOnce(group, id, effect)` runs `effect` unless (group, id) is already done. The store's
 * uniqueness constraint on (group, id) decides between concurrent deliveries: the first one
 * claims the id (a `pending` record with a lease, renewed while the effect runs), the others wait
 * until it is `done` (then they skip) or released (the effect failed: one of them runs it) or its
 * lease expired (its process died: one of them takes over). A failed effect leaves no record, so
 * the bus's retry runs it again.
 *
 * The one gap no inbox closes without a shared transaction: a process that dies after the effect
 * and before the `done` write lets the effect run again once the lease expires. Effects therefore
 * stay idempotent themselves where they can (an event-store append with event ids derived from the
 * message id is: the store refuses the duplicate ids).
 */
export type InboxOutcome<T> = { executed: true; result: T } | { executed: false };

export interface Inbox {
  runOnce<T>(group: string, id: string, effect: () => Promise<T>): Promise<InboxOutcome<T>>;
  /** Whether (group, id) was handled (done). */
  seen(group: string, id: string): Promise<boolean>;
  /** Deletes done records older than `before` (the redelivery window is over); returns how many. */
  prune(before: Date): Promise<number>;
}

/** Another delivery of the same id is still in progress after `maxWaitMs`: retry later. */
export class InboxBusyError extends Error {
  constructor(
    readonly group: string,
    readonly id: string,
    waitedMs: number,
  ) {
    super(`message ${id} of group ${group} is being handled by another delivery (waited ${waitedMs} ms)`);
    this.name = 'InboxBusyError';
  }
}

export function assertInboxKey(group: string, id: string): void {
  if (typeof group !== 'string' || group.length === 0) throw new TypeError('inbox group must be a non-empty string');
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('inbox message id must be a non-empty string');
}
