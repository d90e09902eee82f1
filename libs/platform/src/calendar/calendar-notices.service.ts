import { Logger } from '@nestjs/common';
import { CalendarNoticesPublishedData, CalendarNoticesPublishedV1, IntegrationEvent } from '@fengqiao/contracts';
import { StoredEvent, WrongExpectedRevisionError } from '@fengqiao/event-store';
import {
  Actor,
  CalendarNoticeData,
  calendarsFromNotices,
  calendarVersionOf,
  Clock,
  NATIONAL_REGION,
  SHIPPED_CALENDAR_NOTICES,
  validateCalendarNotice,
  validateCalendarNotices,
  withNotice,
} from '@fengqiao/kernel';
import { ContextRuntime } from '../infrastructure/context-runtime';
import { ReferenceTable, TableVersion } from './versioned-table';

export const CALENDAR_CONTEXT = 'calendar';
export const CALENDAR_NOTICES_STREAM = 'calendar-notices';
export const CALENDAR_NOTICES_PUBLISHED = 'CalendarNoticesPublished';
export const CALENDAR_SOURCE = '/fengqiao/calendar';
const SEED_ACTOR: Actor = { userId: 'system:seed', role: 'system', unitId: 'system' };

/** A region a local calendar may be loaded for: code → name (the jurisdiction label). */
export type CalendarRegions = Record<string, string>;

/** Regions from `FENGQIAO_CALENDAR_REGIONS` ('CN-330681:诸暨市,CN-330600:绍兴市'), plus CN. */
export function calendarRegionsFromEnv(env: NodeJS.ProcessEnv): CalendarRegions {
  const regions: CalendarRegions = { [NATIONAL_REGION]: '全国' };
  for (const item of (env['FENGQIAO_CALENDAR_REGIONS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [code, name] = item.split(':');
    if (code) regions[code.trim()] = (name ?? code).trim();
  }
  return regions;
}

/**
 * The holiday-notice table: reference data in the `calendar-notices` stream of the calendar
 * context's event store, each version the whole table (one notice per region and year), the first
 * version the shipped CN 2024–2026 data. Each version is published as
 * `cn.fengqiao.calendar.notices.published.v1` by the context's relay (never inside the request).
 */
export class CalendarNoticesService {
  private readonly logger = new Logger('calendar.notices');
  private table?: ReferenceTable<CalendarNoticeData>;
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly clock: Clock,
    readonly regions: CalendarRegions,
  ) {}

  private known(): ReadonlySet<string> {
    return new Set(Object.keys(this.regions));
  }

  get notices(): ReferenceTable<CalendarNoticeData> {
    if (!this.table) throw new Error('calendar context not started');
    return this.table;
  }

  async start(runtime: ContextRuntime): Promise<void> {
    this.table = new ReferenceTable<CalendarNoticeData>(
      runtime.infra.events,
      CALENDAR_NOTICES_STREAM,
      CALENDAR_NOTICES_PUBLISHED,
      (rows) => {
        const clean = validateCalendarNotices(rows, this.known()).map((n) =>
          n.region !== NATIONAL_REGION && !n.jurisdiction ? { ...n, jurisdiction: this.regions[n.region] } : n,
        );
        calendarsFromNotices(clean, { tableVersion: 1 }); // every calendar must build
        return clean;
      },
      '节假日安排',
      { extra: (rows, version) => ({ calendarVersion: calendarVersionOf(rows, version) }) },
    );
    if (await this.table.seedIfEmpty(SHIPPED_CALENDAR_NOTICES, SEED_ACTOR, this.clock.now().toISOString(), '随系统发布的 2024–2026 年国务院办公厅节假日安排')) {
      this.logger.log('seeded the holiday-notice table with the shipped CN 2024–2026 notices');
    }
  }

  /** Loads one notice (a new year, a correction, or a region's layer) as a new table version. */
  async load(
    notice: CalendarNoticeData,
    by: { actor: Actor; jurisdiction: string[] },
    options: { expectedVersion?: number; correlationId?: string } = {},
  ): Promise<TableVersion<CalendarNoticeData>> {
    return this.onCurrent(options.expectedVersion, () => this.loadOnce(notice, by, options));
  }

  private async loadOnce(
    notice: CalendarNoticeData,
    by: { actor: Actor; jurisdiction: string[] },
    options: { expectedVersion?: number; correlationId?: string },
  ): Promise<TableVersion<CalendarNoticeData>> {
    const clean = validateCalendarNotice(notice, this.known());
    const current = await this.notices.current();
    const same = current?.rows.find((n) => n.region === clean.region && n.year === clean.year);
    if (current && same && sameNotice(same, clean)) {
      // loading the same notice again changes nothing: no new version, nothing to revise
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
        throw new WrongExpectedRevisionError(CALENDAR_NOTICES_STREAM, options.expectedVersion - 1, current.version - 1);
      }
      return current;
    }
    return this.notices.publish(withNotice(current?.rows ?? [], clean), by, this.clock.now().toISOString(), {
      ...options,
      note: `载入${clean.region === NATIONAL_REGION ? '全国' : (clean.jurisdiction ?? this.regions[clean.region] ?? clean.region)}${clean.year}年放假安排（${clean.source.documentNumber ?? clean.source.title}）`,
      data: { changed: { region: clean.region, year: clean.year } },
    });
  }

  /** A file import: several notices in one new version. */
  async import(
    notices: readonly CalendarNoticeData[],
    by: { actor: Actor; jurisdiction: string[] },
    options: { expectedVersion?: number; correlationId?: string; note?: string } = {},
  ): Promise<TableVersion<CalendarNoticeData>> {
    return this.onCurrent(options.expectedVersion, async () => {
      const current = await this.notices.current();
      let rows = current?.rows ?? [];
      for (const n of notices) rows = withNotice(rows, validateCalendarNotice(n, this.known()));
      return this.notices.publish(rows, by, this.clock.now().toISOString(), { ...options, note: options.note ?? `导入 ${notices.length} 份放假安排` });
    });
  }

  /**
   * Changes run one at a time in this process. Without If-Match the caller edits whatever version
   * is current, so another version published between reading and appending (by another replica) is
   * no conflict for them: the change is made again on top of it. With If-Match it stays a revision
   * conflict (412).
   */
  private onCurrent<T>(expectedVersion: number | undefined, change: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await change();
        } catch (e) {
          if (expectedVersion !== undefined || attempt >= 5 || !(e instanceof WrongExpectedRevisionError)) throw e;
        }
      }
    };
    const result = this.changes.then(run, run);
    this.changes = result.catch(() => undefined);
    return result;
  }
}

