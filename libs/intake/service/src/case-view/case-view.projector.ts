import { Logger } from '@nestjs/common';
import { EventStore } from '@fengqiao/event-store';
import { applyOrPark, ReadStore } from '@fengqiao/read-store';
import { projectionParking } from '@fengqiao/platform';
import { caseIdOfStored, evolveReport } from './case-view';
import { mutateCaseView } from './case-view.store';

const CHECKPOINTS = 'intake_checkpoints';
const CHECKPOINT_ID = 'case-view';
const BATCH = 500;
const PARKING = projectionParking(CHECKPOINT_ID);

/**
 * Keeps the case view in step with this context's own event store: reads every event after a
 * checkpoint (the store's global order never skips one), applies the report events, then saves
 * the checkpoint (guarded by position, so it only moves forward). Runs
 * - after each command, awaited by the handler, so a client reads its own write at once;
 * - every `pollIntervalMs`, for events another replica appended;
 * - at start, before the app takes requests.
 * Passes are serialised; a crash between the view write and the checkpoint re-applies a few
 * events on the next pass, which the view's `reportRevision` guard turns into no-ops.
 *
 * It projects from the store and not from the published integration events because those, by
 * contract, carry no reporter contact, which the centre needs for its callback.
 */
export class CaseViewProjector {
  private readonly logger = new Logger('intake.case-view');
  private passing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly events: Pick<EventStore, 'readAll'>,
    private readonly store: ReadStore,
    private readonly pollIntervalMs: number,
  ) {}

  /** Applies everything stored so far; resolves when the view has it. Errors propagate. */
  catchUp(): Promise<number> {
    const next = this.passing.then(() => this.drain());
    this.passing = next.catch(() => undefined);
    return next;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.catchUp().then(
        () => {
          this.failures = 0;
        },
        (e: unknown) => {
          this.failures++;
          this.logger.error(`case view pass failed (${this.failures} in a row): ${e instanceof Error ? e.message : String(e)}`);
        },
      ).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.pollIntervalMs * Math.min(2 ** this.failures, 64));
      });
    };
    this.timer = setTimeout(tick, this.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.passing;
  }

  async position(): Promise<number> {
    const doc = await this.store.get<{ position: number }>(CHECKPOINTS, CHECKPOINT_ID);
    return doc?.position ?? 0;
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const after = await this.position();
      const batch = await this.events.readAll({ afterPosition: after, maxCount: BATCH });
      for (const stored of batch) {
        const caseId = caseIdOfStored(stored);
        // an event the view cannot apply is parked (read-store parking.ts), never a stop of the view
        if (caseId !== null) await applyOrPark(this.store, CHECKPOINT_ID, stored, () => mutateCaseView(this.store, caseId, (doc) => evolveReport(doc, stored)), PARKING);
      }
      if (batch.length > 0) {
        const position = batch[batch.length - 1].globalPosition;
        await this.store.upsert(CHECKPOINTS, { _id: CHECKPOINT_ID, position }, { revision: position });
      }
      total += batch.length;
      if (batch.length < BATCH) return total;
    }
  }
}
