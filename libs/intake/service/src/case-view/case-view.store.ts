import { READ_AGAIN, ReadDoc, ReadStore, withDocumentLock, withLastWritten } from '@fengqiao/read-store';
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

const LOST = Symbol('lost to a concurrent writer');

/**
 * Writes a case view document from the current one: load, apply a pure step, write guarded by the
 * document's write counter (`_revision` + 1). The two feeds of this process take turns on the
 * document (`withDocumentLock`), and the load is skipped when this process wrote it last (the write
 * is then a compare-and-set on that version: `withLastWritten`). A concurrent writer (another
 * replica) makes the guarded write fail; the step then runs again on the fresh document, so no
 * update is lost and none is applied on a stale copy. Returns whether it wrote.
 */
export function mutateCaseView(store: ReadStore, caseId: string, step: (doc: CaseView | null) => CaseView | null): Promise<boolean> {
  return withDocumentLock(store, CASE_VIEW, caseId, async () => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const outcome = await withLastWritten<CaseView, boolean | typeof LOST>(store, CASE_VIEW, caseId, async ({ current, remembered, write }) => {
        const next = step(current ? withoutMeta(current) : null);
        // nothing to change, or the write lost: a remembered version decides neither, the stored one does
        if (next === null) return remembered ? READ_AGAIN : false;
        if (await write({ ...next, _id: caseId }, { revision: (current?._revision ?? 0) + 1, expectNew: current === null })) return true;
        return remembered ? READ_AGAIN : LOST;
      });
      if (outcome !== LOST) return outcome;
    }
    throw new Error(`case view ${caseId}: ${MAX_ATTEMPTS} concurrent writes in a row, giving up (will be retried)`);
  });
}

/** `mutateCaseView`'s step for several events in turn (one write): `evolve` per event, null when none changed the document. */
export function inTurn<E>(events: readonly E[], evolve: (doc: CaseView | null, event: E) => CaseView | null): (doc: CaseView | null) => CaseView | null {
  return (doc) => {
    let next = doc;
    for (const event of events) next = evolve(next, event) ?? next;
    return next === doc ? null : next;
  };
}

export function withoutMeta(doc: ReadDoc<CaseView>): CaseView {
  const { _id: _ignored, _revision: _rev, ...view } = doc;
  return view;
}
