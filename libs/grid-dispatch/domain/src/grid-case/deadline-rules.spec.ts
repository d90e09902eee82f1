import { DeadlineRule } from '@fengqiao/kernel';
import { DeadlineRuleTable, resolveDeadlineRule } from './deadline-rules';

const r = (ruleId: string): DeadlineRule => ({ ruleId, duration: 1, unit: 'working_days' });

describe('resolveDeadlineRule', () => {
  const table: DeadlineRuleTable = [
    { step: 'handle', rule: r('default') },
    { step: 'handle', urgency: 'urgent', rule: r('urgent') },
    { step: 'handle', category: '占道经营', rule: r('category') },
    { step: 'handle', category: '占道经营', urgency: 'urgent', rule: r('category+urgent') },
    { step: 'verify', urgency: 'urgent', rule: r('verify-urgent') },
  ];

  it.each([
    ['handle', '占道经营', 'urgent', 'category+urgent'],
    ['handle', '占道经营', 'normal', 'category'],
    ['handle', '噪音扰民', 'urgent', 'urgent'],
    ['handle', '噪音扰民', 'very_urgent', 'default'],
    ['verify', '占道经营', 'urgent', 'verify-urgent'],
  ] as const)('%s / %s / %s → %s', (step, category, urgency, expected) => {
    expect(resolveDeadlineRule(table, step, category, urgency)?.ruleId).toBe(expected);
  });

  it('gives nothing when no entry matches', () => {
    expect(resolveDeadlineRule(table, 'verify', '占道经营', 'normal')).toBeUndefined();
    expect(resolveDeadlineRule(table, 'callback', '占道经营', 'urgent')).toBeUndefined();
  });

  it('does not depend on the order of the entries', () => {
    const reversed = [...table].reverse();
    expect(resolveDeadlineRule(reversed, 'handle', '占道经营', 'normal')?.ruleId).toBe('category');
    expect(resolveDeadlineRule(reversed, 'handle', '噪音扰民', 'urgent')?.ruleId).toBe('urgent');
  });
});
