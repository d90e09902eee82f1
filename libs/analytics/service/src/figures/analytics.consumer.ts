/**
 * Consumer group `analytics.figures.<generation>`: every context's integration events →
 * `analytics_cases` (grid cases), `analytics_mediation_cases`, `analytics_petitions`
 * (revision-guarded upserts; a lost race is retried by the bus), then the early-warning rules
 * (warnings/early-warning.rules.ts), raised as events in analytics' own store.
 *
 * Idempotent by itself, so its deliveries take no inbox claim (`ContextConsumer.idempotent`): a
 * facts document lists the events folded into it, and the steps after the fold (the recent-reports
 * documents, the warnings) run whenever the document holds the event, folded now or by an earlier
 * delivery, and are idempotent themselves (a report replaces its own entry; a warning's event id is
 * derived from its cause, which the store refuses twice). A delivery that failed after its fold (a
 * lost race on a recent-reports document) therefore completes on its retry.
 */
import { gridDispatchContracts, IntakeCaseReportedV1, IntegrationEvent, PetitionEventData, topics } from '@fengqiao/contracts';
import { newId } from '@fengqiao/kernel';
import type { ContextConsumer, ContextRuntime } from '@fengqiao/platform';
import { READ_AGAIN, withDocumentLock, withLastWritten } from '@fengqiao/read-store';
import { CASE_FACTS, CaseFacts, evolveCaseFacts } from './case-facts.projection';
import { evolveMediationFacts, evolvePetitionFacts, MEDIATION_FACTS, MediationFacts, PETITION_FACTS, PetitionFacts } from './dispute-facts.projection';
import {
  categorySurge,
  overdueRising,
  petitionEscalating,
  PetitionSignal,
  REPEAT_WINDOW_DAYS,
  repeatedPlace,
  SURGE_BASELINE_WEEKS,
  SURGE_WINDOW_DAYS,
} from '../warnings/early-warning.rules';
import { raiseWarning } from '../warnings/early-warnings';

export const FIGURES_PURPOSE = 'figures';

export const ANALYTICS_META = 'analytics_meta';

/**
 * The figures consumer, rebuildable from the topics: its consumer group is
 * `analytics.figures.<generation>`, where the generation is kept in the read store itself. An empty
 * read store (a new database, or one wiped for a rebuild) gets a new generation, hence a new
 * consumer group, which Kafka starts from the beginning of the topics. The in-process bus
 * (standalone) keeps no history: there the consumer asks the process's relays to publish their
 * stores again (`needsHistory`), and the generation stays marked `replayPending` until they caught
 * up, so a crash during the rebuild replays again at the next start.
 */
export function createFiguresConsumer(): { consumer: ContextConsumer; prepare(runtime: ContextRuntime): Promise<string> } {
  let generation: string | undefined;
  /** a generation whose rebuild from the topics has not been seen to finish (in-process bus only) */
  let replayPending = false;
  const consumer: ContextConsumer = {
    get purpose() {
      return generation ? `${FIGURES_PURPOSE}.${generation}` : FIGURES_PURPOSE;
    },
    topics: [topics.intakeCase, topics.gridDispatchCase, topics.mediationCase, topics.petitionsPetition],
    handle: (event, runtime) => {
      if (event.type.startsWith('cn.fengqiao.mediation.')) return handleMediation(event, runtime);
      if (event.type.startsWith('cn.fengqiao.petitions.')) return handlePetition(event, runtime);
      return handleFigures(event, runtime);
    },
    idempotent: true,
    handleRun: (events, runtime) => handleRun(events, runtime, consumer.handle),
    needsHistory: () => replayPending,
    historyReplayed: async (runtime) => {
      const store = runtime.infra.readStore;
      const meta = await store.get<FiguresMeta>(ANALYTICS_META, 'figures');
      if (!meta || meta.generation !== generation || !meta.replayPending) return;
      await store.upsert<FiguresMeta>(
        ANALYTICS_META,
        { _id: 'figures', generation: meta.generation, createdAt: meta.createdAt, replayPending: false },
        { revision: meta._revision + 1 },
      );
      replayPending = false;
    },
  };
  return {
    consumer,
    async prepare(runtime) {
      const store = runtime.infra.readStore;
      const meta = await store.get<FiguresMeta>(ANALYTICS_META, 'figures');
      if (meta) {
        generation = meta.generation;
        replayPending = meta.replayPending === true;
      } else {
        generation = newId().replace(/-/g, '').slice(-12);
        replayPending = true;
        for (const collection of [CASE_FACTS, RECENT_REPORTS, MEDIATION_FACTS, PETITION_FACTS, PETITION_MATTERS]) await store.deleteAll(collection);
        await store.upsert<FiguresMeta>(
          ANALYTICS_META,
          { _id: 'figures', generation, createdAt: new Date().toISOString(), replayPending: true },
          { revision: 1 },
        );
      }
      return generation;
    },
  };
}

