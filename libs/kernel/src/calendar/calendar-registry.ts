import { NotFoundError, ValidationError } from '../domain-error';
import { WorkingCalendar } from './calendar.types';
import { CN_NATIONAL_CALENDAR } from './data/china-national';
import { assertYearCovered } from './working-calendar';

/**
 * The calendars a deployment knows, by id. Pure and immutable: build one at start-up from data
 * (the built-in national calendar plus any regional ones from configuration) and pass it in.
 */
export class CalendarRegistry {
  private readonly byId: ReadonlyMap<string, WorkingCalendar>;

  constructor(calendars: readonly WorkingCalendar[]) {
    const map = new Map<string, WorkingCalendar>();
    for (const c of calendars) {
      if (map.has(c.id)) {
        throw new ValidationError('CALENDAR.DUPLICATE_ID', `工作日历编号重复：${c.id}`, { calendarId: c.id });
      }
      map.set(c.id, c);
    }
    this.byId = map;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The calendar with this id; `CALENDAR.NOT_FOUND` if there is none. */
  get(id: string): WorkingCalendar {
    const calendar = this.byId.get(id);
    if (!calendar) {
      throw new NotFoundError('CALENDAR.NOT_FOUND', `未找到工作日历：${id}`, { calendarId: id, known: this.ids() });
    }
    return calendar;
  }

  /** The calendar with this id, checked to cover `year` (by a notice, or provisionally); `CALENDAR.YEAR_NOT_COVERED` otherwise. */
  calendarFor(id: string, year: number): WorkingCalendar {
    const calendar = this.get(id);
    assertYearCovered(calendar, year);
    return calendar;
  }
}

/** The registry with the built-in national calendar only. */
export const defaultCalendarRegistry = new CalendarRegistry([CN_NATIONAL_CALENDAR]);

/** Shorthand for `defaultCalendarRegistry.calendarFor(id, year)`. */
export function calendarFor(id: string, year: number): WorkingCalendar {
  return defaultCalendarRegistry.calendarFor(id, year);
}
