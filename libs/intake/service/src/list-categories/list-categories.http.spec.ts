import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, startIntakeTestApp } from '../testing/intake-test-app';

/** GET /intake/categories: every category for staff, the ones kept off public Open311 included and marked. */
describe('GET /intake/categories', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('lists all 19 demo categories, the 4 kept off Open311 marked not public, while Open311 still lists 15', async () => {
    const res = await t.call<LooseJson[]>('GET', '/intake/categories', { as: 'gridWorker111' });
    expect(res.status).toBe(200);
    const codes = res.body.map((c) => c.code);
    expect(codes).toHaveLength(19);
    const hidden = res.body.filter((c) => c.public === false).map((c) => c.code);
    expect(hidden.sort()).toEqual(['land_dispute', 'neighbour_dispute', 'public_security_risk', 'wage_arrears']);
    expect(res.body.find((c) => c.code === 'neighbour_dispute')).toMatchObject({
      service_code: 'neighbour_dispute',
      service_name: expect.any(String),
      group: '矛盾纠纷',
    });

    const open311 = await t.call<LooseJson[]>('GET', '/open311/v2/services.json');
    expect(open311.body.map((s) => s.service_code).sort()).toEqual(codes.filter((c) => !hidden.includes(c)).sort());
  });

  it('needs a signed-in user', async () => {
    expect((await t.call('GET', '/intake/categories')).status).toBe(401);
  });
});
