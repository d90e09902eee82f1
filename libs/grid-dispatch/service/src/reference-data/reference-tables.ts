import { Inject, Injectable } from '@nestjs/common';
import { DeadlineRuleEntry } from '@fengqiao/grid-dispatch-domain';
import { defaultCalendarRegistry, WorkingCalendar } from '@fengqiao/kernel';
import { ContextRuntime, runtimeToken } from '@fengqiao/platform';
import { CONTEXT_NAME, GRID_DISPATCH_OPTIONS } from '../application/grid-dispatch.tokens';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { GridDispatchDirectory } from '../directory/grid-dispatch-directory';
import { validateDeadlineRuleTable } from './deadline-rule-table';
import { RoutingRule, validateRoutingRules } from './routing-rules';
import { VersionedTable } from './versioned-table';

export const ROUTING_RULES_STREAM = 'routing-rules';
export const ROUTING_RULES_PUBLISHED = 'RoutingRulesPublished';
export const DEADLINE_RULES_STREAM = 'deadline-rules';
export const DEADLINE_RULES_PUBLISHED = 'DeadlineRulesPublished';

/** The context's versioned reference tables (streams of its own store) and the working calendar. */
@Injectable()
export class ReferenceTables {
  readonly calendar: WorkingCalendar;
  readonly routingRules: VersionedTable<RoutingRule>;
  readonly deadlineRules: VersionedTable<DeadlineRuleEntry>;

  constructor(
    @Inject(runtimeToken(CONTEXT_NAME)) runtime: ContextRuntime,
    @Inject(GRID_DISPATCH_OPTIONS) options: ResolvedGridDispatchOptions,
    @Inject(GridDispatchDirectory) directory: GridDispatchDirectory,
  ) {
    const events = runtime.infra.events;
    const calendar = defaultCalendarRegistry.get(options.calendarId);
    this.calendar = calendar;
    this.routingRules = new VersionedTable<RoutingRule>(events, ROUTING_RULES_STREAM, ROUTING_RULES_PUBLISHED, (r) => validateRoutingRules(r, directory.current()), '派单规则');
    this.deadlineRules = new VersionedTable<DeadlineRuleEntry>(events, DEADLINE_RULES_STREAM, DEADLINE_RULES_PUBLISHED, (t) => validateDeadlineRuleTable(t, calendar), '期限配置');
  }
}
