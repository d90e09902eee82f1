import { ReferCase } from '@fengqiao/grid-dispatch-domain';
import { CommandMeta, deterministicEventId } from '@fengqiao/kernel';
import { UnitDirectory } from '../directory/unit-directory';
import { autoDispatchReason, RouteMatch } from '../reference-data/routing-rules';

/**
 * Whether a routing rule's responsible unit is a people's mediation committee: such a unit cannot
 * take a work order (a committee has no work-order actions), so the case goes to mediation as a
 * referral instead (DESIGN §2 journey 2). Known from the directory's unit kind; a replica without
 * the directory in process recognises the committees by their id (`mc-…`, the district's naming).
 */
export function routesToMediation(directory: UnitDirectory | undefined, unitId: string): boolean {
  const unit = directory?.unit(unitId);
  return unit ? unit.kind === 'mediation_committee' : unitId.startsWith('mc-');
}

/**
 * The referral of a filed case to mediation by the routing rule (as the dispatch would have been
 * made): the work order becomes `referred` and its published `referred` event opens the mediation
 * case at the committee of the place (mediation's consumer `mediation.grid-referrals`). Its event
 * ids are deterministic from `idSeed`.
 */
export function referByRoutingRule(
  caseId: string,
  match: RouteMatch,
  rulesVersion: number,
  meta: Omit<CommandMeta, 'reason'>,
  idSeed: string,
  eventTimeMs: number,
): { command: ReferCase; eventId: (i: number) => string } {
  return {
    command: {
      type: 'ReferCase',
      data: { caseId, target: 'mediation' },
      meta: { ...meta, reason: `${autoDispatchReason(rulesVersion, match)}：承办单位为人民调解委员会 ${match.rule.unitId}，转人民调解` },
    },
    eventId: (i: number) => deterministicEventId(`${idSeed}/refer/${i}`, eventTimeMs),
  };
}
