import { topics, validateIntegrationEvent } from '@fengqiao/contracts';
import { fromCloudEventMessage } from '@fengqiao/bus';
import { fromCloudEvent } from '@fengqiao/platform';
import { eventually } from '@fengqiao/testing';
import { MediationTestApp, NEIGHBOURS, startMediationTestApp } from '../testing/mediation-test-app';

/** The relay publishes the case's steps on mediation.case.events.v1, valid and free of parties' data. */
describe('mediation integration events (relay → mediation.case.events.v1)', () => {
  let t: MediationTestApp;
  const received: { type: string; subject: string; data: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    t = await startMediationTestApp();
    await t.runtime.bus.subscribe({
      groupId: 'test.mediation-events',
      topics: [topics.mediationCase],
      handler: async (message) => {
        const event = validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(message)));
        received.push({ type: event.type, subject: event.subject, data: event.data as Record<string, unknown> });
      },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('publishes registration, consent and termination keyed by the case, without names, phones or ID numbers', async () => {
    const { caseId, partyIds } = await t.register();
    await t.call('POST', `/mediation/cases/${caseId}/request-consent`, { as: 'mediator11', body: {} });
    for (const p of partyIds) await t.call('POST', `/mediation/cases/${caseId}/consents`, { as: 'mediator11', body: { partyId: p, consented: true } });
    await t.call('POST', `/mediation/cases/${caseId}/terminate`, {
      as: 'mediator11',
      body: { grounds: 'party_withdrew', withdrawingPartyId: partyIds[0], routesTold: ['arbitration', 'administrative', 'judicial'] },
    });
    const mine = await eventually(
      async () => {
        const got = received.filter((e) => e.subject === caseId);
        return got.length >= 6 ? got : undefined;
      },
      { what: 'the case events on the bus', timeoutMs: 10_000 },
    );
    expect(mine.map((e) => e.type)).toEqual([
      'cn.fengqiao.mediation.case.registered.v1',
      'cn.fengqiao.mediation.case.consent-requested.v1',
      'cn.fengqiao.mediation.case.consent-given.v1',
      'cn.fengqiao.mediation.case.consent-given.v1',
      'cn.fengqiao.mediation.case.accepted.v1',
      'cn.fengqiao.mediation.case.terminated.v1',
    ]);
    expect(mine[0].data).toMatchObject({
      source: 'application',
      committeeId: 'mc-v-1-1',
      committeeLevel: 'village',
      partyCount: 2,
      category: 'neighbour_dispute',
    });
    expect(mine[4].data).toMatchObject({ deadlineRuleId: 'mediation.duration', dueAt: expect.any(String) });
    expect(mine[5].data).toMatchObject({ grounds: 'party_withdrew', routesTold: ['arbitration', 'administrative', 'judicial'] });
    const text = JSON.stringify(mine);
    for (const p of NEIGHBOURS.parties) {
      expect(text).not.toContain(p.name);
      expect(text).not.toContain(p.phone);
    }
    expect(text).not.toContain(NEIGHBOURS.summary);
  });
});
