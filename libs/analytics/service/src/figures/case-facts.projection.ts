/**
 * Analytics' own read model of grid cases (collection `analytics_cases`, one document per case),
 * fed only by the published integration events (intake.case.events.v1,
 * grid-dispatch.case.events.v1), so it is rebuilt by reading the topics from the start. `evolve`
 * is pure; counters are kept in the document (STYLE: "Analytics keeps counters in documents").
 */
import { IntegrationEvent, IntakeCaseFiledV1, IntakeCaseReportedV1, WorkOrderEventData, gridDispatchContracts } from '@fengqiao/contracts';

export const CASE_FACTS = 'analytics_cases';

export interface CaseFacts {
  caseId: string;
  /** yyyy-mm of the report (Asia/Shanghai business month) */
  month: string | null;
  reportedAt: string | null;
  channel: string | null;
  category: string | null;
  /** the category's name as intake published it (absent in events published before it did) */
  categoryName?: string | null;
  gridId: string | null;
  /** unit path of the case's location: district, town, village, grid */
  jurisdiction: string[];
  /** where the same place is recognised: an address, or a point rounded to ~100 m */
  placeKey: string | null;
  filed: boolean;
  closed: boolean;
  closedAt: string | null;
  breached: boolean;
  reworks: number;
  suspensions: number;
  extensions: number;
  rating: number | null;
  status: string | null;
  /** ids of the events applied (redeliveries change nothing) */
  applied: string[];
}

export function emptyFacts(caseId: string): CaseFacts {
  return {
    caseId,
    month: null,
    reportedAt: null,
    channel: null,
    category: null,
    gridId: null,
    jurisdiction: [],
    placeKey: null,
    filed: false,
    closed: false,
    closedAt: null,
    breached: false,
    reworks: 0,
    suspensions: 0,
    extensions: 0,
    rating: null,
    status: null,
    applied: [],
  };
}

/** yyyy-mm in China time (UTC+8, no daylight saving). */
export function monthOf(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 7);
}

const GRID_TYPES = new Map(Object.entries(gridDispatchContracts).map(([name, def]) => [def.type, name]));

type Location = { point?: { lat: number; lng: number }; address?: string };

function placeKeyOf(location: Location | undefined): string | null {
  if (location?.address) return `addr:${location.address.trim()}`;
  if (location?.point) return `pt:${location.point.lat.toFixed(3)},${location.point.lng.toFixed(3)}`;
  return null;
}

/**
 * A copy `evolveCaseFacts` may change without touching `doc`: every field but the two lists is a
 * scalar (issue 15: a structuredClone per event was 1 % of the standalone process's main thread).
 */
function copyFacts(doc: CaseFacts): CaseFacts {
  return { ...doc, jurisdiction: [...doc.jurisdiction], applied: [...doc.applied] };
}

/** Pure: the facts after one integration event (unchanged for an event already applied or not about grid cases). */
export function evolveCaseFacts(doc: CaseFacts | null, event: IntegrationEvent): CaseFacts {
  const facts = doc ? copyFacts(doc) : emptyFacts(event.subject);
  if (facts.applied.includes(event.id)) return facts;
  facts.applied.push(event.id);
  if (event.type === IntakeCaseReportedV1.type) {
    const d = event.data as {
      channel: string;
      category: string;
      categoryName?: string;
      gridId: string | null;
      jurisdiction: string[];
      reportedAt: string;
      location: Location;
    };
    Object.assign(facts, {
      reportedAt: d.reportedAt,
      month: monthOf(d.reportedAt),
      channel: d.channel,
      category: d.category,
      categoryName: d.categoryName ?? facts.categoryName ?? null,
      gridId: d.gridId,
      jurisdiction: [...d.jurisdiction],
      placeKey: placeKeyOf(d.location),
    });
    return facts;
  }
  if (event.type === IntakeCaseFiledV1.type) {
    const d = event.data as { category: string; categoryName?: string; gridId: string | null; channel: string; jurisdiction: string[]; filedAt: string };
    facts.filed = true;
    if (d.category !== facts.category) facts.categoryName = null; // re-categorised on filing: the report's name no longer applies
    facts.category = d.category;
    if (d.categoryName) facts.categoryName = d.categoryName;
    facts.gridId = d.gridId;
    facts.channel = d.channel;
    if (facts.jurisdiction.length === 0) facts.jurisdiction = [...d.jurisdiction];
    facts.month ??= monthOf(d.filedAt);
    return facts;
  }
  const name = GRID_TYPES.get(event.type);
  if (!name) return facts;
  const d = event.data as WorkOrderEventData;
  facts.status = d.status;
  switch (name) {
    case 'CaseClosed':
      facts.closed = true;
      facts.closedAt = d.at;
      break;
    case 'CaseReopened':
      facts.closed = false;
      facts.closedAt = null;
      break;
    case 'DeadlineBreached':
      facts.breached = true;
      break;
    case 'ReworkOrdered':
      facts.reworks += 1;
      break;
    case 'CaseSuspended':
      facts.suspensions += 1;
      break;
    case 'ExtensionGranted':
      facts.extensions += 1;
      break;
    case 'CallbackRecorded':
      if (typeof d.rating === 'number') facts.rating = d.rating;
      break;
    default:
      break;
  }
  return facts;
}
