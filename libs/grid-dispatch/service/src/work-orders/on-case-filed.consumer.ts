import { Inject, Injectable, Logger } from '@nestjs/common';
import { IntakeCaseFiledV1, IntakeCaseFiledV1Data, IntegrationEvent, topics } from '@fengqiao/contracts';
import { Actor, deterministicEventId, DomainError } from '@fengqiao/kernel';
import { OpenWorkOrder, DispatchCase, GridCaseCommand } from '@fengqiao/grid-dispatch-domain';
import { ContextConsumer, NextCommand } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { GridDispatchDirectory } from '../directory/grid-dispatch-directory';
import { unionPaths } from '../directory/unit-directory';
import { ReferenceTables } from '../reference-data/reference-tables';
import { autoDispatchReason, resolveRoute, RouteMatch } from '../reference-data/routing-rules';
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

export type CaseFiledOutcome =
  | { kind: 'ignored' }
  | { kind: 'dispatched'; unitId: string; rulesVersion: number }
  | { kind: 'unroutable'; rulesVersion: number | null }
  | { kind: 'referred_to_mediation'; committeeId: string; rulesVersion: number }
  | { kind: 'not_filed'; status: string };

/**
 * Consumer `grid-dispatch.work-orders` on `intake.case.events.v1`: intake's CaseFiled opens the work
 * order (its location recorded on it), then routing (category × grid → responsible unit)
 * dispatches it. No route: the case stays `filed`, in the unroutable queue of the board, until an
 * operator dispatches it by hand.
 *
 * Redelivery: the runtime's inbox skips an event handled before; if a crash came between the
 * append and the inbox write, the second run finds the work order open (GRID_CASE.ALREADY_OPEN)
 * and dispatches only if it is still `filed`. Event ids are deterministic from the intake event's
 * id, so even a concurrent double delivery stores each event once.
 *
 * Reads that went wrong are retried, not decided on: a routing table read older than one already
 * seen (`StaleTableReadError`, see the platform's ReferenceTable) or a work order that reads as absent right after
 * it was opened throw a plain error, so the delivery is retried and the inbox claim released; only a
 * table that was never published, or a rule that covers no such case, leaves it unroutable.
 *
 * Failures: the runtime retries only a stale revision (`revision_conflict`, a race the runner
 * already re-decided a few times) and dead-letters any other broken rule at once
 * (`retryableOrDeadLetter`); the outcomes that mean "already done" (the order already open, or
 * dispatched by hand meanwhile) are caught here and end the handling.
 */
@Injectable()
export class OnCaseFiledConsumer implements ContextConsumer {
  readonly purpose = WORK_ORDERS_PURPOSE;
  readonly topics = [topics.intakeCase];
  private readonly logger = new Logger('grid-dispatch.work-orders');

  constructor(
    @Inject(GridCases) private readonly cases: GridCases,
    @Inject(ReferenceTables) private readonly tables: ReferenceTables,
    @Inject(GridDispatchDirectory) private readonly directory: GridDispatchDirectory,
  ) {}

  /** Only CaseFiled opens a work order: intake's other events pass without an inbox claim. */
  handles(type: string): boolean {
    return type === IntakeCaseFiledV1.type;
  }

  async handle(event: IntegrationEvent): Promise<void> {
    const outcome = await this.onCaseFiled(event);
    // every outcome is logged (unroutable as a warning below): a case that stays filed can be traced
    if (outcome.kind === 'dispatched') this.logger.log(`case ${event.subject}: dispatched to ${outcome.unitId} by routing rules v${outcome.rulesVersion}`);
    else if (outcome.kind === 'referred_to_mediation')
      this.logger.log(`case ${event.subject}: referred to mediation committee ${outcome.committeeId} by routing rules v${outcome.rulesVersion}`);
    else if (outcome.kind === 'not_filed') this.logger.log(`case ${event.subject}: work order already ${outcome.status}, nothing to dispatch`);
  }

