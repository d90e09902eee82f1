import { DeadlineRuleEntry, validateDeadlineRules } from '@fengqiao/grid-dispatch-domain';
import { computeDeadline, DomainError, ValidationError, WorkingCalendar } from '@fengqiao/kernel';

export const MAX_DEADLINE_RULES = 2000;

/**
 * Checks a deadline-rule table (category × urgency × step → rule) before it is published: the
 * domain's own check (known steps and urgencies, no duplicate keys) and, for each rule, that the
 * kernel can compute a deadline with it on the configured calendar (positive whole durations,
 * warnBefore shorter than the duration, …). A bad table is refused whole: the decider must never
 * meet a rule it cannot compute.
 */
export function validateDeadlineRuleTable(table: readonly DeadlineRuleEntry[], calendar: WorkingCalendar): DeadlineRuleEntry[] {
  if (!Array.isArray(table)) throw new ValidationError('GRID_DISPATCH.INVALID_DEADLINE_RULE', '期限配置必须是列表');
  if (table.length > MAX_DEADLINE_RULES) {
    throw new ValidationError('GRID_DISPATCH.TOO_MANY_DEADLINE_RULES', `期限配置不能超过 ${MAX_DEADLINE_RULES} 条`, { count: table.length });
  }
  const clean = table.map((e) => ({
    step: e.step,
    ...(e.category !== undefined ? { category: e.category } : {}),
    ...(e.urgency !== undefined ? { urgency: e.urgency } : {}),
    rule: {
      ruleId: e.rule.ruleId,
      ...(e.rule.legalBasis !== undefined ? { legalBasis: e.rule.legalBasis } : {}),
      duration: e.rule.duration,
      unit: e.rule.unit,
      ...(e.rule.warnBefore !== undefined ? { warnBefore: e.rule.warnBefore } : {}),
    },
  })) as DeadlineRuleEntry[];
  validateDeadlineRules(clean);
  // a start inside the calendar's first covered year, far enough from its end for any sane rule
  const probe = `${Math.min(...calendar.years)}-01-02T01:00:00.000Z`;
  clean.forEach((e, i) => {
    try {
      computeDeadline(e.rule, probe, calendar);
    } catch (err) {
      if (err instanceof DomainError && err.code !== 'CALENDAR.YEAR_NOT_COVERED') {
        throw new ValidationError('GRID_DISPATCH.INVALID_DEADLINE_RULE', `第 ${i + 1} 条期限配置无效：${err.message}`, { index: i, cause: err.code });
      }
      if (!(err instanceof DomainError)) throw err;
    }
  });
  return clean;
}
