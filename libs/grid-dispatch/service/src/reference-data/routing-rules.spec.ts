import { demoDistrict } from '@fengqiao/demo';
import { autoDispatchReason, resolveRoute, RoutingRule, validateRoutingRules } from './routing-rules';

const rules: RoutingRule[] = [
  { category: 'noise', scope: {}, unitId: 'dept-d' },
  { category: 'noise', scope: { townId: 't-1' }, unitId: 'dept-t1' },
  { category: 'noise', scope: { villageId: 'v-1-1' }, unitId: 'v-1-1' },
  { category: 'noise', scope: { gridId: 'g-1-1-1' }, unitId: 'g-1-1-1' },
  { category: 'fire', scope: { townId: 't-2' }, unitId: 'dept-t2' },
];

describe('routing rules', () => {
  it.each([
    ['g-1-1-1', ['d', 't-1', 'v-1-1', 'g-1-1-1'], 'g-1-1-1', 'gridId'],
    ['g-1-1-2', ['d', 't-1', 'v-1-1', 'g-1-1-2'], 'v-1-1', 'villageId'],
    ['g-1-2-1', ['d', 't-1', 'v-1-2', 'g-1-2-1'], 'dept-t1', 'townId'],
    ['g-2-1-1', ['d', 't-2', 'v-2-1', 'g-2-1-1'], 'dept-d', 'district'],
    [null, ['d', 't-1', 'v-1-1'], 'v-1-1', 'villageId'],
  ] as const)('noise in %s → the most specific rule', (gridId, path, unitId, matchedBy) => {
    expect(resolveRoute(rules, 'noise', { gridId, path })).toMatchObject({ rule: { unitId }, matchedBy });
    expect(resolveRoute([...rules].reverse(), 'noise', { gridId, path })).toMatchObject({ rule: { unitId }, matchedBy });
  });

  it('finds no route for a category or place no rule covers', () => {
    expect(resolveRoute(rules, 'fire', { gridId: 'g-1-1-1', path: ['d', 't-1', 'v-1-1', 'g-1-1-1'] })).toBeUndefined();
    expect(resolveRoute(rules, 'litter', { gridId: null, path: ['d'] })).toBeUndefined();
  });

  it("agrees with the demo district's own routing for every category in every grid", () => {
    const table = validateRoutingRules(demoDistrict.routing);
    for (const grid of demoDistrict.geography.grids) {
      for (const category of demoDistrict.categories) {
        const mine = resolveRoute(table, category.code, { gridId: grid.id, path: demoDistrict.unitPath(grid.id) })?.rule.unitId ?? null;
        expect({ grid: grid.id, category: category.code, unit: mine }).toEqual({
          grid: grid.id,
          category: category.code,
          unit: demoDistrict.routeFor(category.code, grid.id),
        });
      }
    }
  });

  it('normalises a valid table and names the reason of a bad one', () => {
    expect(validateRoutingRules([{ category: ' noise ', scope: { gridId: 'g-1', villageId: undefined } as never, unitId: 'u ' }])).toEqual([
      { category: 'noise', scope: { gridId: 'g-1' }, unitId: 'u' },
    ]);
    expect(() => validateRoutingRules([rules[1], { ...rules[1], unitId: 'other' }])).toThrow('第 2 条派单规则与第 1 条重复（类别“noise”，范围 townId=t-1）');
    expect(() => validateRoutingRules([{ category: 'x', scope: { gridId: 'g', townId: 't' }, unitId: 'u' }])).toThrow(
      '第 1 条派单规则无效：适用范围只能指定网格、村居或街镇中的一个',
    );
    expect(() => validateRoutingRules([{ category: 'x', scope: { gridId: ' ' }, unitId: 'u' }])).toThrow('第 1 条派单规则无效：gridId 不能为空');
  });

  it('writes the table version and the rule into the reason of an automatic dispatch', () => {
    const match = resolveRoute(rules, 'noise', { gridId: 'g-1-1-2', path: ['d', 't-1', 'v-1-1', 'g-1-1-2'] })!;
    expect(autoDispatchReason(7, match)).toBe('按派单规则第 7 版第 3 条自动派单（类别“noise”，范围：村居 v-1-1）');
  });
});
