import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

/** POST /petitions: channels, group visits, repeat and re-review checks done by the service, personal data sealed. */
describe('register a petition (POST /petitions)', () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it.each([
    ['online', 1],
    ['letter', 2],
    ['phone', 3],
    ['fax', 4],
    ['visit', 5],
  ] as const)('a petition officer registers a %s petition; the §22 routing clock starts', async (channel, n) => {
    const res = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ channel, petitioners: [petitioner(n)] }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'registered', revision: 0, events: ['PetitionRegistered'], matches: [], relatedMatter: null });
    expect(res.headers.get('etag')).toBe('"0"');
    const got = await t.call('GET', `/petitions/${res.body.petitionId}`, { as: 'town1Officer' });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ channel, status: 'registered', receivingUnitId: 't-1', jurisdiction: ['d-fq', 't-1'] });
    expect(got.body.clocks).toEqual([expect.objectContaining({ kind: 'routing', ruleId: 'petition.routing', legalBasis: '信访工作条例§22', duration: 15 })]);
    expect(got.body.petitioners).toEqual([expect.objectContaining({ name: `信访人${n}`, idNumber: petitioner(n).idNumber, identified: true })]);
  });

  it('stores personal data sealed per petitioner and matches on a keyed hash, never the clear ID number', async () => {
    const p = petitioner(11);
    const res = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ petitioners: [p] }) });
    expect(res.status).toBe(201);
    const stored = JSON.stringify(await t.storedEvents());
    expect(stored).not.toContain(p.idNumber);
    expect(stored).not.toContain(p.phone);
    expect(stored).not.toContain(p.name);
    expect(res.body.petitionerIds[0]).toMatch(/^pr-[0-9a-f]{40}$/);
    // the auditor without personal data sees masked values
    const audited = await t.call('GET', `/petitions/${res.body.petitionId}`, { as: 'auditorDistrict' });
    expect(audited.status).toBe(200);
    expect(audited.body.petitioners[0].name).toBe('信****');
    expect(audited.body.petitioners[0].idNumber).toBe(`330***********${p.idNumber.slice(-4)}`);
  });

  it('§20: a group visit elects at most 5 representatives; a 6th is refused with the article', async () => {
    const people = [1, 2, 3, 4, 5, 6].map((n) => petitioner(20 + n));
    const ok = await t.call('POST', '/petitions', {
      as: 'town1Officer',
      body: registration({ channel: 'visit', petitioners: people, groupVisit: { visitorCount: 30, representatives: [0, 1, 2, 3, 4] } }),
    });
    expect(ok.status).toBe(201);
    const got = await t.call('GET', `/petitions/${ok.body.petitionId}`, { as: 'town1Officer' });
    expect(got.body.flags.groupVisit).toBe(true);
    expect(got.body.representatives).toBe(5);
    const six = await t.call('POST', '/petitions', {
      as: 'town1Officer',
      body: registration({ channel: 'visit', petitioners: people, groupVisit: { visitorCount: 30, representatives: [0, 1, 2, 3, 4, 5] } }),
    });
    expect(six.status).toBe(400);
    expect(six.body.code).toBe('PETITION.TOO_MANY_REPRESENTATIVES');
    expect(six.body.message).toContain('第二十条');
  });

  it('§19: the same matter being handled at a town and raised to the district is not accepted; the officer may override with a reason', async () => {
    const p = petitioner(30);
    const first = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ petitioners: [p] }) });
    expect(first.status).toBe(201);
    const again = await t.call('POST', '/petitions', { as: 'districtOfficer', body: registration({ petitioners: [p] }) });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      status: 'not_accepted',
      events: ['PetitionRegistered', 'PetitionNotAccepted'],
      relatedMatter: { petitionId: first.body.petitionId, relation: 'being_handled_lower_level' },
    });
    const doc = await t.call('GET', `/petitions/${again.body.petitionId}`, { as: 'districtOfficer' });
    expect(doc.body.timeline.map((e: { legalBasis?: string }) => e.legalBasis)).toContain('信访工作条例§19');
    // a different matter of the same petitioner is no repeat
    const other = await t.call('POST', '/petitions', { as: 'districtOfficer', body: registration({ petitioners: [p], matterType: 'environment' }) });
    expect(other.body.status).toBe('registered');
    // the officer sets the suggestion aside, saying why
    const overridden = await t.call('POST', '/petitions', {
      as: 'districtOfficer',
      body: registration({ petitioners: [p], override: { ignoreMatches: true, reason: '反映的是另一地块的补偿' } }),
    });
    expect(overridden.body).toMatchObject({ status: 'registered', relatedMatter: null });
    const events = (await t.storedEvents()).filter((e) => e.streamId === `petition-${overridden.body.petitionId}`);
    expect(events[0].data).toMatchObject({ reason: '排除系统提示的相同事项：反映的是另一地块的补偿' });
  });

  it('400 names the field; 403 outside the jurisdiction and for other roles; 401 without a token', async () => {
    const bad = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ channel: 'pigeon', matterType: undefined }) });
    expect(bad.status).toBe(400);
    const fields = bad.body.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['channel', 'matterType']));
    const elsewhere = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ receivingUnitId: 't-2' }) });
    expect(elsewhere.status).toBe(403);
    for (const user of ['districtOperator', 'mediator', 'auditorDistrict', 'admin'] as const) {
      expect((await t.call('POST', '/petitions', { as: user, body: registration() })).status).toBe(403);
    }
    expect((await t.call('POST', '/petitions', { body: registration() })).status).toBe(401);
  });
});
