import { ValidationError } from '@fengqiao/kernel';
import { assertKnownUnit, UnitDirectory } from '../directory/unit-directory';

/**
 * Routing (DESIGN §5.1): category × grid → responsible unit, like FixMyStreet's area → body →
 * contact. A rule's scope is one grid, one village, one town, or (empty scope) the whole
 * district; the most specific matching rule wins (grid > village > town > district). A case no
 * rule matches stays `filed` in the unroutable queue until an operator dispatches it by hand.
 */
export interface RoutingScope {
  gridId?: string;
  villageId?: string;
  townId?: string;
}

export interface RoutingRule {
  category: string;
  scope: RoutingScope;
  unitId: string;
}

export const MAX_ROUTING_RULES = 5000;
const SCOPE_KEYS = ['gridId', 'villageId', 'townId'] as const;
type ScopeKey = (typeof SCOPE_KEYS)[number];
const SCOPE_KIND: Record<ScopeKey, string> = { gridId: 'grid', villageId: 'village', townId: 'town' };
const SPECIFICITY: Record<ScopeKey | 'district', number> = { gridId: 3, villageId: 2, townId: 1, district: 0 };
/**
 * Kinds of unit a case can be dispatched to. A mediation committee is allowed because the demo
 * district routes neighbour disputes to the village committee; note that `mediator` users hold no
 * `case.*` action, so such a case waits for the centre to refer it (ReferCase → mediation).
 */
export const DISPATCH_UNIT_KINDS = ['department', 'grid', 'village', 'town', 'district', 'mediation_committee'] as const;

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function scopeKeyOf(scope: RoutingScope): ScopeKey | 'district' {
  return SCOPE_KEYS.find((k) => scope[k] !== undefined) ?? 'district';
}

function scopeLabel(scope: RoutingScope): string {
  const key = scopeKeyOf(scope);
  return key === 'district' ? '全区' : `${key}=${scope[key]}`;
}

function invalid(index: number, message: string, details: Record<string, unknown> = {}): never {
  throw new ValidationError('GRID_DISPATCH.INVALID_ROUTING_RULE', `第 ${index + 1} 条派单规则无效：${message}`, { index, ...details });
}

/**
 * Checks a routing table: each rule names a category and a responsible unit, its scope names at
 * most one of grid, village or town, and no two rules share a category and a scope. With a
 * directory, every unit must exist, not be retired, and be of the right kind.
 */
export function validateRoutingRules(rules: readonly RoutingRule[], directory?: UnitDirectory): RoutingRule[] {
  if (!Array.isArray(rules)) throw new ValidationError('GRID_DISPATCH.INVALID_ROUTING_RULE', '派单规则必须是列表');
  if (rules.length > MAX_ROUTING_RULES) {
    throw new ValidationError('GRID_DISPATCH.TOO_MANY_ROUTING_RULES', `派单规则不能超过 ${MAX_ROUTING_RULES} 条`, { count: rules.length });
  }
  const seen = new Map<string, number>();
  return rules.map((rule, i) => {
    if (typeof rule !== 'object' || rule === null) invalid(i, '必须是对象');
    if (!nonEmpty(rule.category)) invalid(i, '缺少事件类别');
    if (!nonEmpty(rule.unitId)) invalid(i, '缺少承办单位');
    const scope = rule.scope ?? {};
    if (typeof scope !== 'object' || scope === null) invalid(i, '适用范围必须是对象');
    const given = Object.keys(scope).filter((k) => (scope as Record<string, unknown>)[k] !== undefined);
    const unknown = given.filter((k) => !(SCOPE_KEYS as readonly string[]).includes(k));
    if (unknown.length) invalid(i, `适用范围只能是 gridId、villageId 或 townId 之一，不能有 ${unknown.join('、')}`);
    if (given.length > 1) invalid(i, '适用范围只能指定网格、村居或街镇中的一个');
    const key = scopeKeyOf(scope);
    if (key !== 'district' && !nonEmpty(scope[key])) invalid(i, `${key} 不能为空`);
    const clean: RoutingRule = {
      category: rule.category.trim(),
      scope: key === 'district' ? {} : { [key]: (scope[key] as string).trim() },
      unitId: rule.unitId.trim(),
    };
    const dup = `${clean.category}\u0000${scopeLabel(clean.scope)}`;
    const earlier = seen.get(dup);
    if (earlier !== undefined) {
      throw new ValidationError(
        'GRID_DISPATCH.DUPLICATE_ROUTING_RULE',
        `第 ${i + 1} 条派单规则与第 ${earlier + 1} 条重复（类别“${clean.category}”，范围 ${scopeLabel(clean.scope)}）`,
        { index: i, duplicateOf: earlier },
      );
    }
    seen.set(dup, i);
    try {
      assertKnownUnit(directory, clean.unitId, `rules[${i}].unitId`, DISPATCH_UNIT_KINDS);
      if (key !== 'district') assertKnownUnit(directory, clean.scope[key] as string, `rules[${i}].scope.${key}`, [SCOPE_KIND[key]]);
    } catch (e) {
      if (e instanceof ValidationError) invalid(i, e.message, { field: e.details?.['field'] });
      throw e;
    }
    return clean;
  });
}