/** Same days and source (the jurisdiction label aside). */
const canonical = ({ jurisdiction: _label, ...n }: CalendarNoticeData): string => JSON.stringify(validateCalendarNotice(n, new Set([n.region])));
function sameNotice(a: CalendarNoticeData, b: CalendarNoticeData): boolean {
  return canonical(a) === canonical(b);
}

/** The relay mapping of the calendar context: each table version becomes one integration event. */
export function publishCalendarEvent(stored: StoredEvent): IntegrationEvent<CalendarNoticesPublishedData> | null {
  if (stored.streamId !== CALENDAR_NOTICES_STREAM || stored.type !== CALENDAR_NOTICES_PUBLISHED) return null;
  const d = stored.data as {
    version: number;
    rows: CalendarNoticeData[];
    by: string;
    at: string;
    calendarVersion: string;
    changed?: { region: string; year: number };
  };
  return {
    id: stored.id,
    type: CalendarNoticesPublishedV1.type,
    source: CALENDAR_SOURCE,
    subject: CALENDAR_NOTICES_STREAM,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
    data: {
      version: d.version,
      calendarVersion: d.calendarVersion,
      notices: d.rows,
      ...(d.changed ? { changed: d.changed } : {}),
      by: d.by,
      at: new Date(d.at).toISOString(),
    },
  };
}

export { SHIPPED_CALENDAR_NOTICES };
