import { MediationCases } from '../application/mediation-cases';
import { DEMO_CASE_STATES } from './demo-cases';
import { MediationTestApp, startMediationTestApp } from '../testing/mediation-test-app';

/** First start with the demo: every committee's mediator finds a case in every state, with a real history. */
describe('demo mediation cases (seeded through commands on first start)', () => {
  let t: MediationTestApp;
  beforeAll(async () => {
    t = await startMediationTestApp({ seedDemo: true });
    await t.service.app.get(MediationCases).demoSeeded;
  }, 120_000);
  afterAll(() => t?.close());

  it('the village committee mediator sees one case in every state; the figures follow from them', async () => {
    const res = await t.call('GET', '/mediation/cases?limit=200', { as: 'mediator11' });
    const states = (res.body.items as { status: string; committeeId: string }[]).map((i) => i.status).sort();
    expect(states).toEqual([...DEMO_CASE_STATES].sort());
    const archived = (res.body.items as { caseId: string; status: string }[]).find((i) => i.status === 'archived')!;
    const got = await t.call('GET', `/mediation/cases/${archived.caseId}`, { as: 'mediator11' });
    expect(got.body.timeline.length).toBeGreaterThan(10);
    expect(got.body.parties.every((p: { name?: string }) => typeof p.name === 'string' && p.name.length >= 2)).toBe(true);
    const figures = await t.call('GET', '/mediation/figures', { as: 'auditorDistrict' });
    // 14 committees × 15 states; taken = accepted or beyond (12 per committee), settled = agreement in force (7 per committee)
    expect(figures.body).toMatchObject({ registered: 210, taken: 168, settled: 98, declined: 14, terminated: 14, successRate: 58.33 });
  });

  it('a second start seeds nothing twice', async () => {
    const before = (await t.storedEvents()).length;
    await t.service.app.get(MediationCases).seedDemo();
    expect((await t.storedEvents()).length).toBe(before);
  });
});