interface FiguresMeta {
  generation: string;
  createdAt: string;
  /** set until an in-process rebuild has caught up (a crash before that replays again at the next start) */
  replayPending?: boolean;
}

async function handleFigures(event: IntegrationEvent, runtime: ContextRuntime): Promise<void> {
  const facts = await foldInto<CaseFacts>(runtime, CASE_FACTS, event.subject, event.id, (doc) => evolveCaseFacts(doc, event));
  if (facts) await evaluateWarnings(runtime, facts, event);
}

const isCaseFigure = (event: IntegrationEvent) => !event.type.startsWith('cn.fengqiao.mediation.') && !event.type.startsWith('cn.fengqiao.petitions.');

/** A case's events that came together: folded with one write of its facts, then the warnings of each in turn. */
async function handleRun(events: readonly IntegrationEvent[], runtime: ContextRuntime, handle: ContextConsumer['handle']): Promise<void> {
  if (!events.every(isCaseFigure) || events.some((e) => e.subject !== events[0].subject)) {
    for (const event of events) await handle(event, runtime);
    return;
  }
  const steps = await foldRunInto<CaseFacts, IntegrationEvent>(runtime, CASE_FACTS, events[0].subject, events, evolveCaseFacts);
  for (const [facts, event] of steps) await evaluateWarnings(runtime, facts, event);
}

/**
 * Folds one event into a per-case facts document with a revision-guarded upsert, and returns the
 * facts when they hold the event (folded now or by an earlier delivery: the caller's next steps run
 * again on a retry), undefined when the event does not apply to them. The events of one case come on
 * several topics, consumed at the same time: within this process they take turns on the document
 * (`withDocumentLock`); a race with another replica is lost by one of them, which throws and is
 * retried by the bus.
 */
export async function foldInto<T extends { applied: string[] }>(
  runtime: Pick<ContextRuntime, 'infra'>,
  collection: string,
  id: string,
  eventId: string,
  evolve: (doc: T | null) => T,
): Promise<T | undefined> {
  const steps = await foldRunInto<T, { id: string }>(runtime, collection, id, [{ id: eventId }], (doc) => evolve(doc));
  return steps[0]?.[0];
}

/**
 * `foldInto` for several events of one document, in order, with ONE write (the events of a case
 * that came together: `ContextConsumer.handleRun`). Returns, for each event the facts hold (folded
 * now or before), the facts as they stood right after it, so the steps after the fold run for
 * each event exactly as they would have one by one.
 */
export function foldRunInto<T extends { applied: string[] }, E extends { id: string }>(
  runtime: Pick<ContextRuntime, 'infra'>,
  collection: string,
  id: string,
  events: readonly E[],
  evolve: (doc: T | null, event: E) => T,
): Promise<Array<[T, E]>> {
  const store = runtime.infra.readStore;
  // the document as this process last wrote it (no read; the write checks it is still that version), else as stored
  return withDocumentLock(store, collection, id, () =>
    withLastWritten<T, Array<[T, E]>>(store, collection, id, async ({ current, remembered, write }) => {
      let doc: T | null = current;
      const steps: Array<[T, E]> = [];
      for (const event of events) {
        const next = evolve(doc, event);
        if (next.applied.length !== (doc?.applied.length ?? 0)) {
          doc = next;
          steps.push([next, event]);
        } else if (remembered) {
          return READ_AGAIN; // a redelivery, or an event that does not apply: decided on the stored document
        } else if (doc?.applied.includes(event.id)) {
          steps.push([next, event]);
        }
      }
      if (doc === current || doc === null) return steps;
      const { _id: _i, _revision: _r, ...plain } = { _id: '', _revision: 0, ...doc } as T & { _id: string; _revision: number };
      if (await write({ ...(plain as unknown as T), _id: id }, { revision: (current?._revision ?? 0) + 1, expectNew: current === null })) return steps;
      if (remembered) return READ_AGAIN;
      throw new Error(`${collection} ${id} changed meanwhile; retrying`);
    }),
  );
}

async function handleMediation(event: IntegrationEvent, runtime: ContextRuntime): Promise<void> {
  await foldInto<MediationFacts>(runtime, MEDIATION_FACTS, event.subject, event.id, (doc) => evolveMediationFacts(doc, event));
}

