/**
 * A small sample view for the projection specs (not exported): a grid-case board, one document
 * per case stream, and a district tally fed by every case stream (global-position guard).
 * `dispatchCount` and `notes` count events, so applying an event twice would show.
 */
import { assertNever } from '@fengqiao/kernel';
import { defineProjection, type ProjectionEvent } from './projection';

export type SampleCaseEvent =
  | { type: 'CaseReported'; data: { title: string; village: string } }
  | { type: 'CaseDispatched'; data: { department: string } }
  | { type: 'CaseHandled'; data: { note: string } }
  | { type: 'CaseNoteAdded'; data: { note: string } }
  | { type: 'CaseClosed'; data: Record<string, never> }
  | { type: 'CaseWithdrawn'; data: { reason: string } };

export type SampleStoredEvent = SampleCaseEvent & ProjectionEvent & { globalPosition: number };

export interface CaseBoardEntry {
  title: string;
  village: string;
  status: 'reported' | 'dispatched' | 'handled' | 'closed';
  department: string | null;
  dispatchCount: number;
  notes: number;
}

export const CASE_STREAM_PREFIX = 'grid-case-';

export const caseBoard = defineProjection<CaseBoardEntry, SampleStoredEvent>({
  name: 'case-board',
  collection: 'case_board',
  idOf: (e) => (e.streamId.startsWith(CASE_STREAM_PREFIX) ? e.streamId.slice(CASE_STREAM_PREFIX.length) : null),
  indexes: [{ keys: { village: 1, status: 1 } }],
  evolve: (doc, e) => {
    switch (e.type) {
      case 'CaseReported':
        return doc ?? { title: e.data.title, village: e.data.village, status: 'reported', department: null, dispatchCount: 0, notes: 0 };
      case 'CaseDispatched':
        return doc && { ...doc, status: 'dispatched', department: e.data.department, dispatchCount: doc.dispatchCount + 1 };
      case 'CaseHandled':
        return doc && { ...doc, status: 'handled', notes: doc.notes + 1 };
      case 'CaseNoteAdded':
        return doc && { ...doc, notes: doc.notes + 1 };
      case 'CaseClosed':
        return doc && { ...doc, status: 'closed' };
      case 'CaseWithdrawn':
        return null;
      default:
        return assertNever(e);
    }
  },
});

export interface DistrictTally {
  reported: number;
  withdrawn: number;
  closed: number;
}

/** One document for the whole district, fed by every case stream in store order: needs the global-position guard. */
export const districtTally = defineProjection<DistrictTally, SampleStoredEvent>({
  name: 'district-tally',
  collection: 'district_tally',
  guard: 'globalPosition',
  idOf: (e) => (e.streamId.startsWith(CASE_STREAM_PREFIX) ? 'district-1' : null),
  evolve: (doc, e) => {
    const current: DistrictTally = doc ? { reported: doc.reported, withdrawn: doc.withdrawn, closed: doc.closed } : { reported: 0, withdrawn: 0, closed: 0 };
    switch (e.type) {
      case 'CaseReported':
        return { ...current, reported: current.reported + 1 };
      case 'CaseWithdrawn':
        return { ...current, withdrawn: current.withdrawn + 1 };
      case 'CaseClosed':
        return { ...current, closed: current.closed + 1 };
      case 'CaseDispatched':
      case 'CaseHandled':
      case 'CaseNoteAdded':
        return current;
      default:
        return assertNever(e);
    }
  },
});
