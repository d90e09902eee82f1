import { DeadlineRule, ValidationError } from '@fengqiao/kernel';
import { GRID_CASE_STEPS, GridCaseStep, Urgency, URGENCIES } from './grid-case.types';

/**
 * Deadline configuration of grid cases: category × urgency × step → DeadlineRule (DESIGN §5.1;
 * 接诉即办条例 §13: each work order states its limit; local rules such as 济南/潍坊 5 working days).
 * An entry without `category` or `urgency` applies to every category or urgency; the most specific
 * entry wins (category beats urgency, both beat neither). Key `extension` is a template for granted
 * extensions (its ruleId, legalBasis and warnBefore; the length comes from the ruling).
 * A step with no matching entry runs without a deadline.
 */
export type DeadlineRuleKey = GridCaseStep | 'extension';

export interface DeadlineRuleEntry {
  step: DeadlineRuleKey;
  category?: string;
  urgency?: Urgency;
  rule: DeadlineRule;
}

export type DeadlineRuleTable = readonly DeadlineRuleEntry[];

const KEYS: readonly string[] = [...GRID_CASE_STEPS, 'extension'];

/** Checks a table: known steps and urgencies, no two entries for the same key. */
export function validateDeadlineRules(table: DeadlineRuleTable): void {
  const seen = new Set<string>();
  for (const e of table) {
    if (!KEYS.includes(e.step)) {
      throw new ValidationError('GRID_CASE.INVALID_DEADLINE_RULE', `期限配置中的环节无效：${e.step}`, { entry: e });
    }
    if (e.urgency !== undefined && !URGENCIES.includes(e.urgency)) {
      throw new ValidationError('GRID_CASE.INVALID_DEADLINE_RULE', `期限配置中的紧急程度无效：${e.urgency}`, { entry: e });
    }
    const key = `${e.step}|${e.category ?? '*'}|${e.urgency ?? '*'}`;
    if (seen.has(key)) {
      throw new ValidationError('GRID_CASE.DUPLICATE_DEADLINE_RULE', `期限配置重复：${key}`, { entry: e });
    }
    seen.add(key);
  }
}

/** The most specific rule for this step of a case of this category and urgency, if any. */
export function resolveDeadlineRule(table: DeadlineRuleTable, step: DeadlineRuleKey, category: string, urgency: Urgency): DeadlineRule | undefined {
  let best: { score: number; rule: DeadlineRule } | undefined;
  for (const e of table) {
    if (e.step !== step) continue;
    if (e.category !== undefined && e.category !== category) continue;
    if (e.urgency !== undefined && e.urgency !== urgency) continue;
    const score = (e.category !== undefined ? 2 : 0) + (e.urgency !== undefined ? 1 : 0);
    if (!best || score > best.score) best = { score, rule: e.rule };
  }
  return best?.rule;
}
