/**
 * The claim protocol of the inbox (see `inbox.port.ts`) over a small record store; the sqlite and
 * mongodb inboxes only provide the records, each with its own uniqueness constraint on (group, id).
 */
import { randomUUID } from 'node:crypto';
import type { BusLogger } from '../bus.port';
import { defaultLogger, sleep } from '../delivery';
import { assertInboxKey, InboxBusyError, type Inbox, type InboxOutcome } from './inbox.port';

export interface InboxRecord {
  status: 'pending' | 'done';
  owner: string;
  /** ms since the epoch; meaningful while pending */
  leaseUntil: number;
}

/** What a storage provides; every write is conditional, so concurrent deliveries cannot both win. */
export interface InboxRecords {
  /** Inserts a pending claim; false if a record for (group, id) exists (the unique constraint). */
  insertClaim(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean>;
  read(group: string, id: string): Promise<InboxRecord | undefined>;
  /** Replaces an expired claim; true only if the record is still pending with `expected` owner and lease. */
  takeOver(group: string, id: string, expected: InboxRecord, owner: string, leaseUntil: number): Promise<boolean>;
  /** Extends the lease; false if `owner` no longer holds the pending claim. */
  renew(group: string, id: string, owner: string, leaseUntil: number): Promise<boolean>;
  /** Pending → done; false if `owner` no longer holds the claim. */
  markDone(group: string, id: string, owner: string, doneAt: Date): Promise<boolean>;
  /** Deletes `owner`'s pending claim (the effect failed). */
  release(group: string, id: string, owner: string): Promise<void>;
  prune(before: Date): Promise<number>;
}

export interface InboxOptions {
  /** How long a claim holds without renewal, ms. Renewed every third of it. Default 30 000. */
  leaseMs?: number;
  /** How long a delivery waits for another delivery of the same id, ms. Default 60 000. */
  maxWaitMs?: number;
  /** First poll interval while waiting, ms (doubles up to 1 000). Default 25. */
  pollMs?: number;
  /** Clock, ms since the epoch (tests move it). */
  now?: () => number;
  logger?: BusLogger;
}

export class ClaimingInbox implements Inbox {
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly logger: BusLogger;
  private readonly instance = randomUUID();
  private calls = 0;

  constructor(
    private readonly records: InboxRecords,
    options: InboxOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.pollMs = options.pollMs ?? 25;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? defaultLogger('inbox');
    if (!(this.leaseMs > 0) || !(this.maxWaitMs >= 0) || !(this.pollMs > 0)) throw new TypeError('inbox: leaseMs > 0, maxWaitMs ≥ 0, pollMs > 0');
  }

  async runOnce<T>(group: string, id: string, effect: () => Promise<T>): Promise<InboxOutcome<T>> {
    assertInboxKey(group, id);
    const owner = `${this.instance}:${++this.calls}`;
    if (!(await this.claim(group, id, owner))) return { executed: false };

    const renewal = setInterval(
      () => {
        this.records.renew(group, id, owner, this.now() + this.leaseMs).then(
          (held) => {
            if (!held) this.logger.warn({ group, id }, 'inbox claim lost while the effect runs (lease expired and taken over)');
          },
          (error: unknown) => this.logger.warn({ group, id, err: error }, 'inbox claim renewal failed'),
        );
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    let result: T;
    try {
      result = await effect();
    } catch (error) {
      clearInterval(renewal);
      await this.records
        .release(group, id, owner)
        .catch((releaseError: unknown) =>
          this.logger.warn({ group, id, err: releaseError }, 'could not release the inbox claim: it frees itself when the lease expires'),
        );
      throw error;
    }
    clearInterval(renewal);
    if (!(await this.records.markDone(group, id, owner, new Date(this.now())))) {
      this.logger.warn({ group, id }, 'inbox claim was taken over before the effect finished: the effect may have run twice');
    }
    return { executed: true, result };
  }

  async seen(group: string, id: string): Promise<boolean> {
    assertInboxKey(group, id);
    return (await this.records.read(group, id))?.status === 'done';
  }

  prune(before: Date): Promise<number> {
    return this.records.prune(before);
  }

  /** True when `owner` holds the claim; false when (group, id) is already done. */
  private async claim(group: string, id: string, owner: string): Promise<boolean> {
    const started = this.now();
    const signal = new AbortController().signal;
    let wait = this.pollMs;
    for (;;) {
      const now = this.now();
      if (await this.records.insertClaim(group, id, owner, now + this.leaseMs)) return true;
      const record = await this.records.read(group, id);
      if (record === undefined) continue; // released between the insert and the read: try again
      if (record.status === 'done') return false;
      if (record.leaseUntil <= now) {
        if (await this.records.takeOver(group, id, record, owner, now + this.leaseMs)) {
          this.logger.warn({ group, id, previousOwner: record.owner }, 'inbox claim expired (its process died?): taken over');
          return true;
        }
        continue;
      }
      if (now - started >= this.maxWaitMs) throw new InboxBusyError(group, id, now - started);
      await sleep(Math.min(wait, Math.max(1, this.maxWaitMs - (now - started))), signal);
      wait = Math.min(wait * 2, 1_000);
    }
  }
}
