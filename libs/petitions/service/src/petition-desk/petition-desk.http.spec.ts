import { verifyStreamChain } from '@fengqiao/event-store';
import { LooseJson } from '@fengqiao/testing';
import { PETITION_VIEW } from '../read-models/petition-view';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

/** The office's desk: by state, clocks, same petitioner / same address, masking, erasure, idempotent views. */
describe('the petition desk (GET /petitions, /petitions/clocks, /petitions/:id, /petitions/:id/related)', () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('lists by state inside the jurisdiction, counts by state, and finds the same petitioner and the same address', async () => {
    const a = await t.ok<LooseJson>('POST', '/petitions', 'town1Officer', registration({ petitioners: [petitioner(1, { address: '枫源村3组12号' })] }), 201);
    const sameAddress = await t.ok<LooseJson>(
      'POST',
      '/petitions',
      'town1Officer',
      registration({ petitioners: [petitioner(2, { address: '枫源村 3组 12号' })], matterType: 'environment' }),
      201,
    );
    const samePerson = await t.ok<LooseJson>(
      'POST',
      '/petitions',
      'town1Officer',
      registration({ petitioners: [petitioner(1)], matterType: 'civil_affairs' }),
      201,
    );
    await t.ok('POST', `/petitions/${a.petitionId}/transfer`, 'town1Officer', { toUnitId: 'dept-t1-cg', route: 'competent_body' });
    const elsewhere = await t.ok<LooseJson>('POST', '/petitions', 'town2Officer', registration({ petitioners: [petitioner(3)], receivingUnitId: 't-2' }), 201);

    const town1 = await t.ok<LooseJson>('GET', '/petitions', 'town1Officer');
    expect(town1.byStatus).toEqual({ registered: 2, routed: 1 });
    expect(town1.items.map((i: LooseJson) => i.petitionId)).not.toContain(elsewhere.petitionId);
    const routed = await t.ok<LooseJson>('GET', '/petitions?status=routed', 'town1Officer');
    expect(routed.items.map((i: LooseJson) => i.petitionId)).toEqual([a.petitionId]);
    const related = await t.ok<LooseJson>('GET', `/petitions/${a.petitionId}/related`, 'town1Officer');
    expect(related.samePetitioner.map((i: LooseJson) => i.petitionId)).toEqual([samePerson.petitionId]);
    expect(related.sameAddress.map((i: LooseJson) => i.petitionId)).toEqual([sameAddress.petitionId]);
    const bad = await t.call('GET', '/petitions?status=lost&limit=0', { as: 'town1Officer' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: LooseJson) => f.field).sort()).toEqual(['limit', 'status']);
  });

  it('shows each clock with its days left; near-due and overdue lists', async () => {
    const p = await t.ok<LooseJson>('POST', '/petitions', 'town2Officer', registration({ petitioners: [petitioner(4)], receivingUnitId: 't-2' }), 201);
    const fresh = await t.ok<LooseJson>('GET', `/petitions/${p.petitionId}`, 'town2Officer');
    expect(fresh.clocks[0]).toMatchObject({ kind: 'routing', nearDue: false, overdue: false });
    t.clock.advance(14 * 86_400_000);
    const near = await t.ok<LooseJson>('GET', '/petitions/clocks', 'town2Officer');
    expect(near.nearDue.map((c: LooseJson) => c.petitionId)).toContain(p.petitionId);
    const nearList = await t.ok<LooseJson>('GET', '/petitions?view=near_due', 'town2Officer');
    expect(nearList.items.map((c: LooseJson) => c.petitionId)).toContain(p.petitionId);
    t.clock.advance(10 * 86_400_000);
    const late = await t.ok<LooseJson>('GET', '/petitions/clocks', 'town2Officer');
    const line = late.overdue.find((c: LooseJson) => c.petitionId === p.petitionId);
    expect(line).toMatchObject({ kind: 'routing', overdue: true, legalBasis: '信访工作条例§22', ruleId: 'petition.routing' });
    expect(line.daysLeft).toBeLessThan(0);
  });

  it('crypto-shredding a petitioner: the data is gone, the chain still verifies', async () => {
    const p = await t.ok<LooseJson>('POST', '/petitions', 'town1Officer', registration({ petitioners: [petitioner(9)] }), 201);
    const [petitionerId] = p.petitionerIds;
    await t.ctx.petitioners.keys.erase(petitionerId);
    const got = await t.ok<LooseJson>('GET', `/petitions/${p.petitionId}`, 'town1Officer');
    expect(got.petitioners[0]).toMatchObject({ petitionerId, name: '（已删除）', erased: true });
    expect(got.petitioners[0]).toMatchObject({ idNumber: '（已删除）', phone: '（已删除）' });
    expect(JSON.stringify(got)).not.toContain(petitioner(9).idNumber);
    const stream = await t.runtime.infra.events.readStream(`petitioner-${petitionerId}`);
    expect(verifyStreamChain(stream)).toEqual(expect.objectContaining({ ok: true }));
  });

  it('the views are idempotent: every stored event applied again changes nothing', async () => {
    const before = await t.runtime.infra.readStore.find(PETITION_VIEW, {});
    for (const e of await t.storedEvents()) await t.ctx.projector.apply(e);
    expect(await t.runtime.infra.readStore.find(PETITION_VIEW, {})).toEqual(before);
  });
});
