import { MediationCases } from '../application/mediation-cases';
import { gridCaseReferred, MediationTestApp, startMediationTestApp } from '../testing/mediation-test-app';
import { gridDispatchContracts } from '@fengqiao/contracts';
import { gridReferralConsumer, mediationCaseIdForReferral, onGridCaseReferred } from './on-grid-case-referred.consumer';

/** grid-dispatch's referral reaches mediation over the bus and opens exactly one linked case. */
describe('a grid case referred to mediation (consumer mediation.grid-referrals)', () => {
  let t: MediationTestApp;
  beforeAll(async () => {
    t = await startMediationTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const casesOfGrid = async (gridCaseId: string) =>
    (await t.storedEvents()).filter((e) => e.type === 'DisputeRegistered' && (e.data['source'] as { gridCaseId?: string }).gridCaseId === gridCaseId);

  it('opens a case at the village committee of the grid, linked to the grid case, with two sides to identify', async () => {
    const referral = gridCaseReferred('grid-case-1', '2025-03-03T08:00:00+08:00');
    await t.publishGridDispatch(referral);
    const view = await t.viewWhen((v) => v.gridCaseId === 'grid-case-1', 'the mediation case of grid-case-1');
    expect(view).toMatchObject({
      caseId: mediationCaseIdForReferral(referral),
      status: 'registered',
      committeeId: 'mc-v-1-1',
      committeeLevel: 'village',
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'mc-v-1-1'],
      sourceKind: 'referred_from_grid_case',
      category: 'neighbour_dispute',
      summary: '实为邻里纠纷，转人民调解',
    });
    const got = await t.call('GET', `/mediation/cases/${view.caseId}`, { as: 'mediator11' });
    expect(got.body.parties).toEqual([
      { partyId: `${view.caseId}-a`, role: 'applicant', identified: false },
      { partyId: `${view.caseId}-b`, role: 'respondent', identified: false },
    ]);
    // the committee identifies the sides; the other committees do not see the case
    const named = await t.call('PUT', `/mediation/cases/${view.caseId}/parties/${view.caseId}-a`, {
      as: 'mediator11',
      body: { name: '赵大伟', phone: '13700003333' },
    });
    expect(named.status).toBe(200);
    expect(named.body.party).toMatchObject({ name: '赵大伟', phone: '13700003333', identified: true });
    expect((await t.call('GET', `/mediation/cases/${view.caseId}`, { as: 'mediator12' })).status).toBe(403);
    const [registered] = await casesOfGrid('grid-case-1');
    expect(registered).toMatchObject({
      actor: { userId: 'mediation.grid-referrals', role: 'system' },
      correlationId: referral.correlationId,
      causationId: referral.id,
    });
  });

  it('a redelivered referral opens nothing new, through the inbox and without it (a crash before the inbox write)', async () => {
    const referral = gridCaseReferred('grid-case-2', '2025-03-03T08:10:00+08:00');
    await t.publishGridDispatch(referral);
    await t.viewWhen((v) => v.gridCaseId === 'grid-case-2', 'the mediation case of grid-case-2');
    await t.publishGridDispatch(referral);
    const cases = t.service.app.get(MediationCases);
    expect(await onGridCaseReferred(referral, cases)).toEqual({ kind: 'already_open', caseId: mediationCaseIdForReferral(referral) });
    // and a later, different referral event waits for its own case
    await t.publishGridDispatch(gridCaseReferred('grid-case-3', '2025-03-03T08:20:00+08:00'));
    await t.viewWhen((v) => v.gridCaseId === 'grid-case-3', 'the mediation case of grid-case-3');
    expect(await casesOfGrid('grid-case-2')).toHaveLength(1);
  });

  it('ignores referrals to petitions and other grid-dispatch events', async () => {
    const cases = t.service.app.get(MediationCases);
    expect(await onGridCaseReferred(gridCaseReferred('grid-case-4', '2025-03-03T08:30:00+08:00', 'petitions'), cases)).toEqual({ kind: 'ignored' });
    expect(await casesOfGrid('grid-case-4')).toHaveLength(0);
  });

  it('takes no inbox claim for grid-dispatch events other than referrals (the runtime passes them over)', () => {
    const consumer = gridReferralConsumer(() => t.service.app.get(MediationCases));
    expect(consumer.handles?.(gridDispatchContracts.CaseReferred.type)).toBe(true);
    for (const other of [gridDispatchContracts.CaseDispatched.type, gridDispatchContracts.CaseClosed.type]) expect(consumer.handles?.(other)).toBe(false);
  });
});
