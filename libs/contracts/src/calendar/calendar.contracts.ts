import { defineContract } from '../integration-event';
import { arr, Infer, isoTime, num, obj, optional, str } from '../schema/schema';
import { topics } from '../topics';

const date = () => str({ pattern: /^\d{4}-\d{2}-\d{2}$/ });

const notice = obj({
  /** 'CN' (national) or the code of a region layering its own calendar on the national one */
  region: str({ min: 1, max: 64 }),
  /** who a regional layer applies to, e.g. 枫桥区 */
  jurisdiction: optional(str({ max: 200 })),
  year: num({ int: true, min: 2000, max: 2100 }),
  source: obj({
    title: str({ min: 1, max: 200 }),
    documentNumber: optional(str({ max: 100 })),
    issuedOn: date(),
    url: optional(str({ max: 500 })),
  }),
  periods: arr(obj({ name: str({ min: 1, max: 50 }), from: date(), to: date() }), { max: 60 }),
  makeUpWorkdays: arr(date(), { max: 60 }),
});

/**
 * A new version of the holiday-notice table (reference data loaded by an admin): the whole table,
 * so a consumer needs only the latest message to rebuild every working calendar. Subject =
 * 'calendar-notices' (one key: the versions stay in order).
 */
export const CalendarNoticesPublishedV1 = defineContract({
  type: 'cn.fengqiao.calendar.notices.published.v1',
  topic: topics.calendarNotices,
  label: '发布节假日安排',
  schema: obj({
    /** 1, 2, 3, … of the table */
    version: num({ int: true, min: 1 }),
    /** version label of the calendars built from it, e.g. '2027-2' */
    calendarVersion: str({ min: 1, max: 50 }),
    notices: arr(notice, { max: 500 }),
    /** the notice this version loaded or replaced (region and year), when one was */
    changed: optional(obj({ region: str({ min: 1 }), year: num({ int: true }) })),
    by: str({ min: 1 }),
    at: isoTime(),
  }),
});
export type CalendarNoticesPublishedData = Infer<typeof CalendarNoticesPublishedV1.schema>;
