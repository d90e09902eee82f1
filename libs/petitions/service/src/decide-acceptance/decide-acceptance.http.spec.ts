import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

/** Acceptance notice (§23), redirection (§23), legal procedures (§31), repeat (§19), supervision (§40), extension (§34). */
describe('accepting, redirecting, supervising and extending a petition', () => {
  let t: PetitionsTestApp;
  let n = 200;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());
  const routed = async (): Promise<string> => {
    const id = (await t.ok<LooseJson>('POST', '/petitions', 'districtOfficer', registration({ petitioners: [petitioner(++n)], receivingUnitId: 't-1' }), 201))
      .petitionId;
    await t.ok('POST', `/petitions/${id}/transfer`, 'districtOfficer', { toUnitId: 'dept-t1-cg', route: 'competent_body' });
    return id;
  };

  it('§23: the receiving body notifies acceptance; the 60-day clock starts; the acceptance notice prints with its articles', async () => {
    const id = await routed();
    const res = await t.ok<LooseJson>('POST', `/petitions/${id}/acceptance`, 'town1Officer', { noticeRef: '受〔2025〕1号' });
    expect(res).toMatchObject({ status: 'acceptance_notified', events: ['AcceptanceNotified'] });
    const page = await t.call('GET', `/petitions/${id}/documents/acceptance_notice`, { as: 'town1Officer' });
    expect(page.text).toContain('信访事项受理告知书');
    expect(page.text).toContain('信访工作条例§23、信访工作条例§34');
    expect(page.text).toContain('60日内办结');
    const masked = await t.call('GET', `/petitions/${id}/documents/acceptance_notice`, { as: 'auditorDistrict' });
    expect(masked.text).not.toContain(`信访人${n}`);
    expect((await t.call('GET', `/petitions/${id}/documents/opinion`, { as: 'town1Officer' })).status).toBe(404);
    expect((await t.call('GET', `/petitions/${id}/documents/nonsense`, { as: 'town1Officer' })).status).toBe(400);
  });

  it('§31: a matter for litigation is directed there, the court named; the notice says so', async () => {
    const id = await routed();
    const res = await t.ok<LooseJson>('POST', `/petitions/${id}/legal-procedure`, 'town1Officer', { procedure: 'litigation', body: '枫桥区人民法院' });
    expect(res).toMatchObject({ status: 'not_accepted', events: ['PetitionNotAccepted'] });
    const page = await t.call('GET', `/petitions/${id}/documents/non_acceptance_notice`, { as: 'town1Officer' });
    expect(page.text).toContain('诉讼');
    expect(page.text).toContain('枫桥区人民法院');
    expect(page.text).toContain('信访工作条例§31');
    const bad = await t.call('POST', `/petitions/${id}/legal-procedure`, { as: 'town1Officer', body: { procedure: 'duel', body: '' } });
    expect(bad.body.details.fields.map((f: LooseJson) => f.field).sort()).toEqual(['body', 'procedure']);
  });

  it('§23: a body receiving directly redirects the petitioner; §19: a repeat found later is refused', async () => {
    const direct = (
      await t.ok<LooseJson>(
        'POST',
        '/petitions',
        'town1Officer',
        registration({ petitioners: [petitioner(++n)], receivingUnitId: 'dept-t1-cg', receiverKind: 'handling_body' }),
        201,
      )
    ).petitionId;
    expect(await t.ok<LooseJson>('POST', `/petitions/${direct}/redirect`, 'town1Officer', { toldToApplyTo: '区住建局' })).toMatchObject({
      status: 'not_accepted',
    });
    const id = await routed();
    expect(await t.ok<LooseJson>('POST', `/petitions/${id}/repeat`, 'town1Officer', { relatedPetitionId: direct })).toMatchObject({ status: 'not_accepted' });
    const view = await t.ok<LooseJson>('GET', `/petitions/${id}`, 'districtOfficer');
    expect(view.flags.repeat).toBe(true);
    const repeats = await t.ok<LooseJson>('GET', '/petitions?view=repeat', 'districtOfficer');
    expect(repeats.items.map((i: LooseJson) => i.petitionId)).toContain(id);
  });

  it('§40: a higher office supervises; the office where the petition is may not supervise itself', async () => {
    const id = await routed();
    const self = await t.call('POST', `/petitions/${id}/supervision`, {
      as: 'districtOfficer',
      body: { form: 'listed', grounds: ['delay'], reason: '逾期未告知' },
    });
    expect(self.status).toBe(200);
    expect(self.body.events).toEqual(['PetitionSupervised']);
    const accepted = await t.ok<LooseJson>('POST', `/petitions/${id}/acceptance`, 'town1Officer', { noticeRef: '受〔2025〕2号' });
    expect(accepted.status).toBe('acceptance_notified');
    const town = await t.call('POST', `/petitions/${id}/supervision`, {
      as: 'town1Officer',
      body: { form: 'supervision', grounds: ['delay'], reason: '督促' },
    });
    expect(town.status).toBe(200);
    const view = await t.ok<LooseJson>('GET', '/petitions?view=supervised', 'districtOfficer');
    expect(view.items.map((i: LooseJson) => i.petitionId)).toContain(id);
    // a town office over a petition handled by the town government itself is no higher office
    const own = (await t.ok<LooseJson>('POST', '/petitions', 'town1Officer', registration({ petitioners: [petitioner(++n)] }), 201)).petitionId;
    const refused = await t.call('POST', `/petitions/${own}/supervision`, {
      as: 'town1Officer',
      body: { form: 'supervision', grounds: ['delay'], reason: '督促' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('PETITIONS.NOT_A_HIGHER_OFFICE');
  });

  it('§34: one extension of at most 30 days with a reason, only before the handling period runs out', async () => {
    const id = await routed();
    await t.ok('POST', `/petitions/${id}/acceptance`, 'town1Officer', { noticeRef: '受〔2025〕3号' });
    await t.ok('POST', `/petitions/${id}/handling`, 'town1Officer', { handlerIds: ['u-1'] });
    const tooLong = await t.call('POST', `/petitions/${id}/extension`, { as: 'town1Officer', body: { extendBy: 31, approvedBy: '负责人', reason: '复杂' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('PETITION.EXTENSION_TOO_LONG');
    t.clock.advance(70 * 86_400_000);
    const late = await t.call('POST', `/petitions/${id}/extension`, { as: 'town1Officer', body: { extendBy: 10, approvedBy: '负责人', reason: '复杂' } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('PETITIONS.EXTENSION_TOO_LATE');
  });
});
