import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/** POST /intake/cases/:id/merge: into an earlier case the operator may act on. */
describe('merge a duplicate (POST /intake/cases/:id/merge)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const report = (gridId: string) =>
    t.report('districtOperator', { channel: 'hotline', category: 'fire_lane_blocked', description: '消防通道被堵', location: { point: pointIn(gridId) } });
  const streamEvents = async (caseId: string) => (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${caseId}`);

  it('merges a report into an earlier case: CaseMerged, status merged_duplicate, Open311 closed', async () => {
    const earlier = await report('g-1-1-2');
    const later = await report('g-1-1-2');
    const res = await t.call<LooseJson>('POST', `/intake/cases/${later.caseId}/merge`, {
      as: 'village11Operator',
      headers: { 'if-match': '"0"' },
      body: { duplicateOf: earlier.caseId, reason: '同一辆车' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caseId: later.caseId, status: 'merged_duplicate', revision: 1, events: ['CaseMerged'] });
    expect((await streamEvents(later.caseId))[1]).toMatchObject({ type: 'CaseMerged', data: { duplicateOf: earlier.caseId, reason: '同一辆车' } });
    const view = await t.call<LooseJson>('GET', `/intake/cases/${later.caseId}`, { as: 'village11Operator' });
    expect(view.body).toMatchObject({ status: 'merged_duplicate', duplicateOf: earlier.caseId, open311Status: 'closed' });
  });

  it('refuses: a target that does not exist or lies outside the jurisdiction (the same 404), itself merged (409), the case itself (400)', async () => {
    const a = await report('g-1-1-2');
    const b = await report('g-1-1-2');
    const c = await report('g-1-1-2');
    const elsewhere = await report('g-1-2-1');
    const cases = [a, b, c, elsewhere].map((x) => x.caseId);
    const merge = (id: string, duplicateOf: string, as: 'village11Operator' | 'districtOperator' = 'village11Operator') =>
      t.call<LooseJson>('POST', `/intake/cases/${id}/merge`, { as, body: { duplicateOf } });

    const missing = await merge(b.caseId, 'no-such-case');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'INTAKE.TARGET_NOT_FOUND', details: { caseId: 'no-such-case' } });
    const outside = await merge(b.caseId, elsewhere.caseId);
    // the caller cannot tell a case of another village from no case at all
    expect({ status: outside.status, code: outside.body.code, message: outside.body.message.replace(elsewhere.caseId, 'X') }).toEqual({
      status: 404,
      code: 'INTAKE.TARGET_NOT_FOUND',
      message: missing.body.message.replace('no-such-case', 'X'),
    });
    const self = await merge(b.caseId, b.caseId);
    expect(self.status).toBe(400);
    expect(self.body.code).toBe('INTAKE.DUPLICATE_OF_ITSELF');

    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    const chained = await merge(c.caseId, b.caseId);
    expect(chained.status).toBe(409);
    expect(chained.body).toMatchObject({ code: 'INTAKE.DUPLICATE_TARGET_MERGED', details: { mergedInto: a.caseId } });
    const all = await t.storedEvents();
    expect(cases.map((id) => all.filter((e) => e.streamId === `grid-case-report-${id}`).length)).toEqual([1, 2, 1, 1]);
  });

  it('400 without duplicateOf; 403 for grid workers; 412 on a stale revision', async () => {
    const a = await report('g-1-1-2');
    const b = await report('g-1-1-2');
    const none = await t.call<LooseJson>('POST', `/intake/cases/${b.caseId}/merge`, { as: 'village11Operator', body: {} });
    expect(none.status).toBe(400);
    expect(none.body.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'duplicateOf', message: '请填写原事件编号' })]));
    expect((await t.call('POST', `/intake/cases/${b.caseId}/merge`, { as: 'gridWorker111', body: { duplicateOf: a.caseId } })).status).toBe(403);
    expect(
      (await t.call('POST', `/intake/cases/${b.caseId}/merge`, { as: 'village11Operator', body: { duplicateOf: a.caseId }, headers: { 'if-match': '"2"' } }))
        .status,
    ).toBe(412);
  });
});
