import { Logger } from '@nestjs/common';
import {
  CalendarNoticeData,
  calendarsFromNotices,
  CalendarRegistry,
  calendarVersionOf,
  CN_NATIONAL_CALENDAR,
  NotFoundError,
  SHIPPED_CALENDAR_NOTICES,
  WorkingCalendar,
} from '@fengqiao/kernel';
import { ReadStore } from '@fengqiao/read-store';

/** The notice table a context last received (read store doc, guarded by the table version). */
export const CALENDAR_TABLE_COLLECTION = 'calendar_table';
const TABLE_DOC = 'current';

export interface CalendarTableDoc {
  version: number;
  calendarVersion: string;
  notices: CalendarNoticeData[];
}

/**
 * A context's working calendars, kept current from the holiday-notice table the calendar module
 * publishes (`calendar.notices.events.v1`). Before any message it holds the shipped calendars
 * (CN 2024–2026, version '2026-1', later years provisional). The last table received is kept in
 * the context's read store, so a restart starts from it rather than from the shipped data.
 * Deciders take `get(id)` at the time they decide.
 */
export class CalendarCatalog {
  private readonly logger = new Logger('calendar.catalog');
  private table: CalendarTableDoc = { version: 1, calendarVersion: CN_NATIONAL_CALENDAR.version, notices: [...SHIPPED_CALENDAR_NOTICES] };
  private registry = new CalendarRegistry([CN_NATIONAL_CALENDAR]);

  /** The table version the calendars are built from. */
  get version(): number {
    return this.table.version;
  }

  get calendarVersion(): string {
    return this.table.calendarVersion;
  }

  notices(): readonly CalendarNoticeData[] {
    return this.table.notices;
  }

  get(id: string): WorkingCalendar {
    return this.registry.get(id);
  }

  /** Applies a table version; false (nothing changes) when it is not newer than the one held. */
  apply(version: number, notices: readonly CalendarNoticeData[]): boolean {
    if (version <= this.table.version) return false;
    const calendars = calendarsFromNotices(notices, { tableVersion: version });
    if (!calendars.some((c) => c.id === 'CN')) throw new NotFoundError('CALENDAR.NOT_FOUND', '节假日安排中没有全国日历', {});
    this.registry = new CalendarRegistry(calendars);
    this.table = { version, calendarVersion: calendarVersionOf(notices, version), notices: [...notices] };
    return true;
  }

  /** Loads the table the context kept (after a restart). */
  async load(store: ReadStore): Promise<void> {
    const doc = await store.get<CalendarTableDoc>(CALENDAR_TABLE_COLLECTION, TABLE_DOC);
    if (doc && doc.version > this.table.version) {
      this.apply(doc.version, doc.notices);
      this.logger.log(`calendars from notice table v${doc.version} (${doc.calendarVersion})`);
    }
  }

  /** Keeps the table in the context's read store (idempotent: guarded by the version). */
  async save(store: ReadStore): Promise<void> {
    await store.upsert<CalendarTableDoc>(CALENDAR_TABLE_COLLECTION, { _id: TABLE_DOC, ...this.table }, { revision: this.table.version });
  }
}
