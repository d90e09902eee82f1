/**
 * Early warnings are events in analytics' own store, one stream per warning key
 * (`early-warning-<key>`): `EarlyWarningRaised` (by the system, with the rule, the cases and the
 * explanation), `EarlyWarningAcknowledged` and `EarlyWarningResolved` (by an operator, with a note),
 * so their handling is auditable like any case. A key raises again only after it was resolved.
 */
import { DuplicateEventIdError, WrongExpectedRevisionError, type StoredEvent } from '@fengqiao/event-store';
import type { IntegrationEvent } from '@fengqiao/contracts';
import type { Principal } from '@fengqiao/identity';
import { deterministicEventId, IllegalStateError, newId, NotFoundError, systemClock } from '@fengqiao/kernel';
import { actorOf, assertInJurisdiction, type ContextRuntime } from '@fengqiao/platform';
import type { WarningDraft } from './early-warning.rules';

export const WARNING_STREAM_PREFIX = 'early-warning-';
export type WarningStatus = 'raised' | 'acknowledged' | 'resolved';

const STATUS_OF: Record<string, WarningStatus> = {
  EarlyWarningRaised: 'raised',
  EarlyWarningAcknowledged: 'acknowledged',
  EarlyWarningResolved: 'resolved',
};

/** Appends `EarlyWarningRaised` unless the key has a warning still open; the event id comes from the cause (redeliveries add nothing). */
export async function raiseWarning(runtime: ContextRuntime, draft: WarningDraft, cause: IntegrationEvent): Promise<boolean> {
  const streamId = `${WARNING_STREAM_PREFIX}${draft.key}`;
  // only the warning's last event decides (the rules ask on every report of a place that keeps reporting)
  const [last] = await runtime.infra.events.readStream(streamId, { direction: 'backward', maxCount: 1 });
  if (last && last.type !== 'EarlyWarningResolved') return false;
  const { key: _key, ...data } = draft;
  try {
    await runtime.infra.events.append(
      streamId,
      [
        {
          id: deterministicEventId(`${streamId}/${cause.id}`, Date.parse(cause.time)),
          type: 'EarlyWarningRaised',
          schemaVersion: 1,
          occurredAt: cause.time,
          actor: { userId: 'system:analytics', role: 'system', unitId: draft.jurisdiction[0] ?? 'system' },
          correlationId: cause.correlationId,
          causationId: cause.id,
          jurisdiction: [...draft.jurisdiction],
          data: { warningId: streamId, ...data },
        },
      ],
      { expectedRevision: last ? last.revision : 'no_stream' },
    );
    return true;
  } catch (e) {
    if (e instanceof DuplicateEventIdError) return false; // a redelivery raised it already
    if (e instanceof WrongExpectedRevisionError) throw new Error(`early warning ${streamId} changed meanwhile; retrying`, { cause: e });
    throw e;
  }
}

/** An operator acknowledges or resolves a warning in their jurisdiction, with a note. */
export async function handleWarning(
  runtime: ContextRuntime,
  principal: Principal,
  warningId: string,
  action: 'acknowledge' | 'resolve',
  note: string,
): Promise<WarningView> {
  if (!warningId.startsWith(WARNING_STREAM_PREFIX)) throw new NotFoundError('ANALYTICS.WARNING_NOT_FOUND', '没有该预警');
  const history = await runtime.infra.events.readStream(warningId);
  const last = history[history.length - 1];
  if (!last) throw new NotFoundError('ANALYTICS.WARNING_NOT_FOUND', '没有该预警');
  assertInJurisdiction(principal, last.jurisdiction, 'analytics.warning', { type: 'warning', id: warningId });
  const status = STATUS_OF[last.type];
  if (status === 'resolved') throw new IllegalStateError('ANALYTICS.WARNING_RESOLVED', '该预警已处置完毕');
  if (action === 'acknowledge' && status === 'acknowledged') throw new IllegalStateError('ANALYTICS.WARNING_ACKNOWLEDGED', '该预警已签收');
  const id = newId();
  await runtime.infra.events.append(
    warningId,
    [
      {
        id,
        type: action === 'acknowledge' ? 'EarlyWarningAcknowledged' : 'EarlyWarningResolved',
        schemaVersion: 1,
        occurredAt: systemClock.now().toISOString(),
        actor: actorOf(principal, 'analytics.warning'),
        correlationId: last.correlationId,
        causationId: last.id,
        jurisdiction: [...last.jurisdiction],
        data: { warningId, note },
      },
    ],
    { expectedRevision: last.revision },
  );
  return viewOf(await runtime.infra.events.readStream(warningId)) as WarningView;
}

/** What every `EarlyWarningRaised` holds besides the rule (its draft without the key), whatever the rule. */
type RaisedFields = Pick<WarningDraft, 'ruleText' | 'gridId' | 'caseIds' | 'count' | 'explanation'>;

export interface WarningView extends RaisedFields {
  warningId: string;
  status: WarningStatus;
  rule: string;
  raisedAt: string;
  jurisdiction: string[];
  history: Array<{ type: string; at: string; by: StoredEvent['actor']; note?: string }>;
  [field: string]: unknown;
}

/** The current view of one warning stream (the latest raise and what followed it). */
export function viewOf(events: readonly StoredEvent[]): WarningView | undefined {
  const raisedAt = events.map((e) => e.type).lastIndexOf('EarlyWarningRaised');
  if (raisedAt < 0) return undefined;
  const raised = events[raisedAt];
  const tail = events.slice(raisedAt);
  const last = tail[tail.length - 1];
  return {
    ...(raised.data as RaisedFields & Record<string, unknown>),
    warningId: raised.streamId,
    status: STATUS_OF[last.type] ?? 'raised',
    rule: String((raised.data as { rule?: unknown }).rule),
    raisedAt: raised.occurredAt,
    jurisdiction: [...raised.jurisdiction],
    history: tail.map((e) => ({
      type: e.type,
      at: e.occurredAt,
      by: e.actor,
      ...(typeof (e.data as { note?: unknown }).note === 'string' ? { note: (e.data as { note: string }).note } : {}),
    })),
  };
}

/** Every warning in the store, grouped by stream. */
export async function listWarnings(runtime: ContextRuntime): Promise<WarningView[]> {
  const byStream = new Map<string, StoredEvent[]>();
  for (let after = 0; ;) {
    const page = await runtime.infra.events.readAll({ afterPosition: after, maxCount: 1000 });
    if (page.length === 0) break;
    after = page[page.length - 1].globalPosition;
    for (const e of page) {
      if (!e.streamId.startsWith(WARNING_STREAM_PREFIX)) continue;
      byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
    }
  }
  return [...byStream.values()].map(viewOf).filter((w): w is WarningView => w !== undefined);
}
