import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/** GET /intake/cases/:id: ETag, jurisdiction, personal data by role. */
describe('get a case (GET /intake/cases/:id)', () => {
  let t: IntakeTestApp;
  let caseId: string;
  beforeAll(async () => {
    t = await startIntakeTestApp();
    ({ caseId } = await t.report('districtOperator', {
      channel: 'hotline',
      category: 'water_pollution',
      description: '村前小河发黑发臭',
      location: { point: pointIn('g-2-1-4'), address: '桥南村前溪3组12号' },
      reporter: { anonymous: false, name: '郑先生', phone: '13800000108' },
    }));
  }, 60_000);
  afterAll(() => t?.close());

  it('answers the case with its ETag to operators in the jurisdiction', async () => {
    for (const user of ['districtOperator', 'town2Operator'] as const) {
      const res = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: user });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"0"');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        caseId,
        revision: 0,
        status: 'reported',
        statusLabel: '已上报，待受理',
        category: 'water_pollution',
        categoryName: '水体污染',
        gridId: 'g-2-1-4',
        reporter: { anonymous: false, name: '郑先生', phone: '13800000108' },
        location: { address: '桥南村前溪3组12号' },
        jurisdiction: ['d-fq', 't-2', 'v-2-1', 'g-2-1-4'],
        open311Status: 'open',
        dispatch: null,
      });
    }
  });

  it('masks the reporter for an auditor without personal-data scope, not for one with it', async () => {
    const plain = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'auditorDistrict' });
    expect(plain.status).toBe(200);
    expect(plain.body.reporter).toEqual({ anonymous: false, name: '郑**', phone: '138****0108' });
    expect(plain.body.location.address).toBe('桥南村****');
    const scoped = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'auditorTown2' });
    expect(scoped.body.reporter).toEqual({ anonymous: false, name: '郑先生', phone: '13800000108' });
  });

  it('403 outside the jurisdiction or without case.read, 401 without a token, 404 for an unknown id', async () => {
    expect((await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'town1Operator' })).body.code).toBe('AUTH.OUT_OF_JURISDICTION');
    expect((await t.call('GET', `/intake/cases/${caseId}`, { as: 'gridWorker111' })).status).toBe(403);
    expect((await t.call('GET', `/intake/cases/${caseId}`, { as: 'mediator' })).status).toBe(403);
    expect((await t.call('GET', `/intake/cases/${caseId}`, { as: 'admin' })).status).toBe(403);
    expect((await t.call('GET', `/intake/cases/${caseId}`)).status).toBe(401);
    const missing = await t.call<LooseJson>('GET', '/intake/cases/0190d9e3-0000-7000-8000-000000000000', { as: 'districtOperator' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'INTAKE.CASE_NOT_FOUND' });
  });
});
