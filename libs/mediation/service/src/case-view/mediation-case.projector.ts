import { Logger } from '@nestjs/common';
import { EventStore, StoredEvent } from '@fengqiao/event-store';
import { ReadStore, StoreProjector, type ProjectedView } from '@fengqiao/read-store';
import { projectionParking } from '@fengqiao/platform';
import { caseIdOfStream, evolveMediationCaseView, isMediationCaseStream, MEDIATION_CASE_VIEW, MediationCaseView } from './mediation-case.view';

/** Checkpoint collection and id of the case view (unchanged, so no rebuild is needed). */
const CHECKPOINTS = 'mediation_checkpoints';
const CHECKPOINT_ID = 'case-view';
const VIEW = 'mediation.case-view';

/** The desk view: one document per case, guarded by the stream revision; other streams pass by. */
const caseView: ProjectedView<StoredEvent> = {
  name: VIEW,
  collection: MEDIATION_CASE_VIEW,
  indexes: [],
  async apply(store: ReadStore, stored: StoredEvent) {
    if (!isMediationCaseStream(stored.streamId)) return;
    const doc = await store.get<MediationCaseView>(MEDIATION_CASE_VIEW, caseIdOfStream(stored.streamId));
    if (doc && doc._revision >= stored.revision) return;
    const next = evolveMediationCaseView(doc, stored);
    if (next) await store.upsert(MEDIATION_CASE_VIEW, next, { revision: stored.revision });
  },
};

/**
 * Keeps the desk view in step with this context's own store through the platform's one projector
 * mechanism (`StoreProjector`, as intake and grid-dispatch): caught up after each command (awaited:
 * read-your-writes), by the poll loop every `pollIntervalMs` (events of another replica) and at
 * start; an event the view cannot apply is parked with its reason, never a stop of the view.
 */
export function mediationCaseProjector(events: Pick<EventStore, 'readAll'>, store: ReadStore, pollIntervalMs: number): StoreProjector<StoredEvent> {
  const logger = new Logger(VIEW);
  return new StoreProjector<StoredEvent>({
    name: CHECKPOINT_ID,
    feed: { readAll: (o) => events.readAll(o) },
    store,
    views: [caseView],
    checkpoints: CHECKPOINTS,
    pollIntervalMs,
    onError: (m) => logger.error(m),
    parking: projectionParking(VIEW),
  });
}
