import { LooseJson } from '@fengqiao/testing';
import { PETITION_STATUS_LABELS } from '@fengqiao/petitions-domain';
import { PetitionsTestApp, startPetitionsTestApp } from '../testing/petitions-test-app';
import { DEMO_QUERY_CODE, seedDemoPetitions } from './petitions-demo.seed';

/** The demo district's petitions, seeded through commands: every state, one near its deadline, one overdue. */
describe('demo petitions', () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp({ petitions: { seedDemo: true } });
  }, 120_000);
  afterAll(() => t?.close());

  it('the district office finds petitions in every state, a near-due and an overdue clock, a repeat and a group visit', async () => {
    const list = await t.ok<LooseJson>('GET', '/petitions?limit=200', 'districtOfficer');
    const states = Object.keys(PETITION_STATUS_LABELS).filter((s) => s !== 'none');
    expect(Object.keys(list.byStatus).sort()).toEqual(states.sort());
    const clocks = await t.ok<LooseJson>('GET', '/petitions/clocks', 'districtOfficer');
    expect(clocks.nearDue.map((c: LooseJson) => c.petitionId)).toContain('demo-near-due');
    expect(clocks.overdue.map((c: LooseJson) => c.petitionId)).toContain('demo-overdue');
    expect(await t.ok<LooseJson>('GET', '/petitions/demo-repeat', 'districtOfficer')).toMatchObject({
      status: 'not_accepted',
      flags: { repeat: true },
      matches: [expect.objectContaining({ petitionId: 'demo-handling', relation: 'being_handled_lower_level' })],
    });
    expect((await t.ok<LooseJson>('GET', '/petitions?view=group_visit', 'districtOfficer')).items.map((i: LooseJson) => i.petitionId)).toEqual([
      'demo-reception-group',
    ]);
    // the town office sees its own only
    const town2 = await t.ok<LooseJson>('GET', '/petitions?limit=200', 'town2Officer');
    expect(town2.items.map((i: LooseJson) => i.petitionId)).toEqual(['demo-overdue']);
    // the demo query code opens the delivered online petition
    const progress = await t.call('POST', '/public/petitions/progress', { body: { queryCode: DEMO_QUERY_CODE } });
    expect(progress.body).toMatchObject({ status: 'delivered', canRate: true });
  });

  it('a restart seeds nothing twice', async () => {
    const before = (await t.storedEvents()).length;
    const { seedDemoPetitions } = await import('./petitions-demo.seed');
    expect(await seedDemoPetitions(t.ctx)).toBe(0);
    expect((await t.storedEvents()).length).toBe(before);
  });
  it('a seeding cut short (a kill during the first start) goes on where it stopped and ends as a full one', async () => {
    const fresh = await startPetitionsTestApp({ petitions: { seedDemo: false } });
    try {
      const runner = fresh.ctx.runner;
      const execute = runner.execute.bind(runner);
      let calls = 0;
      // every 7th command fails, as if the process had died there: petitions are left half-seeded
      runner.execute = ((...args: Parameters<typeof execute>) =>
        ++calls % 7 === 0 ? Promise.reject(new Error('killed')) : execute(...args)) as typeof runner.execute;
      await seedDemoPetitions(fresh.ctx);
      runner.execute = execute;
      const statuses = async (app: PetitionsTestApp) =>
        Object.fromEntries((await app.ok<LooseJson>('GET', '/petitions?limit=200', 'districtOfficer')).items.map((i: LooseJson) => [i.petitionId, i.status]));
      const cut = await statuses(fresh);
      const full = await statuses(t);
      expect(cut).not.toEqual(full); // the cut did leave something undone

      await seedDemoPetitions(fresh.ctx); // the next start
      expect(await statuses(fresh)).toEqual(full);
      const events = await fresh.storedEvents();
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(events.filter((e) => e.streamId.startsWith('petition-reception-')).length).toBe(2);
      expect(events.filter((e) => e.streamId.startsWith('petition-reception-')).length).toBe(
        (await t.storedEvents()).filter((e) => e.streamId.startsWith('petition-reception-')).length,
      );
      expect(await seedDemoPetitions(fresh.ctx)).toBe(0);
      expect((await fresh.storedEvents()).length).toBe(events.length);
    } finally {
      await fresh.close();
    }
  }, 180_000);
});
