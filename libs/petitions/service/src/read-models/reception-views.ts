import { StoredEvent } from '@fengqiao/event-store';
import { ReadDoc } from '@fengqiao/read-store';

/**
 * 家门口信访 reference data: reception points (接访点, at village and town centres) and leaders'
 * reception days (领导接访日: who, where, when). Reference data of the petitions context, recorded
 * as events on their own streams and shown publicly (the schedule) and on the desk (what each
 * reception day produced).
 */
export const RECEPTION_POINTS = 'petition_reception_points';
export const RECEPTION_DAYS = 'petition_reception_days';
export const RECEPTION_POINT_DEFINED = 'ReceptionPointDefined';
export const RECEPTION_DAY_SCHEDULED = 'ReceptionDayScheduled';
export const RECEPTION_DAY_CANCELLED = 'ReceptionDayCancelled';
export const toReceptionPointStreamId = (pointId: string): string => `petition-reception-point-${pointId}`;
export const toReceptionDayStreamId = (dayId: string): string => `petition-reception-day-${dayId}`;

export const RECEPTION_POINT_KINDS = ['village_centre', 'town_centre', 'district_centre'] as const;
export type ReceptionPointKind = (typeof RECEPTION_POINT_KINDS)[number];

export interface ReceptionPoint {
  pointId: string;
  name: string;
  kind: ReceptionPointKind;
  /** the village, town or district the point serves */
  unitId: string;
  address: string;
  openHours: string;
  jurisdiction: string[];
}

export interface ReceptionDay {
  dayId: string;
  pointId: string;
  pointName: string;
  /** local date YYYY-MM-DD */
  date: string;
  startTime: string;
  endTime: string;
  leaderName: string;
  leaderTitle: string;
  unitId: string;
  cancelled: boolean;
  jurisdiction: string[];
}

export const RECEPTION_INDEXES = {
  [RECEPTION_POINTS]: [{ keys: { unitId: 1 } }],
  [RECEPTION_DAYS]: [{ keys: { date: 1 } }, { keys: { pointId: 1, date: 1 } }],
} as const;

type Mutate = <T extends object>(collection: string, id: string, fn: (doc: ReadDoc<T> | null) => T | null) => Promise<void>;

export async function applyReceptionEvent(stored: StoredEvent, mutate: Mutate): Promise<void> {
  const d = stored.data as Record<string, unknown>;
  switch (stored.type) {
    case RECEPTION_POINT_DEFINED:
      await mutate<ReceptionPoint>(RECEPTION_POINTS, String(d.pointId), () => ({
        pointId: String(d.pointId),
        name: String(d.name),
        kind: d.kind as ReceptionPointKind,
        unitId: String(d.unitId),
        address: String(d.address),
        openHours: String(d.openHours ?? ''),
        jurisdiction: [...stored.jurisdiction],
      }));
      return;
    case RECEPTION_DAY_SCHEDULED:
      await mutate<ReceptionDay>(RECEPTION_DAYS, String(d.dayId), () => ({
        dayId: String(d.dayId),
        pointId: String(d.pointId),
        pointName: String(d.pointName),
        date: String(d.date),
        startTime: String(d.startTime),
        endTime: String(d.endTime),
        leaderName: String(d.leaderName),
        leaderTitle: String(d.leaderTitle),
        unitId: String(d.unitId),
        cancelled: false,
        jurisdiction: [...stored.jurisdiction],
      }));
      return;
    case RECEPTION_DAY_CANCELLED:
      await mutate<ReceptionDay>(RECEPTION_DAYS, String(d.dayId), (doc) => (doc ? { ...doc, cancelled: true } : null));
      return;
    default:
      return;
  }
}
