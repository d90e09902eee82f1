/**
 * Deadline configuration for grid cases in the demo district: step × category × urgency →
 * DeadlineRule (DESIGN §5.1). Same shape as grid-dispatch's `DeadlineRuleEntry` table (the step
 * names are copied from `GRID_CASE_STEPS`, not imported: a shared lib cannot import a context).
 * No national law fixes these limits (domain notes §3.2): every rule is a local default, with a
 * `demo.local.*` ruleId and a legal basis naming the local text it follows, or saying it is a
 * demo setting.
 */
import type { DeadlineRule } from '@fengqiao/kernel';

/** copy of grid-dispatch `GRID_CASE_STEPS` */
export const DEMO_GRID_CASE_STEPS = ['dispatch', 'accept', 'rule_objection', 'handle', 'verify', 'close', 'callback'] as const;
export type DemoGridCaseStep = (typeof DEMO_GRID_CASE_STEPS)[number];
/** a step, or `extension`: the template for granted extensions (the length comes from the ruling) */
export type DemoDeadlineStep = DemoGridCaseStep | 'extension';

/** copy of grid-dispatch / intake `URGENCIES` */
export const DEMO_URGENCIES = ['normal', 'urgent', 'very_urgent'] as const;
export type DemoUrgency = (typeof DEMO_URGENCIES)[number];

export interface DemoDeadlineRuleEntry {
  step: DemoDeadlineStep;
  /** absent: every category */
  category?: string;
  /** absent: every urgency */
  urgency?: DemoUrgency;
  rule: DeadlineRule;
}

const LOCAL_DEMO = '枫桥区示范配置（地方默认，非法定时限）';
const JINAN_WEIFANG = '济南市12345市民服务热线条例第24条、潍坊市12345政务服务便民热线条例第20条（地方）：5个工作日';

const entry = (
  step: DemoDeadlineStep,
  key: string,
  duration: number,
  unit: DeadlineRule['unit'],
  opts: { category?: string; urgency?: DemoUrgency; legalBasis?: string; warnBefore?: number } = {},
): DemoDeadlineRuleEntry => ({
  step,
  ...(opts.category !== undefined ? { category: opts.category } : {}),
  ...(opts.urgency !== undefined ? { urgency: opts.urgency } : {}),
  rule: {
    ruleId: `demo.local.grid.${step}.${key}`,
    legalBasis: opts.legalBasis ?? LOCAL_DEMO,
    duration,
    unit,
    ...(opts.warnBefore !== undefined ? { warnBefore: opts.warnBefore } : {}),
  },
});

export const demoDeadlineRules: readonly DemoDeadlineRuleEntry[] = [
  // 派单: the centre dispatches a filed case
  entry('dispatch', 'default', 2, 'working_hours', { warnBefore: 1 }),
  entry('dispatch', 'very_urgent', 1, 'working_hours', { urgency: 'very_urgent' }),
  // 签收: the assigned unit accepts (or objects)
  entry('accept', 'default', 2, 'working_hours', { warnBefore: 1 }),
  entry('accept', 'very_urgent', 1, 'working_hours', { urgency: 'very_urgent' }),
  // 退单裁定: the centre rules on an objection (local practice: 退件 within 2 days)
  entry('rule_objection', 'default', 2, 'working_days', { warnBefore: 1 }),
  entry('rule_objection', 'very_urgent', 4, 'working_hours', { urgency: 'very_urgent', warnBefore: 1 }),
  // 处置: handle and feed back
  entry('handle', 'normal', 5, 'working_days', { urgency: 'normal', legalBasis: JINAN_WEIFANG, warnBefore: 1 }),
  entry('handle', 'urgent', 2, 'working_days', { urgency: 'urgent', warnBefore: 1 }),
  entry('handle', 'very_urgent', 4, 'working_hours', { urgency: 'very_urgent', warnBefore: 1 }),
  // blocked fire lanes are cleared the same or next working day
  entry('handle', 'fire_lane_blocked.normal', 1, 'working_days', { category: 'fire_lane_blocked', urgency: 'normal' }),
  entry('handle', 'fire_lane_blocked.urgent', 4, 'working_hours', { category: 'fire_lane_blocked', urgency: 'urgent', warnBefore: 1 }),
  entry('handle', 'fire_lane_blocked.very_urgent', 2, 'working_hours', { category: 'fire_lane_blocked', urgency: 'very_urgent', warnBefore: 1 }),
  // exposed garbage: 1 calendar day (vendor example: 暴露垃圾 1 自然日), very urgent in working hours
  entry('handle', 'garbage_overflow', 1, 'calendar_days', { category: 'garbage_overflow' }),
  entry('handle', 'garbage_overflow.very_urgent', 4, 'working_hours', { category: 'garbage_overflow', urgency: 'very_urgent', warnBefore: 1 }),
  // wage arrears need the labour inspectorate: 10 working days, urgent 3, very urgent (workers gathering) 1
  entry('handle', 'wage_arrears', 10, 'working_days', { category: 'wage_arrears', warnBefore: 2 }),
  entry('handle', 'wage_arrears.urgent', 3, 'working_days', { category: 'wage_arrears', urgency: 'urgent', warnBefore: 1 }),
  entry('handle', 'wage_arrears.very_urgent', 1, 'working_days', { category: 'wage_arrears', urgency: 'very_urgent' }),
  // 核查: the centre verifies the feedback on site
  entry('verify', 'default', 1, 'working_days'),
  entry('verify', 'very_urgent', 4, 'working_hours', { urgency: 'very_urgent', warnBefore: 1 }),
  // 结案
  entry('close', 'default', 1, 'working_days'),
  // 回访: call the reporter back
  entry('callback', 'default', 2, 'working_days', { warnBefore: 1 }),
  // 延期 template: granted extensions carry this ruleId and legal basis; the length comes from the ruling
  entry('extension', 'default', 5, 'working_days', {
    legalBasis: '北京市接诉即办工作条例第15条（延期须说明理由并告知诉求人）；枫桥区示范配置（地方）',
    warnBefore: 1,
  }),
];

/**
 * The most specific entry for a step, category and urgency (category beats urgency, both beat
 * neither), the same precedence as grid-dispatch's `resolveDeadlineRule`; `undefined` if none.
 * Throws if two entries are equally specific (the table would be ambiguous).
 */
export function demoDeadlineRuleFor(
  step: DemoDeadlineStep,
  category: string,
  urgency: DemoUrgency,
  table: readonly DemoDeadlineRuleEntry[] = demoDeadlineRules,
): DeadlineRule | undefined {
  let best: { score: number; entry: DemoDeadlineRuleEntry } | undefined;
  let tie = false;
  for (const e of table) {
    if (e.step !== step) continue;
    if (e.category !== undefined && e.category !== category) continue;
    if (e.urgency !== undefined && e.urgency !== urgency) continue;
    const score = (e.category !== undefined ? 2 : 0) + (e.urgency !== undefined ? 1 : 0);
    if (!best || score > best.score) {
      best = { score, entry: e };
      tie = false;
    } else if (score === best.score) tie = true;
  }
  if (tie) throw new Error(`ambiguous deadline rules for ${step}/${category}/${urgency}`);
  return best?.entry.rule;
}
