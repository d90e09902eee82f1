import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeadlineRule } from '@fengqiao/kernel';
import {
  DEMO_CATEGORY_GROUPS,
  DEMO_DEPARTMENT_KINDS,
  DEMO_GRID_CASE_STEPS,
  DEMO_REPORT_CHANNELS,
  DEMO_ROUTING_GAPS,
  DEMO_URGENCIES,
  demoCategories,
  demoDeadlineRuleFor,
  demoDeadlineRules,
  demoDepartments,
  demoDistrict,
  demoGeography,
  demoRoutingRules,
  routeFor,
  routingRuleFor,
  unitPath,
  type DemoDeadlineRuleEntry,
  type DemoRoutingRule,
} from './index';

const root = join(__dirname, '../../..');
/** the string literals of `export const NAME = [...]` in a source file */
function constList(file: string, name: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const m = new RegExp(`export const ${name} = \\[([^\\]]*)\\]`).exec(text);
  if (!m) throw new Error(`${name} not found in ${file}`);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
}

const units = demoDistrict.directory.units;
const unitById = new Map(units.map((u) => [u.id, u]));
const codes = demoCategories.map((c) => c.code);

describe('copies of context constants stay in step with their source', () => {
  it('matches grid-dispatch GRID_CASE_STEPS and URGENCIES, intake REPORT_CHANNELS', () => {
    expect([...DEMO_GRID_CASE_STEPS]).toEqual(constList('libs/grid-dispatch/domain/src/grid-case/grid-case.types.ts', 'GRID_CASE_STEPS'));
    expect([...DEMO_URGENCIES]).toEqual(constList('libs/grid-dispatch/domain/src/grid-case/grid-case.types.ts', 'URGENCIES'));
    expect([...DEMO_REPORT_CHANNELS]).toEqual(constList('libs/intake/domain/src/grid-case-report/grid-case-report.types.ts', 'REPORT_CHANNELS'));
  });
});

describe('demo categories', () => {
  it('has 12–20 categories with unique snake_case codes, Open311 codes, Chinese names and known groups', () => {
    expect(demoCategories.length).toBeGreaterThanOrEqual(12);
    expect(demoCategories.length).toBeLessThanOrEqual(20);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of demoCategories) {
      expect(c.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(c.open311ServiceCode).toBe(c.code);
      expect(c.name).toMatch(/^\p{Script=Han}+$/u);
      expect(c.description).toMatch(/\p{Script=Han}/u);
      expect(c.keywords.length).toBeGreaterThan(0);
      expect(DEMO_CATEGORY_GROUPS).toContain(c.group);
    }
    for (const g of DEMO_CATEGORY_GROUPS) expect(demoCategories.some((c) => c.group === g)).toBe(true);
  });

  it('names a responsible kind that exists in the district', () => {
    for (const c of demoCategories) {
      if ((DEMO_DEPARTMENT_KINDS as readonly string[]).includes(c.responsibleKind)) {
        expect(demoDepartments.some((d) => d.kind === c.responsibleKind)).toBe(true);
      } else expect(['mediation', 'village_centre']).toContain(c.responsibleKind);
    }
  });
});

