import { CaseCommandRunner } from '@fengqiao/platform';
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
  it('a seeding cut short (a kill during the first start) goes on where it stopped and ends as a full one', async () => {
    const fresh = await startMediationTestApp({ seedDemo: false });
    const execute = CaseCommandRunner.prototype.execute;
    try {
      let calls = 0;
      // every 9th command fails, as if the process had died there: cases are left half-seeded
      const spy = jest.spyOn(CaseCommandRunner.prototype, 'execute').mockImplementation(function (this: CaseCommandRunner<never, never, never>, ...args) {
        return ++calls % 9 === 0 ? Promise.reject(new Error('killed')) : execute.apply(this, args);
      });
      await fresh.service.app.get(MediationCases).seedDemo();
      spy.mockRestore();
      const states = async (app: MediationTestApp) =>
        Object.fromEntries(
          ((await app.call('GET', '/mediation/cases?limit=200', { as: 'mediator11' })).body.items as { caseId: string; status: string }[]).map((i) => [
            i.caseId,
            i.status,
          ]),
        );
      const full = await states(t);
      expect(await states(fresh)).not.toEqual(full); // the cut did leave something undone

      await fresh.service.app.get(MediationCases).seedDemo(); // the next start
      expect(await states(fresh)).toEqual(full);
      const events = await fresh.storedEvents();
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(events.length).toBe((await t.storedEvents()).length);
    } finally {
      CaseCommandRunner.prototype.execute = execute;
      await fresh.close();
    }
  }, 240_000);
});
