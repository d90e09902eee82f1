import { demoDistrict } from '@fengqiao/demo';
import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, startIntakeTestApp, TestUser } from '../testing/intake-test-app';

/** GET /intake/cases/:id/duplicates: same category, radius, window, the caller's scope. */
describe('duplicate suggestions (GET /intake/cases/:id/duplicates)', () => {
  let t: IntakeTestApp;
  const ids: Record<string, string> = {};
  // the border between 枫源社区 (v-1-1) and 栎桥社区 (v-1-2) runs along lat 29.680
  const A = { lat: 29.6798, lng: 120.155 };
  const metresNorth = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + m / 111_195, lng: p.lng });

  beforeAll(async () => {
    t = await startIntakeTestApp();
    expect(demoDistrict.gridAt(A.lng, A.lat)).toMatch(/^g-1-1-/);
    expect(demoDistrict.gridAt(A.lng, metresNorth(A, 40).lat)).toMatch(/^g-1-2-/);
    const report = async (key: string, point: { lat: number; lng: number } | null, category = 'fire_lane_blocked', user: TestUser = 'districtOperator') => {
      ids[key] = (
        await t.report(user, { channel: 'hotline', category, description: key, location: point ? { point } : { address: '枫源社区第一网格' } })
      ).caseId;
    };
    await report('a', A);
    t.clock.advance(3_600_000);
    await report('near', metresNorth(A, -30));
    await report('acrossTheBorder', metresNorth(A, 40));
    await report('otherCategory', metresNorth(A, -10), 'garbage_overflow');
    await report('far', metresNorth(A, -900));
    await report('noPoint', null);
    await report('merged', metresNorth(A, -20));
    expect((await t.call('POST', `/intake/cases/${ids['merged']}/merge`, { as: 'districtOperator', body: { duplicateOf: ids['a'] } })).status).toBe(200);
    t.clock.advance(100 * 3_600_000);
    await report('muchLater', metresNorth(A, -5));
  }, 60_000);
  afterAll(() => t?.close());

  const suggest = async (key: string, user: TestUser, query = '') => {
    const res = await t.call<LooseJson>('GET', `/intake/cases/${ids[key]}/duplicates${query}`, { as: user });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('same category within 200 m and 72 h, nearest first, among the cases the caller may read', async () => {
    const district = await suggest('a', 'districtOperator');
    expect(district.policy).toEqual({ radiusMetres: 200, windowHours: 72, limit: 5 });
    expect(district.suggestions.map((s: LooseJson) => s.caseId)).toEqual([ids['near'], ids['acrossTheBorder']]);
    expect(district.suggestions[0]).toMatchObject({ status: 'reported', description: 'near', hoursApart: 1 });
    expect(district.suggestions[0].distanceMetres).toBeGreaterThan(25);
    expect(district.suggestions[0].distanceMetres).toBeLessThan(35);
    // the village centre does not see its neighbour's case
    expect((await suggest('a', 'village11Operator')).suggestions.map((s: LooseJson) => s.caseId)).toEqual([ids['near']]);
  });

  it('radius and window may be narrowed or widened per request', async () => {
    expect((await suggest('a', 'districtOperator', '?radiusMetres=35')).suggestions.map((s: LooseJson) => s.caseId)).toEqual([ids['near']]);
    const wide = await suggest('a', 'districtOperator', '?radiusMetres=1000&windowHours=200');
    expect(wide.suggestions.map((s: LooseJson) => s.caseId)).toEqual([ids['muchLater'], ids['near'], ids['acrossTheBorder'], ids['far']]);
  });

  it('a case without a point gets no suggestion and says why', async () => {
    const res = await suggest('noPoint', 'districtOperator');
    expect(res).toMatchObject({ suggestions: [], note: '该事件没有坐标，无法按距离查找重复事件' });
  });

  it('400 on bad parameters, 403 outside the jurisdiction, 404 for an unknown case', async () => {
    const bad = await t.call<LooseJson>('GET', `/intake/cases/${ids['a']}/duplicates?radiusMetres=99999`, { as: 'districtOperator' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0]).toMatchObject({ field: 'radiusMetres', message: '半径须在 1 到 5000 米之间' });
    expect((await t.call('GET', `/intake/cases/${ids['a']}/duplicates`, { as: 'town2Operator' })).status).toBe(403);
    expect((await t.call('GET', `/intake/cases/${ids['a']}/duplicates`, { as: 'mediator' })).status).toBe(403);
    expect((await t.call('GET', '/intake/cases/nope/duplicates', { as: 'districtOperator' })).status).toBe(404);
  });
});
