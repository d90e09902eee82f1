import { isSealedPersonalData, verifyStreamChain } from '@fengqiao/event-store';
import { MediationCases } from '../application/mediation-cases';
import { MediationTestApp, NEIGHBOURS, startMediationTestApp } from '../testing/mediation-test-app';
import { toPartyRecordsStreamId } from './party-records';

/** Parties' personal data: sealed per party before hashing, masked for roles without personal_data.read, shreddable. */
describe("parties' personal data (encrypted per data subject, masked, crypto-shredded)", () => {
  let t: MediationTestApp;
  beforeAll(async () => {
    t = await startMediationTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('stores names, ID numbers, phones and addresses only sealed, each party with its own subject', async () => {
    const { caseId, partyIds } = await t.register();
    const stored = await t.runtime.infra.events.readStream(toPartyRecordsStreamId(caseId));
    expect(stored).toHaveLength(2);
    for (const [i, e] of stored.entries()) {
      for (const field of ['name', 'phone', 'address']) {
        expect(isSealedPersonalData(e.data[field])).toBe(true);
        expect((e.data[field] as { __pii: { subjectId: string } }).__pii.subjectId).toBe(partyIds[i]);
      }
    }
    const everything = JSON.stringify(await t.storedEvents());
    for (const p of NEIGHBOURS.parties) {
      expect(everything).not.toContain(p.name);
      expect(everything).not.toContain(p.phone);
    }
    expect(everything).not.toContain(NEIGHBOURS.parties[0].idNumber);
  });

  it('the mediator reads them; an auditor without a personal-data scope reads them masked', async () => {
    const { caseId } = await t.register();
    const mediator = await t.call('GET', `/mediation/cases/${caseId}`, { as: 'mediator11' });
    expect(mediator.body.parties[0]).toMatchObject({ name: '王建国', idNumber: '330681197001011234', phone: '13800001111' });
    const auditor = await t.call('GET', `/mediation/cases/${caseId}`, { as: 'auditorDistrict' });
    expect(auditor.status).toBe(200);
    expect(auditor.body.parties[0]).toMatchObject({
      name: '王**',
      idNumber: '330***********1234',
      phone: '138****1111',
      address: '浙江省诸暨市枫桥镇枫源村****',
    });
    const page = await t.call('GET', `/mediation/cases/${caseId}/documents/application`, { as: 'auditorDistrict' });
    expect(page.text).toContain('王**');
    expect(page.text).not.toContain('王建国');
  });

  it('erasing a party’s key leaves the case readable and its chain verifiable, the details gone', async () => {
    const { caseId, partyIds } = await t.register();
    const parties = await t.service.app.get(MediationCases).parties();
    await parties.keys.erase(partyIds[0]);
    const got = await t.call('GET', `/mediation/cases/${caseId}`, { as: 'mediator11' });
    expect(got.body.parties[0]).toMatchObject({ partyId: partyIds[0], identified: true, erasedAt: expect.any(String) });
    expect(got.body.parties[0].name).toBeUndefined();
    expect(got.body.parties[1].name).toBe('李秀英');
    const verified = verifyStreamChain(await t.runtime.infra.events.readStream(toPartyRecordsStreamId(caseId)));
    expect(verified).toMatchObject({ ok: true });
  });
});
