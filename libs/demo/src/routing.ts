/**
 * Routing of grid cases: category × area → responsible unit (like FixMyStreet's area → body →
 * category contact, domain notes §2.1). A rule's scope names at most one area; the most specific
 * matching rule wins: grid beats village beats town beats district-wide (empty scope).
 * Combinations no rule covers go to the "unroutable" queue; the demo leaves `DEMO_ROUTING_GAPS`
 * open on purpose so that queue has something to show.
 */
import { assertNever } from '@fengqiao/kernel';
import { demoCategories, type DemoCategory } from './categories';
import { demoGeography } from './geography';
import { committeeIdOf, demoDepartments, districtDepartmentId } from './organisation';

export interface DemoRoutingScope {
  gridId?: string;
  villageId?: string;
  townId?: string;
}

export interface DemoRoutingRule {
  category: string;
  /** at most one of gridId / villageId / townId; empty: the whole district */
  scope: DemoRoutingScope;
  unitId: string;
}

/** (category, village) combinations deliberately left without a responsible unit */
export interface DemoRoutingGap {
  category: string;
  villageId: string;
  why: string;
}

export const DEMO_ROUTING_GAPS: readonly DemoRoutingGap[] = [
  { category: 'neighbour_dispute', villageId: 'v-2-3', why: '陈家村人民调解委员会换届中，邻里纠纷暂未配置承办单位' },
  { category: 'elderly_care', villageId: 'v-3-3', why: '云岭村困难群众帮扶服务尚未接入，帮扶诉求暂无承办单位' },
];

const isGap = (category: string, villageId: string): boolean => DEMO_ROUTING_GAPS.some((g) => g.category === category && g.villageId === villageId);

/** local exceptions to the general pattern: more specific rules that win over it */
const OVERRIDES: readonly DemoRoutingRule[] = [
  // 枫源社区第一网格 is the old-street scenic area, run directly by the district enforcement bureau
  { category: 'street_vending', scope: { gridId: 'g-1-1-1' }, unitId: 'dept-d-cg' },
  { category: 'illegal_parking', scope: { gridId: 'g-1-1-1' }, unitId: 'dept-d-cg' },
  // rural self-built houses in 赵家村 are the town's village-construction office's business
  { category: 'illegal_construction', scope: { villageId: 'v-3-2' }, unitId: 'dept-t3-zj' },
];

function rulesFor(category: DemoCategory): DemoRoutingRule[] {
  const { towns, villages } = demoGeography;
  const kind = category.responsibleKind;
  const code = category.code;
  switch (kind) {
    case 'mediation':
      // neighbour disputes start at the village committee; land disputes at the town centre
      return code === 'neighbour_dispute'
        ? villages.filter((v) => !isGap(code, v.id)).map((v) => ({ category: code, scope: { villageId: v.id }, unitId: committeeIdOf(v.id) }))
        : towns.map((t) => ({ category: code, scope: { townId: t.id }, unitId: committeeIdOf(t.id) }));
    case 'village_centre':
      return villages.filter((v) => !isGap(code, v.id)).map((v) => ({ category: code, scope: { villageId: v.id }, unitId: v.id }));
    case 'urban_management':
    case 'housing':
    case 'police':
    case 'market_regulation':
    case 'ecology':
    case 'fire':
    case 'human_resources': {
      // the town's department where the town has one, the district department everywhere else
      const townRules = demoDepartments
        .filter((d) => d.kind === kind && d.parentId.startsWith('t-'))
        .map((d) => ({ category: code, scope: { townId: d.parentId }, unitId: d.id }));
      return [{ category: code, scope: {}, unitId: districtDepartmentId(kind) }, ...townRules];
    }
    default:
      return assertNever(kind, 'responsibleKind');
  }
}

export const demoRoutingRules: readonly DemoRoutingRule[] = [...demoCategories.flatMap(rulesFor), ...OVERRIDES];

/** 3 grid, 2 village, 1 town, 0 district-wide */
export function scopeSpecificity(scope: DemoRoutingScope): number {
  if (scope.gridId !== undefined) return 3;
  if (scope.villageId !== undefined) return 2;
  if (scope.townId !== undefined) return 1;
  return 0;
}

/** The most specific rule for a category in a grid, or null (unroutable, or unknown grid). */
export function routingRuleFor(category: string, gridId: string, rules: readonly DemoRoutingRule[] = demoRoutingRules): DemoRoutingRule | null {
  const grid = demoGeography.grids.find((g) => g.id === gridId);
  if (!grid) return null;
  let best: DemoRoutingRule | null = null;
  for (const rule of rules) {
    if (rule.category !== category) continue;
    const { gridId: g, villageId: v, townId: t } = rule.scope;
    if ((g !== undefined && g !== grid.id) || (v !== undefined && v !== grid.villageId) || (t !== undefined && t !== grid.townId)) continue;
    if (best === null || scopeSpecificity(rule.scope) > scopeSpecificity(best.scope)) best = rule;
  }
  return best;
}

/** The responsible unit for a category in a grid (most specific rule), or null when unroutable. */
export function routeFor(category: string, gridId: string, rules: readonly DemoRoutingRule[] = demoRoutingRules): string | null {
  return routingRuleFor(category, gridId, rules)?.unitId ?? null;
}
