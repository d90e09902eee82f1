import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp, TestUser } from '../testing/intake-test-app';

/** GET /intake/cases: scope in the query, filters, paging, masking. */
describe('list cases (GET /intake/cases)', () => {
  let t: IntakeTestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startIntakeTestApp();
    const report = async (key: string, user: TestUser, gridId: string | null, category: string, channel = 'hotline') => {
      t.clock.advance(60_000);
      ids[key] = (
        await t.report(user, {
          channel,
          category,
          description: `${key} 的描述`,
          location: gridId ? { point: pointIn(gridId) } : { address: '查无此地' },
          reporter: { anonymous: false, name: '王先生', phone: '13800000199' },
        })
      ).caseId;
    };
    await report('v11a', 'districtOperator', 'g-1-1-1', 'garbage_overflow');
    await report('v11b', 'districtOperator', 'g-1-1-2', 'illegal_parking');
    await report('v12', 'districtOperator', 'g-1-2-1', 'garbage_overflow');
    await report('t2', 'districtOperator', 'g-2-1-1', 'garbage_overflow');
    await report('lost', 'districtOperator', null, 'road_damage');
    await report('gw', 'gridWorker111', 'g-1-1-1', 'street_vending', 'grid_worker');
    expect((await t.call('POST', `/intake/cases/${ids['v11b']}/file`, { as: 'village11Operator', body: {} })).status).toBe(200);
  }, 60_000);
  afterAll(() => t?.close());

  const list = async (user: TestUser, query = '') => {
    const res = await t.call<LooseJson>('GET', `/intake/cases${query}`, { as: user });
    expect(res.status).toBe(200);
    return res.body as { items: LooseJson[]; total: number; page: number; pageSize: number };
  };
  const idsOf = (items: LooseJson[]) => items.map((c: LooseJson) => c.caseId);

  it('each user sees exactly the cases of their jurisdiction, newest first', async () => {
    const district = await list('districtOperator');
    expect(idsOf(district.items)).toEqual(['gw', 'lost', 't2', 'v12', 'v11b', 'v11a'].map((k) => ids[k]));
    expect(district.total).toBe(6);
    expect(idsOf((await list('village11Operator')).items).sort()).toEqual(['v11a', 'v11b', 'gw'].map((k) => ids[k]).sort());
    expect(idsOf((await list('town2Operator')).items)).toEqual([ids['t2']]);
    expect(idsOf((await list('gridWorker111')).items).sort()).toEqual(['v11a', 'gw'].map((k) => ids[k]).sort());
    // the department handles nothing of these yet; the district auditor reads all, the t-2 auditor its town
    expect((await list('department')).total).toBe(0);
    expect((await list('auditorDistrict')).total).toBe(6);
    expect(idsOf((await list('auditorTown2')).items)).toEqual([ids['t2']]);
  });

  it('filters by status, category, grid, channel and the unlocated queue, inside the scope', async () => {
    expect(idsOf((await list('districtOperator', '?status=filed')).items)).toEqual([ids['v11b']]);
    expect(idsOf((await list('districtOperator', '?category=garbage_overflow')).items)).toEqual(['t2', 'v12', 'v11a'].map((k) => ids[k]));
    expect(idsOf((await list('village11Operator', '?category=garbage_overflow')).items)).toEqual([ids['v11a']]);
    expect(idsOf((await list('districtOperator', '?gridId=g-1-1-1')).items)).toEqual(['gw', 'v11a'].map((k) => ids[k]));
    expect(idsOf((await list('districtOperator', '?channel=grid_worker')).items)).toEqual([ids['gw']]);
    expect(idsOf((await list('districtOperator', '?unlocated=true')).items)).toEqual([ids['lost']]);
    expect((await list('districtOperator', '?unlocated=false')).total).toBe(5);
    expect((await list('village11Operator', '?unlocated=true')).total).toBe(0);
  });

  it('pages', async () => {
    const p1 = await list('districtOperator', '?pageSize=4');
    const p2 = await list('districtOperator', '?pageSize=4&page=2');
    expect(p1).toMatchObject({ total: 6, page: 1, pageSize: 4 });
    expect(p1.items).toHaveLength(4);
    expect(p2.items).toHaveLength(2);
    expect([...idsOf(p1.items), ...idsOf(p2.items)]).toEqual(idsOf((await list('districtOperator')).items));
  });

  it('masks reporters for the auditor without personal-data scope', async () => {
    const items = (await list('auditorDistrict')).items;
    expect(items.every((c: LooseJson) => c.reporter === null || c.reporter.phone === '138****0199')).toBe(true);
    const op = (await list('districtOperator')).items.find((c: LooseJson) => c.caseId === ids['t2']);
    expect(op.reporter.phone).toBe('13800000199');
  });

  it.each([
    ['status', '?status=closed', '状态须为 reported、accepted、not_accepted、filed、merged_duplicate 之一'],
    ['unlocated', '?unlocated=maybe', 'unlocated 须为 true 或 false'],
    ['pageSize', '?pageSize=500', '每页条数须为 1 到 100 的整数'],
    ['page', '?page=0', '页码须为正整数'],
    ['channel', '?channel=fax', '上报渠道须为 grid_worker、hotline、walk_in、online、video_alert 之一'],
  ])('400 on a bad %s', async (field, query, message) => {
    const res = await t.call<LooseJson>('GET', `/intake/cases${query}`, { as: 'districtOperator' });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field, message })]));
  });

  it('403 for roles without case.list, 401 without a token', async () => {
    expect((await t.call('GET', '/intake/cases', { as: 'mediator' })).status).toBe(403);
    expect((await t.call('GET', '/intake/cases', { as: 'admin' })).status).toBe(403);
    expect((await t.call('GET', '/intake/cases')).status).toBe(401);
  });
});
