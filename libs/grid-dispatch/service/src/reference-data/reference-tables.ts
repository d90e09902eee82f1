import { Inject, Injectable } from '@nestjs/common';
import { DeadlineRuleEntry } from '@fengqiao/grid-dispatch-domain';
import { WorkingCalendar } from '@fengqiao/kernel';
import { CalendarCatalog, ContextRuntime, ReferenceTable, ReferenceTableSettings, runtimeToken } from '@fengqiao/platform';
import { CONTEXT_NAME, GRID_DISPATCH_OPTIONS } from '../application/grid-dispatch.tokens';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { GridDispatchDirectory } from '../directory/grid-dispatch-directory';
import { validateDeadlineRuleTable } from './deadline-rule-table';
import { RoutingRule, validateRoutingRules } from './routing-rules';

export const ROUTING_RULES_STREAM = 'routing-rules';
export const ROUTING_RULES_PUBLISHED = 'RoutingRulesPublished';
export const DEADLINE_RULES_STREAM = 'deadline-rules';
export const DEADLINE_RULES_PUBLISHED = 'DeadlineRulesPublished';

/** The stored events name their rows `rules`; the codes are the ones clients know. */
const GRID_DISPATCH_TABLES = {
  rowsField: 'rules',
  notFoundCode: 'GRID_DISPATCH.TABLE_VERSION_NOT_FOUND',
  conflictCode: 'GRID_DISPATCH.TABLE_VERSION_CONFLICT',
} as const satisfies ReferenceTableSettings<unknown>;

/**
 * The context's versioned reference tables (streams of its own store) and the working calendars,
 * kept current from the holiday-notice table (`calendar/work-order-revision.ts`; loaded at start).
 */
@Injectable()
export class ReferenceTables {
  readonly calendars = new CalendarCatalog();
  readonly routingRules: ReferenceTable<RoutingRule>;
  readonly deadlineRules: ReferenceTable<DeadlineRuleEntry>;

  constructor(
    @Inject(runtimeToken(CONTEXT_NAME)) runtime: ContextRuntime,
    @Inject(GRID_DISPATCH_OPTIONS) options: ResolvedGridDispatchOptions,
    @Inject(GridDispatchDirectory) directory: GridDispatchDirectory,
  ) {
    const events = runtime.infra.events;
    this.calendarId = options.calendarId;
    this.calendars.get(options.calendarId); // fails fast on an unknown calendar id
    this.routingRules = new ReferenceTable<RoutingRule>(
      events,
      ROUTING_RULES_STREAM,
      ROUTING_RULES_PUBLISHED,
      (r) => validateRoutingRules(r, directory.current()),
      '派单规则',
      GRID_DISPATCH_TABLES,
    );
    this.deadlineRules = new ReferenceTable<DeadlineRuleEntry>(
      events,
      DEADLINE_RULES_STREAM,
      DEADLINE_RULES_PUBLISHED,
      (t) => validateDeadlineRuleTable(t, this.calendar),
      '期限配置',
      GRID_DISPATCH_TABLES,
    );
  }

  private readonly calendarId: string;

  /** The calendar in force for new deadlines (it changes when a holiday notice is loaded). */
  get calendar(): WorkingCalendar {
    return this.calendars.get(this.calendarId);
  }
}
