import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/** POST /intake/cases/:id/file: filing, corrections, resolving the unlocated queue, refusals. */
describe('file a case (POST /intake/cases/:id/file)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const streamEvents = async (caseId: string) => (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${caseId}`);
  const unlocated = () =>
    t.report('districtOperator', { channel: 'hotline', category: 'road_damage', description: '路面塌陷', location: { address: '无名小路' } });

  it("files a reported case (accepting it too) at the level of the operator's centre", async () => {
    const { caseId } = await t.report('gridWorker111', {
      channel: 'grid_worker',
      category: 'street_vending',
      description: '流动摊贩占道',
      location: { point: pointIn('g-1-1-1') },
    });
    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, {
      as: 'village11Operator',
      body: { urgency: 'urgent' },
      headers: { 'if-match': '"0"' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caseId, status: 'filed', revision: 2, events: ['CaseAccepted', 'CaseFiled'] });
    const filed = (await streamEvents(caseId))[2];
    expect(filed).toMatchObject({
      type: 'CaseFiled',
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'],
      data: { level: 'village', urgency: 'urgent', category: 'street_vending', gridId: 'g-1-1-1', channel: 'grid_worker' },
    });
  });

  it("resolves an unlocated case: the operator names the grid, the case leaves the queue and takes the grid's path", async () => {
    const { caseId } = await unlocated();
    const queue = async () =>
      (await t.call<LooseJson>('GET', '/intake/cases?unlocated=true', { as: 'districtOperator' })).body.items.map((c: LooseJson) => c.caseId);
    expect(await queue()).toContain(caseId);
    // a village operator cannot even see it: it sits with the district centre that received it
    expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'village11Operator', body: { gridId: 'g-1-1-1' } })).status).toBe(403);

    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body: { gridId: 'g-2-1-3', level: 'town' } });
    expect(res.status).toBe(200);
    const filed = (await streamEvents(caseId)).at(-1)!;
    expect(filed).toMatchObject({ type: 'CaseFiled', jurisdiction: ['d-fq', 't-2', 'v-2-1', 'g-2-1-3'], data: { gridId: 'g-2-1-3', level: 'town' } });
    expect(await queue()).not.toContain(caseId);
    const view = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'town2Operator' });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'filed', gridId: 'g-2-1-3', unlocated: false, jurisdiction: ['d-fq', 't-2', 'v-2-1', 'g-2-1-3'] });
  });

  it("refuses a grid outside the operator's jurisdiction (403) and an unknown grid or category (400, field named)", async () => {
    const { caseId } = await t.report('town1Operator', {
      channel: 'hotline',
      category: 'road_damage',
      description: '路面塌陷',
      location: { address: '无名小路' },
    });
    const outside = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, { as: 'town1Operator', body: { gridId: 'g-2-1-1' } });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('AUTH.OUT_OF_JURISDICTION');
    const unknownGrid = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, { as: 'town1Operator', body: { gridId: 'v-1-1' } });
    expect(unknownGrid.status).toBe(400);
    expect(unknownGrid.body).toMatchObject({ code: 'INTAKE.UNKNOWN_GRID', details: { fields: [{ field: 'gridId', message: '网格不存在：v-1-1' }] } });
    const unknownCategory = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, { as: 'town1Operator', body: { category: 'ufo' } });
    expect(unknownCategory.status).toBe(400);
    expect(unknownCategory.body.details.fields[0]).toMatchObject({ field: 'category' });
    expect((await streamEvents(caseId)).map((e) => e.type)).toEqual(['CaseReported']);
  });

  it.each([
    ['level', { level: 'province' }, '立案层级须为 village、town、district 之一'],
    ['urgency', { urgency: 'now' }, '紧急程度须为 normal、urgent、very_urgent 之一'],
    ['gridId', { gridId: '' }, '网格编号不能为空'],
    ['category', { category: '' }, '事件类别不能为空'],
  ])('400 on a bad %s', async (field, body, message) => {
    const { caseId } = await unlocated();
    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field, message })]));
  });

  it('412 on a stale revision; 409 once filed; grid workers and departments may not file', async () => {
    const { caseId } = await unlocated();
    expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body: {}, headers: { 'if-match': '"3"' } })).status).toBe(412);
    expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'gridWorker111', body: {} })).status).toBe(403);
    expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'department', body: {} })).status).toBe(403);
    expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body: { gridId: null } })).status).toBe(200);
    const again = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('GRID_CASE_REPORT.CANNOT_FILE_CASE');
  });
});
