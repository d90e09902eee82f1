import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/** POST /intake/cases/:id/accept: If-Match and 412, jurisdiction, roles, the recorded event. */
describe('accept a case (POST /intake/cases/:id/accept)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const reportIn = (gridId: string) =>
    t.report('districtOperator', { channel: 'hotline', category: 'garbage_overflow', description: '垃圾桶满溢', location: { point: pointIn(gridId) } });
  const streamEvents = async (caseId: string) => (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${caseId}`);

  it('an operator of the village accepts with the ETag; CaseAccepted carries actor, time and note', async () => {
    const { caseId } = await reportIn('g-1-1-1');
    const got = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'village11Operator' });
    expect(got.headers.get('etag')).toBe('"0"');
    t.clock.advance(60_000);
    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, {
      as: 'village11Operator',
      body: { reason: '属实，予以受理' },
      headers: { 'if-match': got.headers.get('etag')! },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caseId, status: 'accepted', revision: 1, events: ['CaseAccepted'] });
    expect(res.headers.get('etag')).toBe('"1"');
    const events = await streamEvents(caseId);
    expect(events.map((e) => e.type)).toEqual(['CaseReported', 'CaseAccepted']);
    expect(events[1]).toMatchObject({
      actor: { userId: t.principal('village11Operator').userId, role: 'operator', unitId: 'v-1-1' },
      occurredAt: t.clock.now().toISOString(),
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'],
      data: { caseId, reason: '属实，予以受理' },
    });
    const view = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'village11Operator' });
    expect(view.body).toMatchObject({ status: 'accepted', revision: 1, acceptedAt: t.clock.now().toISOString() });
  });

  it('412 on a stale If-Match, and nothing is written', async () => {
    const { caseId } = await reportIn('g-1-1-1');
    const stale = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: {}, headers: { 'if-match': '"5"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('EVENT_STORE.WRONG_EXPECTED_REVISION');
    expect(stale.body.message).toContain('请刷新后重试');
    const garbage = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, {
      as: 'village11Operator',
      body: {},
      headers: { 'if-match': 'yesterday' },
    });
    expect(garbage.status).toBe(412);
    expect(garbage.body.code).toBe('COMMAND.IF_MATCH_INVALID');
    expect((await streamEvents(caseId)).map((e) => e.type)).toEqual(['CaseReported']);
    // without If-Match the command runs on the current state
    expect((await t.call('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: {} })).status).toBe(200);
  });

  it('409 when the case is no longer reported (the decider refuses with its code)', async () => {
    const { caseId } = await reportIn('g-1-1-1');
    expect((await t.call('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: {} })).status).toBe(200);
    const again = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: {} });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'GRID_CASE_REPORT.CANNOT_ACCEPT_CASE', message: '事件当前状态为“已受理”，不能受理' });
  });

  it('refuses operators outside the jurisdiction, grid workers, departments and auditors; 404 for an unknown case', async () => {
    const { caseId } = await reportIn('g-1-1-1');
    const other = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: 'village12Operator', body: {} });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('AUTH.OUT_OF_JURISDICTION');
    const otherTown = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: 'town2Operator', body: {} });
    expect(otherTown.status).toBe(403);
    for (const user of ['gridWorker111', 'department', 'auditorDistrict', 'petitionOfficer'] as const) {
      const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: user, body: {} });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AUTH.ACTION_FORBIDDEN');
    }
    expect((await t.call('POST', `/intake/cases/${caseId}/accept`, { body: {} })).status).toBe(401);
    expect((await streamEvents(caseId)).map((e) => e.type)).toEqual(['CaseReported']);
    // the town centre above the village may
    expect((await t.call('POST', `/intake/cases/${caseId}/accept`, { as: 'town1Operator', body: {} })).status).toBe(200);

    const missing = await t.call<LooseJson>('POST', '/intake/cases/no-such-case/accept', { as: 'districtOperator', body: {} });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('INTAKE.CASE_NOT_FOUND');
  });

  it('400 on a reason that is not text', async () => {
    const { caseId } = await reportIn('g-1-1-1');
    const res = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: { reason: 42 } });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'reason' })]));
  });
});
