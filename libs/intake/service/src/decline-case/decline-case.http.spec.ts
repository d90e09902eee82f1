import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/** POST /intake/cases/:id/decline: reasons, legal route, duplicates, 412, jurisdiction. */
describe('decline a case (POST /intake/cases/:id/decline)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const reportIn = (gridId: string, category = 'neighbour_dispute') =>
    t.report('districtOperator', { channel: 'walk_in', category, description: '楼上漏水', location: { point: pointIn(gridId) } });
  const streamEvents = async (caseId: string) => (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${caseId}`);

  it('told the legal route: CaseDeclined with what the reporter was told', async () => {
    const { caseId } = await reportIn('g-1-3-5');
    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/decline`, {
      as: 'districtOperator',
      headers: { 'if-match': '"0"' },
      body: { declineReason: 'told_legal_route', legalRoute: '向人民法院起诉', reason: '已告知可向人民法院起诉' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'not_accepted', revision: 1, events: ['CaseDeclined'] });
    const [, declined] = await streamEvents(caseId);
    expect(declined).toMatchObject({
      type: 'CaseDeclined',
      data: { declineReason: 'told_legal_route', legalRoute: '向人民法院起诉', reason: '已告知可向人民法院起诉' },
    });
    const view = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'districtOperator' });
    expect(view.body).toMatchObject({ status: 'not_accepted', declineReason: 'told_legal_route', legalRoute: '向人民法院起诉', open311Status: 'closed' });
  });

  it('a repeat names the earlier case, which must exist', async () => {
    const first = await reportIn('g-1-3-5');
    const repeat = await reportIn('g-1-3-5');
    const missing = await t.call<LooseJson>('POST', `/intake/cases/${repeat.caseId}/decline`, {
      as: 'districtOperator',
      body: { declineReason: 'duplicate', duplicateOf: 'no-such-case', reason: '已告知原事件进展' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'INTAKE.TARGET_NOT_FOUND', details: { caseId: 'no-such-case' } });
    const ok = await t.call<LooseJson>('POST', `/intake/cases/${repeat.caseId}/decline`, {
      as: 'districtOperator',
      body: { declineReason: 'duplicate', duplicateOf: first.caseId, reason: '已告知原事件进展' },
    });
    expect(ok.status).toBe(200);
    expect((await streamEvents(repeat.caseId))[1].data).toMatchObject({ declineReason: 'duplicate', duplicateOf: first.caseId });
  });

  it.each([
    ['declineReason', { declineReason: 'busy', reason: 'x' }, '不予受理原因须为 answered_at_once、told_legal_route、duplicate 之一'],
    ['reason', { declineReason: 'answered_at_once' }, '请填写向反映人答复或告知的内容'],
    ['reason', { declineReason: 'answered_at_once', reason: '' }, '请填写向反映人答复或告知的内容'],
    ['legalRoute', { declineReason: 'told_legal_route', reason: '已告知' }, '告知法定途径时须写明所告知的途径'],
    ['duplicateOf', { declineReason: 'duplicate', reason: '已告知' }, '重复反映须写明原事件编号'],
  ])('400 on a bad %s', async (field, body, message) => {
    const { caseId } = await reportIn('g-1-3-5');
    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/decline`, { as: 'districtOperator', body });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field, message })]));
    expect((await streamEvents(caseId)).map((e) => e.type)).toEqual(['CaseReported']);
  });

  it('412 on a stale revision; 403 outside the jurisdiction or without the action', async () => {
    const { caseId } = await reportIn('g-1-3-5');
    const body = { declineReason: 'answered_at_once', reason: '已当场答复' };
    expect((await t.call('POST', `/intake/cases/${caseId}/decline`, { as: 'districtOperator', body, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await t.call('POST', `/intake/cases/${caseId}/decline`, { as: 'village11Operator', body })).status).toBe(403);
    expect((await t.call('POST', `/intake/cases/${caseId}/decline`, { as: 'department', body })).status).toBe(403);
    expect((await t.call('POST', `/intake/cases/${caseId}/decline`, { as: 'auditorDistrict', body })).status).toBe(403);
    expect((await streamEvents(caseId)).map((e) => e.type)).toEqual(['CaseReported']);
  });
});
