import { MediationTestApp, startMediationTestApp } from '../testing/mediation-test-app';

/** One case through every step of DESIGN §5.2 over HTTP, as the village committee's mediator. */
describe('a mediation case end to end (every command route, in order)', () => {
  let t: MediationTestApp;
  beforeAll(async () => {
    t = await startMediationTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const post = async (caseId: string, path: string, body: unknown, etag?: string) => {
    const res = await t.call('POST', `/mediation/cases/${caseId}/${path}`, { as: 'mediator11', body, ...(etag ? { headers: { 'if-match': etag } } : {}) });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.text}`);
    expect(res.headers.get('etag')).toBe(`"${res.body.revision}"`);
    return res.body as { caseId: string; status: string; revision: number; events: string[] };
  };

  it('registers, consents, mediates, agrees, signs, performs, confirms, visits and archives', async () => {
    const { caseId, partyIds } = await t.register();
    const [a, b] = partyIds;
    const med = t.userId('mediator11');
    expect((await post(caseId, 'request-consent', {})).status).toBe('consent_pending');
    expect((await post(caseId, 'notify-rights', { partyIds: [a, b] })).events).toEqual(['RightsNotified']);
    expect((await post(caseId, 'consents', { partyId: a, consented: true })).status).toBe('consent_pending');
    expect(await post(caseId, 'consents', { partyId: b, consented: true })).toMatchObject({
      status: 'accepted',
      events: ['ConsentGiven', 'MediationAccepted'],
    });
    expect((await post(caseId, 'assign-mediator', { mediatorIds: [med], method: 'designated' })).status).toBe('mediator_assigned');
    t.clock.advance(3600_000);
    expect(
      (
        await post(caseId, 'sessions', {
          heldAt: '2025-03-03T09:30:00+08:00',
          mediatorIds: [med],
          attendingPartyIds: [a, b],
          summary: '双方陈述漏水经过',
          place: '枫源社区调解室',
          openToPublic: false,
        })
      ).status,
    ).toBe('mediating');
    expect(
      (
        await post(caseId, 'sessions', {
          heldAt: '2025-03-03T09:50:00+08:00',
          mediatorIds: [med],
          attendingPartyIds: [a, b],
          summary: '现场查看，提出维修方案',
          invitedParticipants: [{ participantId: 'neighbour-1', relation: 'neighbour', partiesConsented: true }],
        })
      ).events,
    ).toEqual(['SessionRecorded']);
    expect((await post(caseId, 'risk-reports', { riskKind: 'public_order', measures: '安排双方分开调解', policeUnitId: 'dept-t1-ga' })).events).toEqual([
      'RiskReportedToPolice',
    ]);
    expect((await post(caseId, 'extend', { extendBy: 10, consentingPartyIds: [a, b] })).events).toEqual(['MediationExtended']);
    expect((await post(caseId, 'agreement', { form: 'written', terms: '李秀英于三日内维修卫生间防水，并赔偿王建国装修损失二千元' })).status).toBe(
      'agreement_reached',
    );
    t.clock.advance(3600_000);
    expect(await post(caseId, 'agreement/sign', { signedByPartyIds: [a, b], mediatorSigned: true, committeeSealed: true })).toMatchObject({
      events: ['AgreementTookEffect'],
    });
    const desk = await t.call('GET', '/mediation/cases?queue=agreement_without_performance', { as: 'mediator11' });
    expect(desk.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([caseId]);
    expect((await post(caseId, 'performance', { complete: false, description: '已维修防水' })).status).toBe('performing');
    expect((await post(caseId, 'judicial-confirmation', { courtId: 'court-fq', filedAt: t.clock.now().toISOString(), applicantPartyIds: [a, b] })).status).toBe(
      'judicial_confirmation_filed',
    );
    expect(
      (await post(caseId, 'judicial-confirmation/decision', { confirmed: true, decidedAt: t.clock.now().toISOString(), rulingRef: '(2025)浙0681民特1号' }))
        .status,
    ).toBe('confirmed');
    expect((await post(caseId, 'performance', { complete: true, description: '赔偿款已付清', evidenceRef: '收条' })).status).toBe('performed');
    expect(
      (await post(caseId, 'follow-up-visits', { visitedPartyIds: [a, b], performanceSatisfactory: true, reescalationRisk: false, recordRef: '回访记录1' }))
        .events,
    ).toEqual(['FollowUpVisited']);
    const before = await t.call('GET', `/mediation/cases/${caseId}/dossier`, { as: 'mediator11' });
    expect(before.body.missing).toEqual(['identity_proof', 'mediation_record']);
    const refused = await t.call('POST', `/mediation/cases/${caseId}/archive`, { as: 'mediator11', body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('MEDIATION.DOSSIER_INCOMPLETE');
    await post(caseId, 'dossier-items', { item: 'identity_proof', documentRef: '身份证复印件' });
    await post(caseId, 'dossier-items', { item: 'mediation_record', documentRef: '调解笔录' });
    expect((await post(caseId, 'archive', {})).status).toBe('archived');

    const got = await t.call('GET', `/mediation/cases/${caseId}`, { as: 'mediator11' });
    expect(got.body).toMatchObject({ status: 'archived', settled: true, sessionCount: 2, gridCaseId: null, sourceKind: 'application' });
    expect(got.body.sessions[0]).toMatchObject({ place: '枫源社区调解室', openToPublic: false });
    expect(got.body.parties.map((p: { name: string }) => p.name)).toEqual(['王建国', '李秀英']);
    expect(got.body.timeline[0]).toMatchObject({ type: 'DisputeRegistered', reason: '当事人来访申请' });
  });

  it('a party refuses: no mediation (§17); a case terminated without agreement tells all three routes (§26)', async () => {
    const refused = await t.register();
    await post(refused.caseId, 'request-consent', {});
    expect(await post(refused.caseId, 'consents', { partyId: refused.partyIds[1], consented: false })).toMatchObject({
      status: 'declined',
      events: ['ConsentRefused', 'MediationDeclined'],
    });

    const failed = await t.register();
    const med = t.userId('mediator11');
    await post(failed.caseId, 'request-consent', {});
    for (const p of failed.partyIds) await post(failed.caseId, 'consents', { partyId: p, consented: true });
    await post(failed.caseId, 'assign-mediator', { mediatorIds: [med], method: 'chosen_by_parties' });
    const partial = await t.call('POST', `/mediation/cases/${failed.caseId}/terminate`, {
      as: 'mediator11',
      body: { grounds: 'no_agreement', routesTold: ['judicial'] },
    });
    expect(partial.status).toBe(400);
    expect(partial.body.code).toBe('MEDIATION.ROUTES_NOT_TOLD');
    expect(
      (await post(failed.caseId, 'terminate', { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'], reason: '分歧较大' }))
        .status,
    ).toBe('terminated');
  });

  it('refers a hard case up to the town centre, keeping one history; the village committee no longer sees it', async () => {
    const { caseId } = await t.register();
    const down = await t.call('POST', `/mediation/cases/${caseId}/transfer`, { as: 'mediator11', body: { toCommitteeId: 'mc-v-1-2', reason: '涉及两村' } });
    expect(down.status).toBe(400);
    expect(down.body.code).toBe('MEDIATION.TRANSFER_NOT_UP');
    expect(await post(caseId, 'transfer', { toCommitteeId: 'mc-t-1', reason: '案情复杂，移交街道调解中心' })).toMatchObject({ events: ['CaseTransferred'] });
    expect((await t.call('GET', `/mediation/cases/${caseId}`, { as: 'mediator11' })).status).toBe(403);
    const town = await t.call('GET', `/mediation/cases/${caseId}`, { as: 'mediatorTown1' });
    expect(town.body).toMatchObject({ committeeId: 'mc-t-1', committeeLevel: 'town', jurisdiction: ['d-fq', 't-1', 'mc-t-1'] });
    expect(town.body.timeline.map((e: { type: string }) => e.type)).toEqual(['DisputeRegistered', 'CaseTransferred']);
  });
});
