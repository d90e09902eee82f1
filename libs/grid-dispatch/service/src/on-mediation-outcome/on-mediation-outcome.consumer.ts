import { Inject, Injectable, Logger } from '@nestjs/common';
import { IntegrationEvent, MediationCaseEventData, mediationEventNameOf, topics } from '@fengqiao/contracts';
import { NonRetriableError } from '@fengqiao/bus';
import {
  ArchiveCase,
  FollowMediation,
  MEDIATION_OUTCOME_LABELS,
  mediationReferralDecider,
  MediationReferralState,
  toMediationReferralStreamId,
} from '@fengqiao/grid-dispatch-domain';
import { Actor, Clock, deterministicEventId, DomainError } from '@fengqiao/kernel';
import { ContextConsumer, ContextRuntime, foldStream, handleCommand, runtimeToken } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';
import { EventStore } from '@fengqiao/event-store';
import { GridCases } from '../application/grid-cases';
import { CONTEXT_NAME } from '../application/grid-dispatch.tokens';

export const MEDIATION_OUTCOMES_PURPOSE = 'mediation-outcomes';
/** mediation case id → the grid case it was referred from */
export const MEDIATION_LINKS = 'mediation_links';
/** what became of a referred grid case in mediation, one document per grid case */
export const GRID_CASE_MEDIATION = 'grid_case_mediation';

const FOLLOW_ACTOR: Actor = { userId: 'grid-dispatch.mediation-outcomes', role: 'system', unitId: 'system' };

export interface GridCaseMediationView {
  _id: string;
  gridCaseId: string;
  mediationCaseId: string;
  committeeId: string;
  /** mediating | settled | ended */
  status: string;
  outcome: string | null;
  outcomeLabel: string | null;
  routesTold: string[];
  riskReports: number;
  transfers: number;
  linkedAt: string;
  updatedAt: string;
  /** the grid case's jurisdiction (who may read this) */
  jurisdiction: string[];
}

export interface MediationOutcomeDeps {
  events: EventStore;
  readStore: ReadStore;
  workOrders: Pick<GridCases, 'load' | 'execute'>;
  clock: Clock;
}

/**
 * Consumer `grid-dispatch.mediation-outcomes` on `mediation.case.events.v1`: follows the mediation
 * case a grid case was referred to (the workflow decider `mediationReferralDecider`, its own stream
 * beside the work order) and keeps the `grid_case_mediation` view the board and the case page read.
 * Meanwhile the grid case itself stays `referred` (已移交); when the agreement has been performed
 * in full, the referral is done and the work order is archived (归档) with the outcome as reason.
 * A termination, a refusal or a failed performance is recorded for the centre, which decides what
 * follows (the work order decider has no way back from `referred`).
 */
