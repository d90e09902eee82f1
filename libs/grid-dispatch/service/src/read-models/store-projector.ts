import { Logger } from '@nestjs/common';
import { EventStore, StoredEvent } from '@fengqiao/event-store';
import { IndexSpec, Projection, projectOrPark, ReadStore } from '@fengqiao/read-store';
import { projectionParking } from '@fengqiao/platform';

/** A projection with its document type erased, as the projector runs it. */
export interface ProjectedView {
  name: string;
  collection: string;
  indexes: readonly IndexSpec[];
  apply(store: ReadStore, event: StoredEvent): Promise<unknown>;
}

export function viewOf<Doc extends object>(projection: Projection<Doc, StoredEvent>): ProjectedView {
  return {
    name: projection.name,
    collection: projection.collection,
    indexes: projection.indexes,
    // an event the view cannot apply is parked (read-store parking.ts), never a stop of the projector
    apply: (store, event) => projectOrPark(store, projection, event, projectionParking(projection.name)),
  };
}

export const PROJECTOR_CHECKPOINTS = 'gd_projector_checkpoints';

/**
 * Feeds the context's read models from its OWN event store (`readAll` after a checkpoint), not from
 * its Kafka topic. Why:
 * - the stored event has what the views need and the integration event does not: the stream
 *   revision (the read store's revision guard and the case's ETag), the full actor, reason,
 *   deadline rule and calendar of each step (the timeline);
 * - it works the same in standalone and distributed mode, without a round trip through the broker,
 *   so a command's change shows on the board as soon as it is stored;
 * - the service owns this store (DESIGN §3: services never read ANOTHER service's store).
 * Idempotent: each view write is guarded by the stream revision, so re-reading after a crash
 * (the checkpoint is saved after each batch) or two replicas projecting the same events change
 * nothing twice. The checkpoint itself is a read-store document guarded by the position.
 */
export class StoreProjector {
  private readonly logger = new Logger('grid-dispatch.projector');
  private position = 0;
  private running?: Promise<void>;
  private stopped = true;
  private wakeUp?: () => void;
  private woken = false;
  private waiters: { position: number; resolve: () => void }[] = [];
  private consecutiveFailures = 0;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly views: readonly ProjectedView[],
    private readonly name: string,
    private readonly pollIntervalMs: number,
    private readonly batchSize = 500,
  ) {}

  /** The last store position every view has applied. */
  get checkpoint(): number {
    return this.position;
  }

  async init(): Promise<void> {
    for (const v of this.views) await this.readStore.ensureIndexes(v.collection, v.indexes);
    const saved = await this.readStore.get<{ position: number }>(PROJECTOR_CHECKPOINTS, this.name);
    this.position = saved?.position ?? 0;
  }

  /** Applies everything stored after the checkpoint; returns the number of events read. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.events.readAll({ afterPosition: this.position, maxCount: this.batchSize });
      if (batch.length === 0) break;
      for (const event of batch) await this.apply(event);
      const last = batch[batch.length - 1].globalPosition;
      await this.readStore.upsert(PROJECTOR_CHECKPOINTS, { _id: this.name, position: last }, { revision: last });
      this.position = last;
      total += batch.length;
      this.release();
      if (batch.length < this.batchSize) break;
    }
    return total;
  }

  /** Applies one event to every view (exported for rebuilds and "run twice" tests). */
  async apply(event: StoredEvent): Promise<void> {
    for (const v of this.views) await v.apply(this.readStore, event);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Asks the loop to read now (after an append in this process). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Resolves once the views have applied `position` (or after `timeoutMs`; returns whether they did). */
  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return true;
    this.wake();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  private release(): void {
    const ready = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const w of ready) w.resolve();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let delay = this.pollIntervalMs;
      try {
        await this.catchUp();
        this.consecutiveFailures = 0;
      } catch (error) {
        this.consecutiveFailures += 1;
        delay = Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(this.consecutiveFailures, 10));
        this.logger.error(`projection ${this.name} failed at position ${this.position} (attempt ${this.consecutiveFailures}): ${error instanceof Error ? error.stack : String(error)}`);
      }
      if (this.stopped) break;
      if (this.woken && this.consecutiveFailures === 0) {
        this.woken = false;
        continue;
      }
      this.woken = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  health(): { position: number; failures: number } {
    return { position: this.position, failures: this.consecutiveFailures };
  }
}
