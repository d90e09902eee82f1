import { WorkingCalendar } from '../calendar.types';
import { defineCalendar } from '../working-calendar';
import { CN_2024 } from './cn-2024';
import { CN_2025 } from './cn-2025';
import { CN_2026 } from './cn-2026';

/**
 * The national working-day calendar of China (id 'CN', Asia/Shanghai = UTC+08:00, no DST).
 *
 * Covers 2024–2026 from the notices. A later year without a notice (2027 until it is published) is
 * computed provisionally from the statutory holidays (statutory-holidays.ts) and weekends, and the
 * deadlines counted on it are marked `provisional`. When the notice is published, add it as data
 * (`data/cn-2027.ts`, or loaded at run time as reference data) and bump `version` (e.g. '2027-1').
 *
 * Working hours are a national default for the working_hours unit (09:00–12:00, 13:00–18:00,
 * 8 hours); a city with other office hours defines its own calendar (e.g. id 'CN-370100').
 */
export const CN_NATIONAL_CALENDAR: WorkingCalendar = defineCalendar({
  id: 'CN',
  region: 'CN',
  version: '2026-1',
  utcOffsetMinutes: 480,
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '18:00' },
  ],
  years: [CN_2024, CN_2025, CN_2026],
});
