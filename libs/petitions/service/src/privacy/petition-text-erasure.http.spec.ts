/**
 * Issue 14: a petitioner's name and phone written into the petition's summary are sealed for the
 * petition's text key, and the petitioner's erasure shreds it: the summary reads redacted, the
 * chains verify.
 */
import { verifyStore } from '@fengqiao/event-store';
import { toPetitionStreamId } from '@fengqiao/petitions-domain';
import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

describe('erasing a petitioner reaches the free text of their petition', () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('stores the summary sealed and, after the erasure, shows it redacted only; the chains verify', async () => {
    const summary = '信访人7反映征地补偿款未足额发放，信访人7的电话13911117777';
    const res = await t.call<LooseJson>('POST', '/petitions', { as: 'town1Officer', body: registration({ petitioners: [petitioner(7)], summary }) });
    expect(res.status).toBe(201);
    const { petitionId, petitionerIds } = res.body as { petitionId: string; petitionerIds: string[] };
    const stored = (await t.storedEvents()).filter((e) => e.streamId === toPetitionStreamId(petitionId));
    expect(JSON.stringify(stored)).not.toMatch(/信访人7|13911117777/);
    expect((await t.call<LooseJson>('GET', `/petitions/${petitionId}`, { as: 'town1Officer' })).body.summary).toBe(summary);

    expect(
      (await t.call('POST', `/privacy/subjects/${petitionerIds[0]}/erasure`, { as: 'admin', body: { reason: '信访人依个人信息保护法第四十七条申请删除' } }))
        .status,
    ).toBe(200);
    expect((await t.call<LooseJson>('GET', `/petitions/${petitionId}`, { as: 'town1Officer' })).body.summary).toBe(
      '信***反映征地补偿款未足额发放，信***的电话139****7777',
    );
    expect((await verifyStore(t.runtime.infra.events)).ok).toBe(true);
  });
});
