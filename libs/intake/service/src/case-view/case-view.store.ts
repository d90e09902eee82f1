import { ReadDoc, ReadStore } from '@fengqiao/read-store';
import { CASE_VIEW, CaseView } from './case-view';

/** Indexes for the view's queries (lists by scope and status, duplicates, Open311). */
export const CASE_VIEW_INDEXES = [
  { keys: { jurisdiction: 1, reportedAtMs: -1 }, multikey: true },
  { keys: { status: 1, reportedAtMs: -1 } },
  { keys: { category: 1, reportedAtMs: -1 } },
  { keys: { gridId: 1 } },
  { keys: { open311Status: 1, reportedAtMs: -1 } },
] as const;

const MAX_ATTEMPTS = 20;

/**
 * Writes a case view document from the current one: load, apply a pure step, write guarded by the
 * document's write counter (`_revision` + 1). A concurrent writer (the other feed, another
 * replica) makes the guarded write fail; the step then runs again on the fresh document, so no
 * update is lost and none is applied on a stale copy. Returns whether it wrote.
 */
export async function mutateCaseView(store: ReadStore, caseId: string, step: (doc: CaseView | null) => CaseView | null): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await store.get<CaseView>(CASE_VIEW, caseId);
    const next = step(current ? withoutMeta(current) : null);
    if (next === null) return false;
    if (await store.upsert<CaseView>(CASE_VIEW, { ...next, _id: caseId }, { revision: (current?._revision ?? 0) + 1 })) return true;
  }
  throw new Error(`case view ${caseId}: ${MAX_ATTEMPTS} concurrent writes in a row, giving up (will be retried)`);
}

export function withoutMeta(doc: ReadDoc<CaseView>): CaseView {
  const { _id: _ignored, _revision: _rev, ...view } = doc;
  return view;
}
