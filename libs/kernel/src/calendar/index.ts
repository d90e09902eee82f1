export * from './calendar.types';
export * from './deadline';
export * from './working-calendar';
export * from './calendar-registry';
export { CN_NATIONAL_CALENDAR } from './data/china-national';
export { CN_2024 } from './data/cn-2024';
export { CN_2025 } from './data/cn-2025';
export { CN_2026 } from './data/cn-2026';
export { addDays, dayOfWeek, isWeekend, localDateOf, parseInstant } from './local-date';
export {
  qingmingOf,
  solarOfLunar,
  statutoryHolidays,
  statutoryRulesCover,
  STATUTORY_HOLIDAYS_BASIS,
  STATUTORY_RULES_FIRST_YEAR,
  STATUTORY_RULES_LAST_YEAR,
} from './statutory-holidays';
export * from './calendar-notices';
