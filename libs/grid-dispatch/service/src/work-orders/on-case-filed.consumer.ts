import { Logger } from '@nestjs/common';
import { IntakeCaseFiledV1, IntakeCaseFiledV1Data, IntegrationEvent } from '@fengqiao/contracts';
import { NonRetriableError } from '@fengqiao/bus';
import { Actor, Clock, deterministicEventId, DomainError, IllegalStateError } from '@fengqiao/kernel';
import { OpenWorkOrder, DispatchCase } from '@fengqiao/grid-dispatch-domain';
import { unionPaths, UnitDirectory } from '../directory/unit-directory';
import { autoDispatchReason, resolveRoute, RoutingRule } from '../reference-data/routing-rules';
import { VersionedTable } from '../reference-data/versioned-table';
import { WorkOrderHandler } from './work-order.handler';
import { referByRoutingRule, routesToMediation } from '../on-mediation-outcome/route-to-mediation';

export const WORK_ORDERS_PURPOSE = 'work-orders';

/** The actor of the work orders opened from intake's CaseFiled. */
export const INTAKE_REACTION_ACTOR: Actor = { userId: 'grid-dispatch.work-orders', role: 'system', unitId: 'system' };

/**
 * The actor of an automatic dispatch: routing acts for the governance centre that holds the case
 * (the unit at the case's level on its location path), by the routing table that centre's admins
 * publish.
 *
 * NOTE: recorded with role `operator` because the decider (libs/grid-dispatch/domain) lets only
 * operators dispatch; the user id `system:auto-routing` and the reason (table version and rule)
 * tell an auditor it was the routing table. When the decider accepts role `system` for
 * DispatchCase, change the role here and nothing else.
 */
export function autoRoutingActor(level: string, location: readonly string[]): Actor {
  const index = level === 'district' ? 0 : level === 'town' ? 1 : 2;
  const unitId = location[Math.min(index, location.length - 1)] ?? 'system';
  return { userId: 'system:auto-routing', role: 'operator', unitId };
}

export interface OnCaseFiledDeps {
  workOrders: WorkOrderHandler;
  routingRules: VersionedTable<RoutingRule>;
  directory: () => UnitDirectory | undefined;
  clock: Clock;
}

export type CaseFiledOutcome =
  | { kind: 'ignored' }
  | { kind: 'dispatched'; unitId: string; rulesVersion: number }
  | { kind: 'unroutable'; rulesVersion: number | null }
  | { kind: 'referred_to_mediation'; committeeId: string; rulesVersion: number }
  | { kind: 'not_filed'; status: string };

/**
 * Consumer `grid-dispatch.work-orders` on `intake.case.events.v1`: intake's CaseFiled opens the work
 * order, then routing (category × grid → responsible unit) dispatches it. No route: the case
 * stays `filed`, in the unroutable queue of the board, until an operator dispatches it by hand.
 *
 * Redelivery: the runtime's inbox skips an event handled before; if a crash came between the
 * append and the inbox write, the second run finds the work order open (GRID_CASE.ALREADY_OPEN)
 * and dispatches only if it is still `filed`. Event ids are deterministic from the intake event's
 * id, so even a concurrent double delivery stores each event once.
 */
export async function onCaseFiled(event: IntegrationEvent, deps: OnCaseFiledDeps, logger?: Logger): Promise<CaseFiledOutcome> {
  if (event.type !== IntakeCaseFiledV1.type) return { kind: 'ignored' };
  const d = event.data as IntakeCaseFiledV1Data;
  const directory = deps.directory();
  // where the case is: intake's unit path, completed with the grid's own path when the directory knows it
  const location = unionPaths(d.jurisdiction, (d.gridId && directory?.unit(d.gridId)?.path) || []);
  const eventTimeMs = Date.parse(event.time);
  const idsFor = (step: string) => (i: number) => deterministicEventId(`${event.id}/${WORK_ORDERS_PURPOSE}/${step}/${i}`, eventTimeMs);
  const meta = { correlationId: event.correlationId, causationId: event.id };

  const open: OpenWorkOrder = {
    type: 'OpenWorkOrder',
    data: { caseId: d.caseId, category: d.category, urgency: d.urgency, gridId: d.gridId, level: d.level, filedAt: d.filedAt },
    meta: { ...meta, actor: INTAKE_REACTION_ACTOR, now: deps.clock.now().toISOString() },
  };
  try {
    await deps.workOrders.execute(open, { location, eventId: idsFor('open') });
  } catch (e) {
    if (!(e instanceof IllegalStateError && e.code === 'GRID_CASE.ALREADY_OPEN')) throw permanent(e);
  }

  const loaded = await deps.workOrders.load(d.caseId);
  if (loaded.state.status !== 'filed') return { kind: 'not_filed', status: loaded.state.status };
  const table = await deps.routingRules.current();
  const match = table ? resolveRoute(table.rules, d.category, { gridId: d.gridId, path: location }) : undefined;
  if (!table || !match) {
    logger?.warn(`case ${d.caseId}: no routing rule for category "${d.category}" at ${d.gridId ?? location.join('/')} (rules v${table?.version ?? 0}): left in the unroutable queue`);
    return { kind: 'unroutable', rulesVersion: table?.version ?? null };
  }
  if (routesToMediation(directory, match.rule.unitId)) {
    const meta2 = { ...meta, actor: autoRoutingActor(d.level, location), now: deps.clock.now().toISOString() };
    await referByRoutingRule(deps.workOrders, d.caseId, match, table.version, meta2, loaded.revision, `${event.id}/${WORK_ORDERS_PURPOSE}`, eventTimeMs).catch((e: unknown) => {
      throw permanent(e);
    });
    return { kind: 'referred_to_mediation', committeeId: match.rule.unitId, rulesVersion: table.version };
  }
  const dispatch: DispatchCase = {
    type: 'DispatchCase',
    data: { caseId: d.caseId, unitId: match.rule.unitId },
    meta: { ...meta, actor: autoRoutingActor(d.level, location), now: deps.clock.now().toISOString(), reason: autoDispatchReason(table.version, match) },
  };
  try {
    await deps.workOrders.execute(dispatch, { eventId: idsFor('dispatch'), expectedRevision: loaded.revision });
  } catch (e) {
    // an operator dispatched it by hand in between: nothing left to do
    if (e instanceof DomainError && (e.kind === 'revision_conflict' || e.kind === 'illegal_state')) {
      const now = await deps.workOrders.load(d.caseId);
      if (now.state.status !== 'filed') return { kind: 'not_filed', status: now.state.status };
    }
    throw permanent(e);
  }
  return { kind: 'dispatched', unitId: match.rule.unitId, rulesVersion: table.version };
}

/** A broken business rule will not heal by retrying: dead-letter it at once. Anything else is retried. */
function permanent(e: unknown): unknown {
  return e instanceof DomainError && e.kind !== 'revision_conflict' ? new NonRetriableError(`${e.code}: ${e.message}`, { cause: e }) : e;
}
