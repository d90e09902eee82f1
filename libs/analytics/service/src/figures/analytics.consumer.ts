/**
 * Consumer group `analytics.figures.<generation>`: every context's integration events →
 * `analytics_cases` (revision-guarded upsert; a lost race is retried by the bus), then the
 * early-warning rules (warnings/early-warning.rules.ts), raised as events in analytics' own store.
 */
import { gridDispatchContracts, IntakeCaseReportedV1, IntegrationEvent, topics } from '@fengqiao/contracts';
import { newId } from '@fengqiao/kernel';
import type { ContextConsumer, ContextRuntime } from '@fengqiao/platform';
import { CASE_FACTS, CaseFacts, evolveCaseFacts } from './case-facts.projection';
import { categorySurge, overdueRising, REPEAT_WINDOW_DAYS, repeatedPlace, SURGE_BASELINE_WEEKS, SURGE_WINDOW_DAYS } from '../warnings/early-warning.rules';
import { raiseWarning } from '../warnings/early-warnings';

export const FIGURES_PURPOSE = 'figures';

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
        await store.deleteAll(RECENT_REPORTS);
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
  await evaluateWarnings(runtime, next, event);
}

/** Recent reports per place and per grid × category, bounded to the rules' windows: one small document per key, so a rule reads O(1) documents. */
export const RECENT_REPORTS = 'analytics_recent_reports';
const PLACE_WINDOW_MS = REPEAT_WINDOW_DAYS * 86_400_000;
const SURGE_SPAN_MS = (SURGE_WINDOW_DAYS + SURGE_BASELINE_WEEKS * 7) * 86_400_000;

interface RecentReports {
  reports: Array<{ caseId: string; reportedAt: string }>;
}

async function recordRecent(runtime: ContextRuntime, key: string, facts: CaseFacts, spanMs: number): Promise<CaseFacts[]> {
  const store = runtime.infra.readStore;
  const doc = await store.get<RecentReports>(RECENT_REPORTS, key);
  const at = Date.parse(facts.reportedAt as string);
  const reports = [...(doc?.reports ?? []).filter((r) => r.caseId !== facts.caseId), { caseId: facts.caseId, reportedAt: facts.reportedAt as string }]
    .filter((r) => Date.parse(r.reportedAt) > at - spanMs)
    .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
  if (!(await store.upsert<RecentReports>(RECENT_REPORTS, { _id: key, reports }, { revision: (doc?._revision ?? 0) + 1 }))) {
    throw new Error(`${RECENT_REPORTS} ${key} changed meanwhile; retrying`);
  }
  return reports.map((r) => ({ ...facts, caseId: r.caseId, reportedAt: r.reportedAt }));
}

async function evaluateWarnings(runtime: ContextRuntime, facts: CaseFacts, cause: IntegrationEvent): Promise<void> {
  const drafts = [];
  if (cause.type === IntakeCaseReportedV1.type && facts.reportedAt) {
    if (facts.placeKey) drafts.push(repeatedPlace(facts, await recordRecent(runtime, `place:${facts.placeKey}`, facts, PLACE_WINDOW_MS)));
    if (facts.gridId && facts.category) drafts.push(categorySurge(facts, await recordRecent(runtime, `surge:${facts.gridId}/${facts.category}`, facts, SURGE_SPAN_MS)));
  } else if (cause.type === gridDispatchContracts.DeadlineBreached.type && facts.jurisdiction[2]) {
    drafts.push(overdueRising(facts, await runtime.infra.readStore.find<CaseFacts>(CASE_FACTS, { jurisdiction: facts.jurisdiction[2] })));
  }
  for (const draft of drafts) if (draft) await raiseWarning(runtime, draft, cause);
}
