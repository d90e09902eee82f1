import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

/** 转送 / 交办 (§22), objection within 5 working days and the ruling (§23 ¶3); If-Match and 412; the decider's refusals. */
describe('routing a petition (POST /petitions/:id/transfer, assign, objection, objection-ruling)', () => {
  let t: PetitionsTestApp;
  let n = 100;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());
  const fresh = async (): Promise<string> =>
    (await t.ok<LooseJson>('POST', '/petitions', 'town1Officer', registration({ petitioners: [petitioner(++n)] }), 201)).petitionId;

  it('transfers with the ETag; the events carry actor, basis and the new jurisdiction; 412 on a stale If-Match writes nothing', async () => {
    const id = await fresh();
    const got = await t.call('GET', `/petitions/${id}`, { as: 'town1Officer' });
    expect(got.headers.get('etag')).toBe('"0"');
    const stale = await t.call('POST', `/petitions/${id}/transfer`, {
      as: 'town1Officer',
      body: { toUnitId: 'dept-t1-cg', route: 'competent_body' },
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('EVENT_STORE.WRONG_EXPECTED_REVISION');
    const garbage = await t.call('POST', `/petitions/${id}/transfer`, {
      as: 'town1Officer',
      body: { toUnitId: 'dept-t1-cg', route: 'competent_body' },
      headers: { 'if-match': 'yesterday' },
    });
    expect(garbage.status).toBe(412);
    const ok = await t.call('POST', `/petitions/${id}/transfer`, {
      as: 'town1Officer',
      body: { toUnitId: 'dept-t1-cg', route: 'competent_body', reason: '属执法中队职责' },
      headers: { 'if-match': '"0"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ caseId: id, status: 'routed', revision: 1, events: ['PetitionTransferred'] });
    expect(ok.headers.get('etag')).toBe('"1"');
    const events = (await t.storedEvents()).filter((e) => e.streamId === `petition-${id}`);
    expect(events[1]).toMatchObject({
      type: 'PetitionTransferred',
      legalBasis: '信访工作条例§22',
      actor: { role: 'petition_officer', unitId: 't-1' },
      jurisdiction: ['d-fq', 't-1', 'dept-t1-cg'],
      data: { toUnitId: 'dept-t1-cg', reason: '属执法中队职责' },
    });
    const again = await t.call('POST', `/petitions/${id}/transfer`, { as: 'town1Officer', body: { toUnitId: 'dept-t1-cg', route: 'competent_body' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PETITION.INVALID_STATE');
  });

  it('an objection within the window sends the matter back to routing once agreed; a late one is refused', async () => {
    const id = await fresh();
    await t.ok('POST', `/petitions/${id}/transfer`, 'town1Officer', { toUnitId: 'dept-t1-cg', route: 'competent_body' });
    const noReason = await t.call('POST', `/petitions/${id}/objection`, { as: 'town1Officer', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details.fields[0].field).toBe('reason');
    await t.ok('POST', `/petitions/${id}/objection`, 'town1Officer', { reason: '系住建部门职责' });
    const ruled = await t.ok<LooseJson>('POST', `/petitions/${id}/objection-ruling`, 'town1Officer', { agreed: true });
    expect(ruled).toMatchObject({ status: 'registered', events: ['RoutingObjectionAgreed'] });
    // assign elsewhere with a report deadline
    const assigned = await t.ok<LooseJson>('POST', `/petitions/${id}/assign`, 'town1Officer', { toUnitId: 'dept-t1-scjg', reportWithin: 20 });
    expect(assigned).toMatchObject({ status: 'routed', events: ['PetitionAssigned'] });
    const view = await t.ok<LooseJson>('GET', `/petitions/${id}`, 'town1Officer');
    expect(view.clocks.map((c: LooseJson) => c.kind).sort()).toEqual(['acceptance_notice', 'assignment_report']);
    // five working days later the window is closed
    const late = await fresh();
    await t.ok('POST', `/petitions/${late}/transfer`, 'town1Officer', { toUnitId: 'dept-t1-cg', route: 'competent_body' });
    t.clock.advance(8 * 86_400_000);
    const refused = await t.call('POST', `/petitions/${late}/objection`, { as: 'town1Officer', body: { reason: '不属本单位' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PETITION.OBJECTION_WINDOW_CLOSED');
  });

  it('400 names the field for an unknown unit or route; 404 for an unknown petition; 403 outside the jurisdiction', async () => {
    const id = await fresh();
    const unknown = await t.call('POST', `/petitions/${id}/transfer`, { as: 'town1Officer', body: { toUnitId: 'dept-nowhere', route: 'competent_body' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'PETITIONS.UNKNOWN_UNIT', details: { field: 'toUnitId' } });
    const badRoute = await t.call('POST', `/petitions/${id}/transfer`, { as: 'town1Officer', body: { toUnitId: 'dept-t1-cg', route: 'anywhere' } });
    expect(badRoute.body.details.fields.map((f: LooseJson) => f.field)).toEqual(['route']);
    const badDays = await t.call('POST', `/petitions/${id}/assign`, { as: 'town1Officer', body: { toUnitId: 'dept-t1-cg', reportWithin: 0 } });
    expect(badDays.body.details.fields.map((f: LooseJson) => f.field)).toEqual(['reportWithin']);
    expect((await t.call('POST', '/petitions/nope/transfer', { as: 'town1Officer', body: { toUnitId: 'dept-t1-cg', route: 'competent_body' } })).status).toBe(
      404,
    );
    const outside = await t.call('POST', `/petitions/${id}/transfer`, { as: 'town2Officer', body: { toUnitId: 'dept-t1-cg', route: 'competent_body' } });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('AUTH.OUT_OF_JURISDICTION');
  });
});
