/**
 * Working-day calendars are data, per region and year (DESIGN §5): statutory holidays and
 * make-up workdays (调休) come from the State Council's yearly notice, never from code.
 * Every deadline records which rule, calendar and calendar version it was computed with.
 */
export type DeadlineUnit = 'calendar_days' | 'working_days' | 'working_hours';

export interface WorkingPeriod {
  /** 'HH:MM' local time */
  start: string;
  /** 'HH:MM' local time */
  end: string;
}

export interface WorkingCalendar {
  /** e.g. 'CN' (national) or 'CN-370100' (a city's own calendar) */
  region: string;
  /** who a regional calendar applies to, e.g. '济南市' (absent for the national one) */
  jurisdiction?: string;
  /** stable id of this calendar, e.g. 'CN' */
  id: string;
  /** version of the data, bumped when a year is added or a notice corrected, e.g. '2026-1' */
  version: string;
  /** fixed UTC offset of the region in minutes (China: +480) */
  utcOffsetMinutes: number;
  /** years this calendar has data for; computing outside them is an error */
  years: number[];
  /**
   * 'YYYY-MM-DD' days off under the yearly notice: every day of a holiday period (放假调休), weekend
   * days inside the period included. A Monday–Friday listed here is not worked.
   */
  holidays: string[];
  /** 'YYYY-MM-DD' Saturdays/Sundays that are working days (调休上班) */
  makeUpWorkdays: string[];
  /** working hours of a working day, used by the working_hours unit */
  workingHours: WorkingPeriod[];
  /** where the data comes from, e.g. '国务院办公厅关于2024年部分节假日安排的通知' */
  source?: string;
  /** the named holiday periods behind `holidays`, for display and audit */
  holidayPeriods?: HolidayPeriod[];
  /** one entry per covered year: the notice the year's data was taken from */
  notices?: CalendarNotice[];
}

/** One holiday period of a yearly notice, e.g. 国庆节 2024-10-01..2024-10-07. */
export interface HolidayPeriod {
  /** e.g. '春节' */
  name: string;
  /** first day off, 'YYYY-MM-DD' */
  from: string;
  /** last day off, 'YYYY-MM-DD' (inclusive) */
  to: string;
}

/** The published notice a year of calendar data was taken from. */
export interface CalendarNotice {
  year: number;
  /** e.g. '国务院办公厅关于2024年部分节假日安排的通知' */
  title: string;
  /** e.g. '国办发明电〔2023〕7号', when known */
  documentNumber?: string;
  /** 'YYYY-MM-DD' the notice was issued */
  issuedOn: string;
  /** where the text was read */
  url?: string;
}

/** One year of a calendar as it is kept in the data files: periods and make-up workdays. */
export interface CalendarYearData {
  year: number;
  notice: CalendarNotice;
  periods: HolidayPeriod[];
  /** 'YYYY-MM-DD' Saturdays/Sundays worked (调休上班) */
  makeUpWorkdays: string[];
}

export interface DeadlineRule {
  /** stable rule id, e.g. 'petition.handling' */
  ruleId: string;
  /** legal basis where a law applies, e.g. '信访工作条例§34'; local rules are labelled by jurisdiction */
  legalBasis?: string;
  duration: number;
  unit: DeadlineUnit;
  /** optional warning lead: the deadline warns this many units before it is due */
  warnBefore?: number;
}

/** A deadline as recorded on an event: enough to recompute and audit it. */
export interface Deadline {
  ruleId: string;
  legalBasis?: string;
  duration: number;
  unit: DeadlineUnit;
  /** ISO instant the clock started */
  startAt: string;
  /** ISO instant the deadline falls due */
  dueAt: string;
  /** ISO instant a warning is due, when the rule has warnBefore */
  warnAt?: string;
  calendarId: string;
  /**
   * Version of the calendar data used; when days of a year without a notice were counted, the
   * provisional years are named after it, e.g. '2026-1+CN-2027-provisional'.
   */
  calendarVersion: string;
  /**
   * true when the period counted or ended on days of a year whose notice was not yet held, computed
   * from the statutory holidays (《全国年节及纪念日放假办法》) and weekends without 调休: the due date
   * may change when the notice is published (see DeadlineRevised in the deciders).
   */
  provisional?: true;
  /** the provisional years counted, when `provisional` */
  provisionalYears?: number[];
  /**
   * Local 'YYYY-MM-DD' last day of the period (days units only), after any move past a holiday.
   * Absent for working_hours.
   */
  lastDay?: string;
  /**
   * Local 'YYYY-MM-DD' day the period would have ended on had it not fallen on a holiday
   * (民法典 §203): present only when the end was moved.
   */
  shiftedFrom?: string;
}