describe('demo deadline rules', () => {
  const keys = [...DEMO_GRID_CASE_STEPS, 'extension'] as const;

  it('uses known steps, urgencies and categories, with no duplicate key', () => {
    const seen = new Set<string>();
    for (const e of demoDeadlineRules) {
      expect(keys).toContain(e.step);
      if (e.urgency !== undefined) expect(DEMO_URGENCIES).toContain(e.urgency);
      if (e.category !== undefined) expect(codes).toContain(e.category);
      const key = `${e.step}|${e.category ?? '*'}|${e.urgency ?? '*'}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('labels every rule as local, with a unique ruleId, a positive whole duration and a warning lead shorter than it', () => {
    const ids = demoDeadlineRules.map((e) => e.rule.ruleId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { rule } of demoDeadlineRules) {
      expect(rule.ruleId).toMatch(/^demo\.local\./);
      expect(rule.legalBasis).toMatch(/地方/);
      expect(Number.isInteger(rule.duration) && rule.duration > 0).toBe(true);
      if (rule.warnBefore !== undefined) expect(rule.warnBefore).toBeLessThan(rule.duration);
    }
  });

  it('resolves a rule for every step (and the extension template) × category × urgency', () => {
    const missing: string[] = [];
    for (const step of keys) {
      for (const category of codes) {
        for (const urgency of DEMO_URGENCIES) if (!demoDeadlineRuleFor(step, category, urgency)) missing.push(`${step}/${category}/${urgency}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('never gives a more urgent case a longer handling limit than a less urgent one of the same category', () => {
    const hours = (r: DeadlineRule | undefined) => {
      if (!r) throw new Error('no rule');
      return r.unit === 'working_hours' ? r.duration : r.unit === 'working_days' ? r.duration * 8 : r.duration * 24;
    };
    for (const category of codes) {
      for (const step of DEMO_GRID_CASE_STEPS) {
        const [n, u, vu] = DEMO_URGENCIES.map((urgency) => hours(demoDeadlineRuleFor(step, category, urgency)));
        expect(u).toBeLessThanOrEqual(n);
        expect(vu).toBeLessThanOrEqual(u);
      }
    }
  });

  it('has the agreed defaults: handle 5/2 working days and 4 working hours; accept 2 h; verify 1 day; callback 2 days', () => {
    const r = (step: (typeof keys)[number], urgency: 'normal' | 'urgent' | 'very_urgent', category = 'road_damage') => {
      const rule = demoDeadlineRuleFor(step, category, urgency);
      return rule && [rule.duration, rule.unit];
    };
    expect(r('handle', 'normal')).toEqual([5, 'working_days']);
    expect(r('handle', 'urgent')).toEqual([2, 'working_days']);
    expect(r('handle', 'very_urgent')).toEqual([4, 'working_hours']);
    expect(r('accept', 'normal')).toEqual([2, 'working_hours']);
    expect(r('verify', 'normal')).toEqual([1, 'working_days']);
    expect(r('callback', 'urgent')).toEqual([2, 'working_days']);
    expect(r('handle', 'normal', 'fire_lane_blocked')).toEqual([1, 'working_days']);
  });

  it('resolves the most specific entry: category beats urgency, both beat neither, and refuses ties', () => {
    const rule = (ruleId: string): DeadlineRule => ({ ruleId, duration: 1, unit: 'working_days' });
    const table: DemoDeadlineRuleEntry[] = [
      { step: 'handle', rule: rule('any') },
      { step: 'handle', urgency: 'urgent', rule: rule('urgent') },
      { step: 'handle', category: 'x', rule: rule('x') },
      { step: 'handle', category: 'x', urgency: 'urgent', rule: rule('x-urgent') },
    ];
    expect(demoDeadlineRuleFor('handle', 'y', 'normal', table)?.ruleId).toBe('any');
    expect(demoDeadlineRuleFor('handle', 'y', 'urgent', table)?.ruleId).toBe('urgent');
    expect(demoDeadlineRuleFor('handle', 'x', 'normal', table)?.ruleId).toBe('x');
    expect(demoDeadlineRuleFor('handle', 'x', 'urgent', table)?.ruleId).toBe('x-urgent');
    expect(demoDeadlineRuleFor('verify', 'x', 'urgent', table)).toBeUndefined();
    expect(() => demoDeadlineRuleFor('handle', 'y', 'normal', [...table, { step: 'handle', rule: rule('again') }])).toThrow(/ambiguous/);
  });
});

describe('demo routing', () => {
  const isGap = (category: string, villageId: string) => DEMO_ROUTING_GAPS.some((g) => g.category === category && g.villageId === villageId);

  it('has well-formed rules: known category, existing unit, at most one scope area of the right kind, no duplicates', () => {
    const seen = new Set<string>();
    for (const r of demoRoutingRules) {
      expect(codes).toContain(r.category);
      expect(unitById.has(r.unitId)).toBe(true);
      const entries = Object.entries(r.scope).filter(([, v]) => v !== undefined);
      expect(entries.length).toBeLessThanOrEqual(1);
      for (const [key, id] of entries) expect(unitById.get(id)?.kind).toBe({ gridId: 'grid', villageId: 'village', townId: 'town' }[key]);
      const key = `${r.category}|${JSON.stringify(r.scope)}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('routes every category in every grid except the documented gaps, which stay unroutable', () => {
    const problems: string[] = [];
    for (const g of demoGeography.grids) {
      for (const c of demoCategories) {
        const unitId = routeFor(c.code, g.id);
        if (isGap(c.code, g.villageId)) {
          if (unitId !== null) problems.push(`${c.code}@${g.id} is a documented gap but routes to ${unitId}`);
          continue;
        }
        if (unitId === null) {
          problems.push(`${c.code}@${g.id} unroutable`);
          continue;
        }
        const unit = unitById.get(unitId);
        // the responsible unit is the grid's village, or a body attached to an area on the grid's path
        const gridPath = unitPath(g.id);
        const attachedAt = unit?.kind === 'village' ? unitId : unit?.parentId;
        if (!attachedAt || !gridPath.includes(attachedAt)) problems.push(`${c.code}@${g.id} routes outside the grid's path: ${unitId}`);
        const kind = c.responsibleKind;
        const ok =
          kind === 'mediation'
            ? unit?.kind === 'mediation_committee'
            : kind === 'village_centre'
              ? unit?.kind === 'village'
              : demoDepartments.find((d) => d.id === unitId)?.kind === kind ||
                routingRuleFor(c.code, g.id)?.scope.villageId !== undefined ||
                routingRuleFor(c.code, g.id)?.scope.gridId !== undefined;
        if (!ok) problems.push(`${c.code}@${g.id} routes to ${unitId}, not a ${kind}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents real gaps: each names an existing category and village, with a reason', () => {
    expect(DEMO_ROUTING_GAPS.length).toBeGreaterThan(0);
    for (const gap of DEMO_ROUTING_GAPS) {
      expect(codes).toContain(gap.category);
      expect(unitById.get(gap.villageId)?.kind).toBe('village');
      expect(gap.why).toMatch(/\p{Script=Han}/u);
    }
  });

  it('lets the most specific rule win: grid over village over town over district-wide', () => {
    expect(routeFor('street_vending', 'g-1-1-1')).toBe('dept-d-cg'); // grid override
    expect(routeFor('street_vending', 'g-1-1-2')).toBe('dept-t1-cg'); // town
    expect(routeFor('illegal_construction', 'g-3-2-1')).toBe('dept-t3-zj'); // village override
    expect(routeFor('illegal_construction', 'g-3-1-1')).toBe('dept-t3-cg'); // town
    expect(routeFor('dilapidated_building', 'g-1-1-1')).toBe('dept-d-zj'); // district-wide: 枫溪街道 has no 住建
    expect(routeFor('neighbour_dispute', 'g-1-3-5')).toBe('mc-v-1-3');
    expect(routeFor('land_dispute', 'g-3-3-2')).toBe('mc-t-3');
    expect(routeFor('elderly_care', 'g-1-4-3')).toBe('v-1-4');
    expect(routeFor('road_damage', 'g-0-0-0')).toBeNull();
    const rules: DemoRoutingRule[] = [
      { category: 'x', scope: {}, unitId: 'district' },
      { category: 'x', scope: { townId: 't-2' }, unitId: 'town' },
      { category: 'x', scope: { villageId: 'v-2-2' }, unitId: 'village' },
      { category: 'x', scope: { gridId: 'g-2-2-3' }, unitId: 'grid' },
    ];
    // order of the table must not matter
    for (const table of [rules, [...rules].reverse()]) {
      expect(routeFor('x', 'g-2-2-3', table)).toBe('grid');
      expect(routeFor('x', 'g-2-2-4', table)).toBe('village');
      expect(routeFor('x', 'g-2-1-1', table)).toBe('town');
      expect(routeFor('x', 'g-1-1-1', table)).toBe('district');
      expect(routeFor('y', 'g-1-1-1', table)).toBeNull();
    }
  });
});