  async onCaseFiled(event: IntegrationEvent): Promise<CaseFiledOutcome> {
    if (event.type !== IntakeCaseFiledV1.type) return { kind: 'ignored' };
    const d = event.data as IntakeCaseFiledV1Data;
    const directory = this.directory.current();
    // where the case is: intake's unit path, completed with the grid's own path when the directory knows it
    const location = unionPaths(d.jurisdiction, (d.gridId && directory?.unit(d.gridId)?.path) || []);
    const eventTimeMs = Date.parse(event.time);
    const idSeed = `${event.id}/${WORK_ORDERS_PURPOSE}`;
    const idsFor = (step: string) => (i: number) => deterministicEventId(`${idSeed}/${step}/${i}`, eventTimeMs);
    const meta = { correlationId: event.correlationId, causationId: event.id };
    const now = () => this.cases.clock.now().toISOString();
    // the routing table is read while the case is read (neither needs the other)
    const tableRead = this.tables.routingRules.current();
    tableRead.catch(() => undefined); // awaited below; not an unhandled rejection if the reading of the case fails first
    let routed: Routed | undefined;
    /** The command routing gives a filed order (dispatch or referral), or null (unroutable). */
    const routeCommand = async (): Promise<NextCommand<GridCaseCommand> | null> => {
      const table = await tableRead;
      const match = table ? resolveRoute(table.rows, d.category, { gridId: d.gridId, path: location }) : undefined;
      routed =
        table && match
          ? { match, version: table.version, toMediation: routesToMediation(directory, match.rule.unitId) }
          : { unroutable: table?.version ?? null };
      if (!('match' in routed)) return null;
      const actorMeta = { ...meta, actor: autoRoutingActor(d.level, location), now: now() };
      // a people's mediation committee takes no work order: the case is referred to mediation instead
      if (routed.toMediation) return referByRoutingRule(d.caseId, routed.match, routed.version, actorMeta, idSeed, eventTimeMs);
      const dispatch: DispatchCase = {
        type: 'DispatchCase',
        data: { caseId: d.caseId, unitId: routed.match.rule.unitId },
        meta: { ...actorMeta, reason: autoDispatchReason(routed.version, routed.match) },
      };
      return { command: dispatch, eventId: idsFor('dispatch') };
    };

    const open: OpenWorkOrder = {
      type: 'OpenWorkOrder',
      data: { caseId: d.caseId, category: d.category, urgency: d.urgency, gridId: d.gridId, level: d.level, filedAt: d.filedAt, location },
      meta: { ...meta, actor: INTAKE_REACTION_ACTOR, now: now() },
    };
    // the opening and what routing decides on the order it opens go into one append; the views and
    // the relay are woken, not awaited (nobody reads right after a reaction)
    let status: string;
    try {
      const result = await this.cases.execute(d.caseId, open, {
        eventId: idsFor('open'),
        next: (state) => (state.status === 'filed' ? routeCommand() : null),
        background: true,
      });
      status = result.status;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'GRID_CASE.ALREADY_OPEN') return this.routeOpenOrder(d, location, routeCommand, () => routed);
      throw this.routingFailure(d.caseId, e) ?? e;
    }
    return this.outcome(d, location, status, routed);
  }

  /**
   * The order was open already (a redelivery after a crash between the append and the inbox
   * write, or a concurrent one): routed now only if it is still `filed`.
   */
  private async routeOpenOrder(
    d: IntakeCaseFiledV1Data,
    location: readonly string[],
    routeCommand: () => Promise<NextCommand<GridCaseCommand> | null>,
    routed: () => Routed | undefined,
  ): Promise<CaseFiledOutcome> {
    const caseId = d.caseId;
    const loaded = await this.cases.read(caseId);
    // the order was opened before: a read without it went wrong (the database restarting under the
    // service); retried, never answered "not filed" and marked done without a dispatch
    if (loaded.state.status === 'none') throw new Error(`case ${caseId}: the work order just opened reads as absent (a stale read: retry)`);
    if (loaded.state.status !== 'filed') return { kind: 'not_filed', status: loaded.state.status };
    const next = await routeCommand();
    let status = loaded.state.status as string;
    if (next) {
      try {
        status = (await this.cases.execute(caseId, next.command, { ...(next.eventId ? { eventId: next.eventId } : {}), background: true })).status;
      } catch (e) {
        const failure = this.routingFailure(caseId, e);
        if (failure) throw failure;
        // an operator dispatched (or merged, or referred) it by hand in between: nothing left to do
        if (e instanceof DomainError && e.kind === 'illegal_state') {
          const after = await this.cases.read(caseId);
          if (after.state.status !== 'filed') return { kind: 'not_filed', status: after.state.status };
        }
        throw e;
      }
    }
    return this.outcome(d, location, status, routed());
  }

  /** The order just opened reads as absent (the database restarting under the service): retried, never dead-lettered as "no such order". */
  private routingFailure(caseId: string, e: unknown): Error | undefined {
    if (e instanceof DomainError && e.code === 'GRID_CASE.NOT_FOUND') {
      return new Error(`case ${caseId}: the work order just opened reads as absent (a stale read: retry)`, { cause: e });
    }
    return undefined;
  }

  private outcome(
    d: Pick<IntakeCaseFiledV1Data, 'caseId' | 'category' | 'gridId'>,
    location: readonly string[],
    status: string,
    routed: Routed | undefined,
  ): CaseFiledOutcome {
    if (routed === undefined) return { kind: 'not_filed', status };
    if (!('match' in routed)) {
      this.logger.warn(
        `case ${d.caseId}: no routing rule for category "${d.category}" at ${d.gridId ?? location.join('/')} (rules v${routed.unroutable ?? 0}): left in the unroutable queue`,
      );
      return { kind: 'unroutable', rulesVersion: routed.unroutable };
    }
    if (routed.toMediation) return { kind: 'referred_to_mediation', committeeId: routed.match.rule.unitId, rulesVersion: routed.version };
    return { kind: 'dispatched', unitId: routed.match.rule.unitId, rulesVersion: routed.version };
  }
}

/** What routing found for a filed order: a rule (to a unit, or to a mediation committee), or none in the table of that version. */
type Routed = { match: RouteMatch; version: number; toMediation: boolean } | { unroutable: number | null };
