/**
 * Early-warning rules (DESIGN §2 journey 5): pure functions of the case facts, each giving the
 * warning to raise (rule, the cases behind it, a Chinese explanation a leader can act on) or none.
 * A warning's `key` names what it is about; one warning per key stays open until resolved.
 *
 * - EW.REPEATED_PLACE: ≥ 3 reports at the same address (or ~100 m point) within 30 days.
 * - EW.CATEGORY_SURGE: in one grid, the reports of one category in the last 7 days reach at least
 *   3 and at least twice the grid's own weekly average of that category over the 8 weeks before.
 * - EW.OVERDUE_RISING: a village's share of overdue cases among those filed this month is at least
 *   20 points above last month's, with at least 3 filed cases this month.
 * - EW.PETITION_ESCALATING: a petition matter (a petition and the repeat petitions naming it)
 *   escalates: a group visit (集体访) of 5 or more people (信访工作条例§18: a group visiting in
 *   person sends at most 5 representatives), or 2 or more escalation steps (a repeat petition, a review request, a
 *   re-review request) within 90 days.
 */
import { createHash } from 'node:crypto';
import type { CaseFacts } from '../figures/case-facts.projection';

export interface WarningDraft {
  key: string;
  rule: 'EW.REPEATED_PLACE' | 'EW.CATEGORY_SURGE' | 'EW.OVERDUE_RISING' | 'EW.PETITION_ESCALATING';
  ruleText: string;
  jurisdiction: string[];
  gridId: string | null;
  caseIds: string[];
  count: number;
  explanation: string;
  [more: string]: unknown;
}

export const REPEAT_THRESHOLD = 3;
export const REPEAT_WINDOW_DAYS = 30;
export const SURGE_WINDOW_DAYS = 7;
export const SURGE_BASELINE_WEEKS = 8;
export const SURGE_MIN = 3;
export const OVERDUE_RISE_POINTS = 0.2;
export const OVERDUE_MIN_FILED = 3;
export const GROUP_VISIT_MIN = 5;
export const ESCALATION_STEPS = 2;
export const ESCALATION_WINDOW_DAYS = 90;

const DAY = 86_400_000;
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const timeOf = (f: CaseFacts) => (f.reportedAt ? Date.parse(f.reportedAt) : NaN);

/** `candidates`: facts of cases at the same place (any time). */
export function repeatedPlace(facts: CaseFacts, candidates: readonly CaseFacts[]): WarningDraft | undefined {
  if (!facts.placeKey || !facts.reportedAt) return undefined;
  const at = timeOf(facts);
  const same = candidates.filter((f) => f.placeKey === facts.placeKey && timeOf(f) >= at - REPEAT_WINDOW_DAYS * DAY && timeOf(f) <= at);
  if (same.length < REPEAT_THRESHOLD) return undefined;
  const place = facts.placeKey.replace(/^addr:|^pt:/, '');
  const caseIds = same.map((f) => f.caseId).sort();
  return {
    key: `repeated-place-${hash(facts.placeKey)}`,
    rule: 'EW.REPEATED_PLACE',
    ruleText: `同一地点 ${REPEAT_WINDOW_DAYS} 天内上报 ${REPEAT_THRESHOLD} 件及以上`,
    jurisdiction: [...facts.jurisdiction],
    gridId: facts.gridId,
    place,
    caseIds,
    count: caseIds.length,
    windowDays: REPEAT_WINDOW_DAYS,
    explanation: `${place} 在 ${REPEAT_WINDOW_DAYS} 天内已上报 ${caseIds.length} 件事件（${caseIds.join('、')}），同一问题反复发生，建议由网格所属村居综治中心牵头排查根源、落实长效措施。`,
  };
}

/** `candidates`: facts of the same grid and category (any time). */
export function categorySurge(facts: CaseFacts, candidates: readonly CaseFacts[]): WarningDraft | undefined {
  if (!facts.gridId || !facts.category || !facts.reportedAt) return undefined;
  const at = timeOf(facts);
  const same = candidates.filter((f) => f.gridId === facts.gridId && f.category === facts.category);
  const recent = same.filter((f) => timeOf(f) > at - SURGE_WINDOW_DAYS * DAY && timeOf(f) <= at);
  const before = same.filter((f) => timeOf(f) <= at - SURGE_WINDOW_DAYS * DAY && timeOf(f) > at - (SURGE_WINDOW_DAYS + SURGE_BASELINE_WEEKS * 7) * DAY);
  const baseline = before.length / SURGE_BASELINE_WEEKS;
  if (recent.length < SURGE_MIN || recent.length < 2 * baseline) return undefined;
  const caseIds = recent.map((f) => f.caseId).sort();
  return {
    key: `category-surge-${hash(`${facts.gridId}/${facts.category}`)}`,
    rule: 'EW.CATEGORY_SURGE',
    ruleText: `同一网格同一类别 ${SURGE_WINDOW_DAYS} 天内不少于 ${SURGE_MIN} 件且达到前 ${SURGE_BASELINE_WEEKS} 周周均的 2 倍`,
    jurisdiction: [...facts.jurisdiction],
    gridId: facts.gridId,
    category: facts.category,
    baselinePerWeek: Math.round(baseline * 100) / 100,
    caseIds,
    count: caseIds.length,
    explanation: `网格 ${facts.gridId} 近 ${SURGE_WINDOW_DAYS} 天“${facts.categoryName ?? facts.category}”类事件 ${caseIds.length} 件，前 ${SURGE_BASELINE_WEEKS} 周平均每周 ${Math.round(baseline * 100) / 100} 件，明显上升，建议核实是否存在共同原因并提前部署。`,
  };
}

