import { StoredEvent } from '@fengqiao/event-store';
import { ProjectedView, StoreProjector } from '@fengqiao/read-store';
import { ContextRuntime, projectionParking } from '@fengqiao/platform';
import { Logger } from '@nestjs/common';
import { CASE_VIEW, caseIdOfStored, evolveReport } from './case-view';
import { CASE_VIEW_INDEXES, inTurn, mutateCaseView } from './case-view.store';

/** Checkpoint collection and name of intake's projector (unchanged, so no rebuild is needed). */
export const INTAKE_CHECKPOINTS = 'intake_checkpoints';
export const INTAKE_PROJECTOR = 'case-view';

/**
 * The case view fed from intake's own store by the shared projector (libs/read-store
 * `StoreProjector`): report events through `evolveReport`, written with the view's write counter
 * (`mutateCaseView`), because grid-dispatch's published events update the same document.
 *
 * It projects from the store and not from the published integration events because those, by
 * contract, carry no reporter contact, which the centre needs for its callback.
 */
export const caseView: ProjectedView<StoredEvent> = {
  name: 'intake.case-view',
  collection: CASE_VIEW,
  indexes: CASE_VIEW_INDEXES,
  async apply(store, stored) {
    const caseId = caseIdOfStored(stored);
    if (caseId !== null) await mutateCaseView(store, caseId, (doc) => evolveReport(doc, stored));
  },
  // a case's events of one pass (e.g. accepted and filed, one commit) in one write of its document
  async applyRun(store, events) {
    const reports = events.filter((e) => caseIdOfStored(e) !== null);
    if (reports.length === 0) return true;
    const caseId = caseIdOfStored(reports[0]) as string;
    if (reports.some((e) => caseIdOfStored(e) !== caseId)) return false;
    await mutateCaseView(store, caseId, inTurn(reports, evolveReport));
    return true;
  },
};

export function intakeProjector(runtime: ContextRuntime, pollIntervalMs: number): StoreProjector<StoredEvent> {
  const logger = new Logger('intake.case-view');
  return new StoreProjector<StoredEvent>({
    name: INTAKE_PROJECTOR,
    feed: runtime.infra.events,
    store: runtime.infra.readStore,
    views: [caseView],
    checkpoints: INTAKE_CHECKPOINTS,
    pollIntervalMs,
    onError: (m) => logger.error(m),
    // an event the view cannot apply is parked with its reason, never a stop of the view
    parking: projectionParking(INTAKE_PROJECTOR),
    // the view writes only the document of the event's own case (its stream): cases in parallel
    parallelStreams: true,
  });
}