/** Where a case is: its grid (if any) and the unit path of its location (district → … → grid). */
export interface CaseLocation {
  gridId: string | null;
  path: readonly string[];
}

export interface RouteMatch {
  rule: RoutingRule;
  /** index of the rule in its table version */
  index: number;
  /** grid | village | town | district */
  matchedBy: ScopeKey | 'district';
}

/** The most specific rule for this category at this location, if any. */
export function resolveRoute(rules: readonly RoutingRule[], category: string, location: CaseLocation): RouteMatch | undefined {
  let best: RouteMatch | undefined;
  rules.forEach((rule, index) => {
    if (rule.category !== category) return;
    const key = scopeKeyOf(rule.scope);
    const matches =
      key === 'district' ||
      (key === 'gridId' ? location.gridId !== null && rule.scope.gridId === location.gridId : location.path.includes(rule.scope[key] as string));
    if (!matches) return;
    if (!best || SPECIFICITY[key] > SPECIFICITY[best.matchedBy]) best = { rule, index, matchedBy: key };
  });
  return best;
}

/** A category × grid that a routing table leaves without a responsible unit (`gridId` null: nowhere at all). */
export interface RoutingGap {
  category: string;
  gridId: string | null;
}

/** Gaps listed in a refusal at most (the total is given too). */
export const MAX_LISTED_GAPS = 50;

/**
 * The category × grid pairs `next` leaves unrouted that `current` routes (or, for a first table,
 * every unrouted pair of the categories it names): a new version must not switch automatic
 * dispatch off anywhere by mistake. Grids are the active grids of the directory; without a
 * directory that can list its units, only whole categories are compared.
 */
export function routingGaps(current: readonly RoutingRule[] | null, next: readonly RoutingRule[], directory?: UnitDirectory): RoutingGap[] {
  const categories = [...new Set([...(current ?? []), ...next].map((r) => r.category))].sort();
  const grids = directory?.units?.().filter((u) => u.kind === 'grid' && !u.retired);
  if (!grids) {
    const nextCategories = new Set(next.map((r) => r.category));
    return categories.filter((c) => !nextCategories.has(c)).map((category) => ({ category, gridId: null }));
  }
  const gaps: RoutingGap[] = [];
  for (const category of categories) {
    for (const grid of grids) {
      const location = { gridId: grid.id, path: grid.path };
      if (resolveRoute(next, category, location)) continue;
      if (current === null || resolveRoute(current, category, location)) gaps.push({ category, gridId: grid.id });
    }
  }
  return gaps;
}

/** 422-like refusal of a table with gaps, listing them (400 `GRID_DISPATCH.ROUTING_GAPS`). */
export function assertNoRoutingGaps(gaps: readonly RoutingGap[]): void {
  if (gaps.length === 0) return;
  const shown = gaps
    .slice(0, 10)
    .map((g) => `${g.category} × ${g.gridId ?? '全区'}`)
    .join('、');
  throw new ValidationError(
    'GRID_DISPATCH.ROUTING_GAPS',
    `新的派单规则会使 ${gaps.length} 个“类别 × 网格”无法自动派单（${shown}${gaps.length > 10 ? ' 等' : ''}）；确需如此请加 "allowUnroutable": true`,
    { count: gaps.length, gaps: gaps.slice(0, MAX_LISTED_GAPS), field: 'rules' },
  );
}

const MATCHED_BY_LABEL: Record<ScopeKey | 'district', string> = { gridId: '网格', villageId: '村居', townId: '街镇', district: '全区' };

/** The reason recorded on an automatic dispatch: which table version and which rule chose the unit. */
export function autoDispatchReason(version: number, match: RouteMatch): string {
  const scope = match.matchedBy === 'district' ? '全区' : `${MATCHED_BY_LABEL[match.matchedBy]} ${match.rule.scope[match.matchedBy]}`;
  return `按派单规则第 ${version} 版第 ${match.index + 1} 条自动派单（类别“${match.rule.category}”，范围：${scope}）`;
}