/** Escalation steps per petition matter (the original petition): one small document per matter. */
export const PETITION_MATTERS = 'analytics_petition_matters';

async function handlePetition(event: IntegrationEvent, runtime: ContextRuntime): Promise<void> {
  const facts = await foldInto<PetitionFacts>(runtime, PETITION_FACTS, event.subject, event.id, (doc) => evolvePetitionFacts(doc, event));
  if (!facts) return;
  const d = event.data as Partial<PetitionEventData>;
  const signals: PetitionSignal[] = [];
  if (d.event === 'PetitionRegistered' && d.relatedPetitionId) signals.push({ petitionId: facts.petitionId, kind: 'repeat', at: d.at as string });
  if (d.event === 'ReviewRequested') signals.push({ petitionId: facts.petitionId, kind: 'review', at: d.at as string });
  if (d.event === 'ReReviewRequested') signals.push({ petitionId: facts.petitionId, kind: 're_review', at: d.at as string });
  if (d.groupVisit) signals.push({ petitionId: facts.petitionId, kind: 'group_visit', at: d.at as string, visitors: d.groupVisit.visitors });
  if (signals.length === 0) return;
  const matterId = facts.relatedPetitionId ?? facts.petitionId;
  const store = runtime.infra.readStore;
  const doc = await store.get<{ signals: PetitionSignal[]; jurisdiction: string[] }>(PETITION_MATTERS, matterId);
  const known = new Set((doc?.signals ?? []).map((s) => `${s.petitionId}/${s.kind}`));
  const fresh = signals.filter((s) => !known.has(`${s.petitionId}/${s.kind}`));
  const all = [...(doc?.signals ?? []), ...fresh];
  if (
    fresh.length > 0 &&
    !(await store.upsert(PETITION_MATTERS, { _id: matterId, signals: all, jurisdiction: facts.jurisdiction }, { revision: (doc?._revision ?? 0) + 1 }))
  ) {
    throw new Error(`${PETITION_MATTERS} ${matterId} changed meanwhile; retrying`);
  }
  const draft = petitionEscalating(matterId, facts.jurisdiction, all);
  if (draft) await raiseWarning(runtime, draft, event);
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
  const at = Date.parse(facts.reportedAt as string);
  // the cases of one place report at once: within this process they take turns on its document
  const reports = await withDocumentLock(store, RECENT_REPORTS, key, () =>
    withLastWritten<RecentReports, RecentReports['reports']>(store, RECENT_REPORTS, key, async ({ current: doc, remembered, write }) => {
      const reports = [...(doc?.reports ?? []).filter((r) => r.caseId !== facts.caseId), { caseId: facts.caseId, reportedAt: facts.reportedAt as string }]
        .filter((r) => Date.parse(r.reportedAt) > at - spanMs)
        .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
      // a redelivery (the report already listed, nothing aged out) writes nothing
      if (doc !== null && JSON.stringify(doc.reports) === JSON.stringify(reports)) return remembered ? READ_AGAIN : reports;
      if (await write({ _id: key, reports }, { revision: (doc?._revision ?? 0) + 1, expectNew: doc === null })) return reports;
      if (remembered) return READ_AGAIN;
      throw new Error(`${RECENT_REPORTS} ${key} changed meanwhile; retrying`);
    }),
  );
  return reports.map((r) => ({ ...facts, caseId: r.caseId, reportedAt: r.reportedAt }));
}

async function evaluateWarnings(runtime: ContextRuntime, facts: CaseFacts, cause: IntegrationEvent): Promise<void> {
  const drafts = [];
  if (cause.type === IntakeCaseReportedV1.type) {
    // the rules count a report where and as what it was reported: from the report alone, so that a
    // redelivery after the filing re-categorised the case counts it exactly as the first delivery did
    const reported = evolveCaseFacts(null, cause);
    if (reported.reportedAt && reported.placeKey)
      drafts.push(repeatedPlace(reported, await recordRecent(runtime, `place:${reported.placeKey}`, reported, PLACE_WINDOW_MS)));
    if (reported.reportedAt && reported.gridId && reported.category)
      drafts.push(categorySurge(reported, await recordRecent(runtime, `surge:${reported.gridId}/${reported.category}`, reported, SURGE_SPAN_MS)));
  } else if (cause.type === gridDispatchContracts.DeadlineBreached.type && facts.jurisdiction[2]) {
    drafts.push(overdueRising(facts, await runtime.infra.readStore.find<CaseFacts>(CASE_FACTS, { jurisdiction: facts.jurisdiction[2] })));
  }
  for (const draft of drafts) if (draft) await raiseWarning(runtime, draft, cause);
}
