import { caseIn } from '../testing/case-driver';
import { MediationTestApp, NEIGHBOURS, startMediationTestApp } from '../testing/mediation-test-app';

/** Every command route: bad input → 400 naming the field, nothing written; a stale If-Match → 412. */
describe('mediation commands refuse bad input (400, field named) and stale revisions (412)', () => {
  let t: MediationTestApp;
  let caseId: string;
  beforeAll(async () => {
    t = await startMediationTestApp();
    caseId = (await caseIn(t, 'mc-v-1-1', 'mediating')).caseId;
  }, 60_000);
  afterAll(() => t?.close());

  const BAD: [path: string, body: Record<string, unknown>, field: string][] = [
    ['request-consent', { reason: 42 }, 'reason'],
    ['consents', { partyId: 'p', consented: 'yes' }, 'consented'],
    ['decline', {}, 'reason'],
    ['notify-rights', { partyIds: [] }, 'partyIds'],
    ['dossier-items', { item: 'photo_album', documentRef: 'x' }, 'item'],
    ['assign-mediator', { mediatorIds: ['m'], method: 'lottery' }, 'method'],
    ['recuse-mediator', { mediatorId: 'm', grounds: 'mood' }, 'grounds'],
    ['sessions', { heldAt: 'yesterday', mediatorIds: ['m'], attendingPartyIds: ['p'], summary: 's' }, 'heldAt'],
    [
      'sessions',
      {
        heldAt: '2025-03-03T09:00:00+08:00',
        mediatorIds: ['m'],
        attendingPartyIds: ['p'],
        summary: 's',
        invitedParticipants: [{ participantId: 'x', relation: 'boss', partiesConsented: true }],
      },
      'invitedParticipants.0.relation',
    ],
    ['risk-reports', { riskKind: 'weather', measures: 'm', policeUnitId: 'p' }, 'riskKind'],
    ['extend', { extendBy: 0, consentingPartyIds: ['p'] }, 'extendBy'],
    ['agreement', { form: 'telepathic', terms: 't' }, 'form'],
    ['agreement/sign', { signedByPartyIds: ['p'], mediatorSigned: 'yes', committeeSealed: true }, 'mediatorSigned'],
    ['terminate', { grounds: 'no_agreement', routesTold: ['prayer'] }, 'routesTold'],
    ['performance', { complete: true }, 'description'],
    ['performance-failure', { defaultingPartyIds: 'p', description: 'd' }, 'defaultingPartyIds'],
    ['judicial-confirmation', { courtId: 'c', filedAt: '2025-13-01', applicantPartyIds: ['p'] }, 'filedAt'],
    ['judicial-confirmation/decision', { confirmed: true, decidedAt: '2025-03-03T09:00:00+08:00' }, 'rulingRef'],
    ['resume', { unexpected: true }, 'unexpected'],
    ['follow-up-visits', { visitedPartyIds: ['p'], performanceSatisfactory: true }, 'reescalationRisk'],
    ['transfer', { toCommitteeId: 'mc-t-1' }, 'reason'],
    ['archive', { reason: ['x'] }, 'reason'],
  ];

  it.each(BAD)('POST %s with bad input: 400 naming %s', async (path, body, field) => {
    const before = (await t.storedEvents()).length;
    const res = await t.call('POST', `/mediation/cases/${caseId}/${path}`, { as: 'mediator11', body });
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect((await t.storedEvents()).length).toBe(before);
  });

  it('registration: bad parties, a missing source and an incomplete entrustment are 400 with the field', async () => {
    const one = await t.call('POST', '/mediation/cases', { as: 'mediator11', body: { ...NEIGHBOURS, parties: [NEIGHBOURS.parties[0]] } });
    expect(one.status).toBe(400);
    expect(one.body.details.fields.map((f: { field: string }) => f.field)).toContain('parties');
    const noName = await t.call('POST', '/mediation/cases', {
      as: 'mediator11',
      body: { ...NEIGHBOURS, parties: [{ role: 'applicant' }, NEIGHBOURS.parties[1]] },
    });
    expect(noName.body.details.fields.map((f: { field: string }) => f.field)).toContain('parties.0.name');
    // a body without source passed validation and was a 500 (TypeError reading 'kind' in the controller)
    const { source: _source, ...noSource } = NEIGHBOURS;
    const missing = await t.call('POST', '/mediation/cases', { as: 'mediator11', body: noSource });
    expect(missing.status).toBe(400);
    expect(missing.body.details.fields.map((f: { field: string; code: string }) => `${f.field} ${f.code}`)).toEqual(['source VALIDATION.REQUIRED']);
    const entrusted = await t.call('POST', '/mediation/cases', {
      as: 'mediator11',
      body: { ...NEIGHBOURS, source: { kind: 'entrusted', entrustedBy: 'court' } },
    });
    expect(entrusted.status).toBe(400);
    expect(entrusted.body).toMatchObject({ code: 'MEDIATION.ENTRUSTMENT_INCOMPLETE', details: { field: 'source.entrustingUnitId' } });
    const unknown = await t.call('POST', '/mediation/cases', { as: 'mediator11', body: { ...NEIGHBOURS, committeeId: 'mc-nowhere' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'MEDIATION.UNKNOWN_COMMITTEE', details: { field: 'committeeId' } });
  });

  it('a court, a police station or a government body entrusts a dispute (人民调解法 §18)', async () => {
    const res = await t.call('POST', '/mediation/cases', {
      as: 'mediator11',
      body: { ...NEIGHBOURS, source: { kind: 'entrusted', entrustedBy: 'police', entrustingUnitId: 'dept-t1-ga', letterRef: '枫公委调〔2025〕3号' } },
    });
    expect(res.status).toBe(201);
    const events = (await t.storedEvents()).filter((e) => e.streamId === `mediation-${res.body.caseId}`);
    expect(events[0]).toMatchObject({
      legalBasis: '人民调解法§18',
      data: { source: { kind: 'entrusted', entrustedBy: 'police', entrustingUnitId: 'dept-t1-ga' } },
    });
    const own = await t.call('POST', '/mediation/cases', { as: 'mediator11', body: { ...NEIGHBOURS, source: { kind: 'own_initiative' } } });
    expect(own.status).toBe(201);
  });

  it('412 on a stale If-Match, and nothing is written; the current ETag goes through', async () => {
    const fresh = await caseIn(t, 'mc-v-1-1', 'registered');
    const got = await t.call('GET', `/mediation/cases/${fresh.caseId}`, { as: 'mediator11' });
    expect(got.headers.get('etag')).toBe('"0"');
    const stale = await t.call('POST', `/mediation/cases/${fresh.caseId}/request-consent`, { as: 'mediator11', body: {}, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(412);
    const garbage = await t.call('POST', `/mediation/cases/${fresh.caseId}/request-consent`, {
      as: 'mediator11',
      body: {},
      headers: { 'if-match': 'tuesday' },
    });
    expect(garbage.status).toBe(412);
    expect(garbage.body.code).toBe('COMMAND.IF_MATCH_INVALID');
    const ok = await t.call('POST', `/mediation/cases/${fresh.caseId}/request-consent`, { as: 'mediator11', body: {}, headers: { 'if-match': '"0"' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"1"');
  });

  it('409 with the decider’s code and a Chinese message when the step does not fit the state; 404 for an unknown case', async () => {
    const fresh = await caseIn(t, 'mc-v-1-1', 'registered');
    const res = await t.call('POST', `/mediation/cases/${fresh.caseId}/archive`, { as: 'mediator11', body: {} });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'MEDIATION.INVALID_STATE', message: '案件当前状态为“已登记”，不能归档' });
    expect((await t.call('POST', '/mediation/cases/nope/archive', { as: 'mediator11', body: {} })).status).toBe(404);
  });

  it('a mediator of another committee cannot be assigned (§19: the committee’s own mediators)', async () => {
    const c = await caseIn(t, 'mc-v-1-1', 'accepted');
    const res = await t.call('POST', `/mediation/cases/${c.caseId}/assign-mediator`, {
      as: 'mediator11',
      body: { mediatorIds: [t.userId('mediator12')], method: 'chosen_by_parties' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'MEDIATION.NOT_A_MEDIATOR_OF_COMMITTEE', details: { field: 'mediatorIds' } });
  });
});
