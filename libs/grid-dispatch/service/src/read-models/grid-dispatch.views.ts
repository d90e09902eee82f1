import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoredEvent } from '@fengqiao/event-store';
import { ContextRuntime, projectionParking, runtimeToken } from '@fengqiao/platform';
import { StoreProjector, viewOf } from '@fengqiao/read-store';
import { CONTEXT_NAME, GRID_DISPATCH_OPTIONS } from '../application/grid-dispatch.tokens';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { gridCaseViewProjection } from './grid-case-view.projection';

/** Checkpoint collection and name of grid-dispatch's projector (unchanged, so no rebuild is needed). */
export const PROJECTOR_CHECKPOINTS = 'gd_projector_checkpoints';
export const PROJECTOR_NAME = 'grid-dispatch.views';

/**
 * Grid-dispatch's read models, fed from its own store by the shared projector (libs/read-store
 * `StoreProjector`): `gd_case_view`, one document per case, guarded by the stream revision.
 * Started by `GridDispatchStartup`; caught up after each command by `GridCases` (read-your-writes).
 */
@Injectable()
export class GridDispatchViews {
  readonly projector: StoreProjector<StoredEvent>;

  constructor(@Inject(runtimeToken(CONTEXT_NAME)) runtime: ContextRuntime, @Inject(GRID_DISPATCH_OPTIONS) options: ResolvedGridDispatchOptions) {
    const logger = new Logger('grid-dispatch.projector');
    this.projector = new StoreProjector<StoredEvent>({
      name: PROJECTOR_NAME,
      feed: runtime.infra.events,
      store: runtime.infra.readStore,
      views: [viewOf(gridCaseViewProjection)],
      checkpoints: PROJECTOR_CHECKPOINTS,
      pollIntervalMs: options.projectorIntervalMs,
      onError: (m) => logger.error(m),
      // an event a view cannot apply is parked with its reason, never a stop of the projector
      parking: projectionParking(PROJECTOR_NAME),
      // gd_case_view is one document per work-order stream: cases in parallel
      parallelStreams: true,
    });
  }
}