/** `candidates`: facts of cases in the village (facts.jurisdiction[2]), any month. */
export function overdueRising(facts: CaseFacts, candidates: readonly CaseFacts[]): WarningDraft | undefined {
  const village = facts.jurisdiction[2];
  if (!village || !facts.month) return undefined;
  const month = facts.month;
  const [y, m] = month.split('-').map(Number);
  const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  const inVillage = candidates.filter((f) => f.jurisdiction[2] === village && f.filed);
  const share = (list: CaseFacts[]) => (list.length ? list.filter((f) => f.breached).length / list.length : 0);
  const now = inVillage.filter((f) => f.month === month);
  const before = inVillage.filter((f) => f.month === previous);
  if (now.length < OVERDUE_MIN_FILED || share(now) - share(before) < OVERDUE_RISE_POINTS) return undefined;
  const caseIds = now
    .filter((f) => f.breached)
    .map((f) => f.caseId)
    .sort();
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return {
    key: `overdue-rising-${hash(`${village}/${month}`)}`,
    rule: 'EW.OVERDUE_RISING',
    ruleText: `村居本月立案事件超期占比比上月高 ${OVERDUE_RISE_POINTS * 100} 个百分点及以上（本月立案不少于 ${OVERDUE_MIN_FILED} 件）`,
    jurisdiction: facts.jurisdiction.slice(0, 3),
    gridId: null,
    unitId: village,
    month,
    shareThisMonth: share(now),
    shareLastMonth: share(before),
    caseIds,
    count: caseIds.length,
    explanation: `${village} 本月立案 ${now.length} 件，超期 ${caseIds.length} 件，超期占比 ${pct(share(now))}，上月为 ${pct(share(before))}，明显上升，建议督办超期事件并检查办理力量。`,
  };
}

/** One step by which a petition matter escalates. */
export interface PetitionSignal {
  petitionId: string;
  kind: 'repeat' | 'review' | 're_review' | 'group_visit';
  at: string;
  visitors?: number;
}

const SIGNAL_LABEL: Record<PetitionSignal['kind'], string> = { repeat: '重复信访', review: '申请复查', re_review: '申请复核', group_visit: '集体访' };

/** `signals`: every escalation step recorded for the matter (the original petition `matterId`). */
export function petitionEscalating(matterId: string, jurisdiction: readonly string[], signals: readonly PetitionSignal[]): WarningDraft | undefined {
  if (signals.length === 0) return undefined;
  const last = Math.max(...signals.map((s) => Date.parse(s.at)));
  const group = signals.filter((s) => s.kind === 'group_visit' && (s.visitors ?? 0) >= GROUP_VISIT_MIN);
  const steps = signals.filter((s) => s.kind !== 'group_visit' && Date.parse(s.at) > last - ESCALATION_WINDOW_DAYS * DAY);
  if (group.length === 0 && steps.length < ESCALATION_STEPS) return undefined;
  const behind = [...group, ...steps];
  const caseIds = [...new Set([matterId, ...behind.map((s) => s.petitionId)])].sort();
  const what = behind.map((s) => `${SIGNAL_LABEL[s.kind]}${s.visitors ? `（${s.visitors} 人）` : ''}`).join('、');
  return {
    key: `petition-escalating-${hash(matterId)}`,
    rule: 'EW.PETITION_ESCALATING',
    ruleText: `信访事项出现 ${GROUP_VISIT_MIN} 人及以上集体访，或 ${ESCALATION_WINDOW_DAYS} 天内重复信访、申请复查、申请复核合计 ${ESCALATION_STEPS} 次及以上`,
    jurisdiction: [...jurisdiction],
    gridId: null,
    matterId,
    signals: behind.map((s) => ({ ...s })),
    caseIds,
    count: behind.length,
    explanation: `信访事项 ${matterId} 出现升级迹象：${what}。建议责任单位负责人包案化解，核查前期处理意见是否落实到位，必要时组织听证或公开答复，防止矛盾激化。`,
  };
}