export async function onMediationEvent(event: IntegrationEvent, deps: MediationOutcomeDeps, logger?: Logger): Promise<'ignored' | 'followed'> {
  const step = mediationEventNameOf(event.type);
  if (!step) return 'ignored';
  const d = event.data as MediationCaseEventData;
  let gridCaseId: string | undefined;
  if (step === 'DisputeRegistered') {
    if (!d.gridCaseId) return 'ignored';
    gridCaseId = d.gridCaseId;
    await deps.readStore.upsert(MEDIATION_LINKS, { _id: d.caseId, gridCaseId }, { revision: 1, expectNew: true });
  } else {
    gridCaseId = (await deps.readStore.get<{ gridCaseId: string }>(MEDIATION_LINKS, d.caseId))?.gridCaseId;
    if (!gridCaseId) return 'ignored';
  }
  const workOrder = await deps.workOrders.load(gridCaseId);
  const jurisdiction = workOrder.jurisdiction;
  const command: FollowMediation = {
    type: 'FollowMediation',
    data: {
      gridCaseId,
      mediationCaseId: d.caseId,
      committeeId: d.committeeId,
      step,
      at: d.at,
      ...(d.complete !== undefined ? { complete: d.complete } : {}),
      ...(d.routesTold ? { routesTold: d.routesTold } : {}),
      ...(d.riskKind ? { riskKind: d.riskKind } : {}),
      ...(d.policeUnitId ? { policeUnitId: d.policeUnitId } : {}),
    },
    meta: { actor: FOLLOW_ACTOR, now: deps.clock.now().toISOString(), correlationId: event.correlationId, causationId: event.id },
  };
  const deciderDeps = { store: deps.events, decider: mediationReferralDecider, jurisdictionOf: () => jurisdiction };
  const streamId = toMediationReferralStreamId(gridCaseId);
  const result = await handleCommand(deciderDeps, streamId, command, {
    eventId: (i) => deterministicEventId(`${event.id}/${MEDIATION_OUTCOMES_PURPOSE}/${i}`, Date.parse(event.time)),
  });
  const stored = await deps.events.readStream(streamId);
  const state = foldStream(deciderDeps, stored);
  if (state.status !== 'none') await deps.readStore.upsert(GRID_CASE_MEDIATION, viewOf(state, jurisdiction), { revision: stored[stored.length - 1].revision });

  const performed = result.appended.some((e) => e.type === 'MediationEnded' && (e.data as { outcome: string }).outcome === 'performed');
  if (performed && workOrder.state.status === 'referred') {
    const archive: ArchiveCase = {
      type: 'ArchiveCase',
      data: { caseId: gridCaseId },
      meta: {
        // the referral is concluded for the centre that referred it (the decider lets operators archive)
        actor: { userId: 'system:mediation-outcome', role: 'operator', unitId: jurisdiction[Math.min(2, jurisdiction.length - 1)] ?? 'system' },
        now: deps.clock.now().toISOString(),
        correlationId: event.correlationId,
        causationId: event.id,
        reason: `人民调解：${MEDIATION_OUTCOME_LABELS.performed}（调解案件 ${d.caseId}）`,
      },
    };
    try {
      await deps.workOrders.execute(gridCaseId, archive, {
        eventId: (i: number) => deterministicEventId(`${event.id}/${MEDIATION_OUTCOMES_PURPOSE}/archive/${i}`, Date.parse(event.time)),
      });
      logger?.log(`grid case ${gridCaseId}: archived, mediation case ${d.caseId} performed`);
    } catch (e) {
      if (e instanceof DomainError && e.kind !== 'revision_conflict') throw new NonRetriableError(`${e.code}: ${e.message}`, { cause: e });
      throw e;
    }
  }
  return 'followed';
}

function viewOf(state: Exclude<MediationReferralState, { status: 'none' }>, jurisdiction: string[]): GridCaseMediationView {
  return {
    _id: state.gridCaseId,
    gridCaseId: state.gridCaseId,
    mediationCaseId: state.mediationCaseId,
    committeeId: state.committeeId,
    status: state.status,
    outcome: state.outcome ?? null,
    outcomeLabel: state.outcome ? MEDIATION_OUTCOME_LABELS[state.outcome] : null,
    routesTold: state.routesTold ?? [],
    riskReports: state.riskReports,
    transfers: state.transfers,
    linkedAt: state.linkedAt,
    updatedAt: state.updatedAt,
    jurisdiction,
  };
}

/** The consumer `grid-dispatch.mediation-outcomes` in the context's runtime (resolved from the module). */
@Injectable()
export class OnMediationOutcomeConsumer implements ContextConsumer {
  readonly purpose = MEDIATION_OUTCOMES_PURPOSE;
  readonly topics = [topics.mediationCase];
  private readonly logger = new Logger('grid-dispatch.mediation-outcomes');

  constructor(
    @Inject(runtimeToken(CONTEXT_NAME)) private readonly runtime: ContextRuntime,
    @Inject(GridCases) private readonly cases: GridCases,
  ) {}

  async handle(event: IntegrationEvent): Promise<void> {
    const { events, readStore } = this.runtime.infra;
    await onMediationEvent(event, { events, readStore, workOrders: this.cases, clock: this.cases.clock }, this.logger);
  }
}
