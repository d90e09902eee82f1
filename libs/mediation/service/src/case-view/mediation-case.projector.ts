import { Logger } from '@nestjs/common';
import { EventStore } from '@fengqiao/event-store';
import { applyOrPark, ReadStore } from '@fengqiao/read-store';
import { projectionParking } from '@fengqiao/platform';
import { caseIdOfStream, evolveMediationCaseView, isMediationCaseStream, MEDIATION_CASE_VIEW, MediationCaseView } from './mediation-case.view';

const CHECKPOINTS = 'mediation_checkpoints';
const CHECKPOINT_ID = 'case-view';
const BATCH = 500;
const PARKING = projectionParking('mediation.case-view');

/**
 * Keeps the desk view in step with this context's own store (like intake's case view): reads every
 * event after a checkpoint, applies the case events, saves the checkpoint. Runs after each command
 * (awaited: read-your-writes), every `pollIntervalMs` (events of another replica) and at start.
 * Passes are serialised; a re-applied event is a no-op through the stream-revision guard.
 */
export class MediationCaseProjector {
  private readonly logger = new Logger('mediation.case-view');
  private passing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly events: Pick<EventStore, 'readAll'>,
    private readonly store: ReadStore,
    private readonly pollIntervalMs: number,
  ) {}

  catchUp(): Promise<number> {
    const next = this.passing.then(() => this.drain());
    this.passing = next.catch(() => undefined);
    return next;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.catchUp()
        .then(
          () => {
            this.failures = 0;
          },
          (e: unknown) => {
            this.failures++;
            this.logger.error(`case view pass failed (${this.failures} in a row): ${e instanceof Error ? e.message : String(e)}`);
          },
        )
        .finally(() => {
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

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const after = (await this.store.get<{ position: number }>(CHECKPOINTS, CHECKPOINT_ID))?.position ?? 0;
      const batch = await this.events.readAll({ afterPosition: after, maxCount: BATCH });
      for (const stored of batch) {
        if (!isMediationCaseStream(stored.streamId)) continue;
        // an event the view cannot apply is parked with its reason (read-store parking), never a stop of the view
        await applyOrPark(this.store, 'mediation.case-view', stored, async () => {
          const caseId = caseIdOfStream(stored.streamId);
          const doc = await this.store.get<MediationCaseView>(MEDIATION_CASE_VIEW, caseId);
          if (doc && doc._revision >= stored.revision) return;
          const next = evolveMediationCaseView(doc, stored);
          if (next) await this.store.upsert(MEDIATION_CASE_VIEW, next, { revision: stored.revision });
        }, PARKING);
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
