/**
 * Consumer group `analytics.figures`: every context's integration events → `analytics_cases`
 * (revision-guarded upsert; a lost race is retried by the bus), then the early-warning rules.
 *
 * Early warning "same place again and again" (rule `EW.REPEATED_PLACE`): when a report makes
 * `REPEAT_THRESHOLD` or more cases at the same address (or the same ~100 m point) within
 * `REPEAT_WINDOW_DAYS`, an `EarlyWarningRaised` event is appended to analytics' own store (stream
 * `early-warning-<rule>-<place>`), with the cases behind it and a Chinese explanation; it is
 * raised once per place until acknowledged or resolved. The event id is derived from the
 * triggering event, so a redelivery appends nothing twice.
 */
import { createHash } from 'node:crypto';
import { IntakeCaseReportedV1, IntegrationEvent, topics } from '@fengqiao/contracts';
import { WrongExpectedRevisionError, DuplicateEventIdError } from '@fengqiao/event-store';
import { deterministicEventId, newId } from '@fengqiao/kernel';
import type { ContextConsumer, ContextRuntime } from '@fengqiao/platform';
import { CASE_FACTS, CaseFacts, evolveCaseFacts } from './case-facts.projection';

export const FIGURES_PURPOSE = 'figures';
export const REPEAT_THRESHOLD = 3;
export const REPEAT_WINDOW_DAYS = 30;
export const WARNING_STREAM_PREFIX = 'early-warning-';

export const ANALYTICS_META = 'analytics_meta';

/**
 * The figures consumer, rebuildable from the topics: its consumer group is
 * `analytics.figures.<generation>`, where the generation is kept in the read store itself. An empty
 * read store (a new database, or one wiped for a rebuild) gets a new generation, hence a new
 * consumer group, which Kafka starts from the beginning of the topics (the in-process bus
 * republishes every store from the start after a restart anyway).
 */
export function createFiguresConsumer(): { consumer: ContextConsumer; prepare(runtime: ContextRuntime): Promise<string> } {
  let generation: string | undefined;
  const consumer: ContextConsumer = {
    get purpose() {
      return generation ? `${FIGURES_PURPOSE}.${generation}` : FIGURES_PURPOSE;
    },
    topics: [topics.intakeCase, topics.gridDispatchCase],
    handle: handleFigures,
  };
  return {
    consumer,
    async prepare(runtime) {
      const store = runtime.infra.readStore;
      const meta = await store.get<{ generation: string }>(ANALYTICS_META, 'figures');
      if (meta) {
        generation = meta.generation;
      } else {
        generation = newId().replace(/-/g, '').slice(-12);
        await store.deleteAll(CASE_FACTS);
        await store.upsert(ANALYTICS_META, { _id: 'figures', generation, createdAt: new Date().toISOString() }, { revision: 1 });
      }
      return generation;
    },
  };
}

async function handleFigures(event: IntegrationEvent, runtime: ContextRuntime): Promise<void> {
  const store = runtime.infra.readStore;
  const current = await store.get<CaseFacts>(CASE_FACTS, event.subject);
  const next = evolveCaseFacts(current, event);
  if (current && next.applied.length === current.applied.length) return;
  const { _id: _i, _revision: _r, ...plain } = { _id: '', _revision: 0, ...next } as CaseFacts & { _id: string; _revision: number };
  const wrote = await store.upsert<CaseFacts>(CASE_FACTS, { ...plain, _id: event.subject }, { revision: (current?._revision ?? 0) + 1 });
  if (!wrote) throw new Error(`analytics_cases ${event.subject} changed meanwhile; retrying`);
  if (event.type === IntakeCaseReportedV1.type && next.placeKey && next.reportedAt) await repeatedPlace(runtime, next, event);
}

async function repeatedPlace(runtime: ContextRuntime, facts: CaseFacts, cause: IntegrationEvent): Promise<void> {
  const at = Date.parse(facts.reportedAt as string);
  const since = at - REPEAT_WINDOW_DAYS * 86_400_000;
  const same = (await runtime.infra.readStore.find<CaseFacts>(CASE_FACTS, { placeKey: facts.placeKey })).filter((f) => {
    const t = f.reportedAt ? Date.parse(f.reportedAt) : NaN;
    return t >= since && t <= at;
  });
  if (same.length < REPEAT_THRESHOLD) return;
  const streamId = `${WARNING_STREAM_PREFIX}repeated-place-${createHash('sha256').update(facts.placeKey as string).digest('hex').slice(0, 16)}`;
  const history = await runtime.infra.events.readStream(streamId);
  const last = history[history.length - 1];
  if (last && last.type !== 'EarlyWarningResolved') return; // raised already, still open
  const place = (facts.placeKey as string).replace(/^addr:|^pt:/, '');
  const caseIds = same.map((f) => f.caseId).sort();
  try {
    await runtime.infra.events.append(
      streamId,
      [
        {
          id: deterministicEventId(`${streamId}/${cause.id}`, at),
          type: 'EarlyWarningRaised',
          schemaVersion: 1,
          occurredAt: cause.time,
          actor: { userId: 'system:analytics', role: 'system', unitId: facts.jurisdiction[0] ?? 'system' },
          correlationId: cause.correlationId,
          causationId: cause.id,
          jurisdiction: [...facts.jurisdiction],
          data: {
            warningId: streamId,
            rule: 'EW.REPEATED_PLACE',
            ruleText: `同一地点 ${REPEAT_WINDOW_DAYS} 天内上报 ${REPEAT_THRESHOLD} 件及以上`,
            place,
            gridId: facts.gridId,
            caseIds,
            count: caseIds.length,
            windowDays: REPEAT_WINDOW_DAYS,
            explanation: `${place} 在 ${REPEAT_WINDOW_DAYS} 天内已上报 ${caseIds.length} 件事件（${caseIds.join('、')}），同一问题反复发生，建议由网格所属村居综治中心牵头排查根源、落实长效措施。`,
          },
        },
      ],
      { expectedRevision: last ? last.revision : 'no_stream' },
    );
  } catch (e) {
    if (e instanceof DuplicateEventIdError) return; // a redelivery raised it already
    if (e instanceof WrongExpectedRevisionError) throw new Error(`early warning ${streamId} changed meanwhile; retrying`, { cause: e });
    throw e;
  }
}
