import { topics, validateIntegrationEvent } from '@fengqiao/contracts';
import { Bus, toCloudEventMessage } from '@fengqiao/bus';
import { newId } from '@fengqiao/kernel';
import { BUS, toCloudEvent } from '@fengqiao/platform';
import { GridDispatchHarness, T0 } from '../testing/grid-dispatch.harness';
import { mediationEvent } from './mediation-events.testing';

const OP = 'op.v-1-1';

/** A grid case referred to mediation learns what became of it (consumer grid-dispatch.mediation-outcomes). */
describe('the outcome of mediation flows back to the referred grid case', () => {
  let h: GridDispatchHarness;
  beforeAll(async () => {
    h = await GridDispatchHarness.start();
  }, 60_000);
  afterAll(() => h?.close());

  const publish = async (event: ReturnType<typeof mediationEvent>) => {
    const valid = validateIntegrationEvent(event);
    await h.app.get<Bus>(BUS, { strict: false }).publish(topics.mediationCase, [toCloudEventMessage(toCloudEvent(valid), valid.subject)]);
  };
  const referred = async () => {
    const caseId = `m-${newId()}`;
    await h.fileCase({ caseId, gridId: 'g-1-1-1', category: 'fire_lane_blocked' }, 2);
    const res = await h.command(caseId, 'refer', OP, { target: 'mediation', reason: '实为邻里纠纷，转人民调解' });
    expect(res.status).toBe(200);
    return caseId;
  };
  const mediationOf = async (gridCaseId: string, ready: (body: Record<string, unknown>) => boolean) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await h.call('GET', `/grid-dispatch/cases/${gridCaseId}/mediation`, { as: OP });
      if (res.status === 200 && ready(res.body)) return res.body;
      if (Date.now() > deadline) throw new Error(`no mediation outcome for ${gridCaseId}: ${res.status} ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('links, settles, and archives the work order once the agreement is performed', async () => {
    const gridCaseId = await referred();
    const m = `med-${newId()}`;
    await publish(mediationEvent('DisputeRegistered', m, T0, { source: 'referred_from_grid_case', gridCaseId, committeeLevel: 'village', partyCount: 2 }));
    expect(await mediationOf(gridCaseId, (b) => b.status === 'mediating')).toMatchObject({ mediationCaseId: m, committeeId: 'mc-v-1-1', outcome: null });
    expect((await h.call('GET', `/grid-dispatch/cases/${gridCaseId}`, { as: OP })).body.status).toBe('referred');
    await publish(mediationEvent('AgreementTookEffect', m, T0));
    await publish(mediationEvent('PerformanceRecorded', m, T0, { complete: false }));
    await mediationOf(gridCaseId, (b) => b.status === 'settled');
    const done = mediationEvent('PerformanceRecorded', m, T0, { complete: true });
    await publish(done);
    expect(await mediationOf(gridCaseId, (b) => b.status === 'ended')).toMatchObject({ outcome: 'performed', outcomeLabel: '达成调解协议并已履行完毕' });
    const events = await h.waitForEvents(gridCaseId, 4);
    expect(events.map((e) => e.type)).toEqual(['WorkOrderOpened', 'CaseDispatched', 'CaseReferred', 'CaseArchived']);
    expect(events[3]).toMatchObject({ actor: { userId: 'system:mediation-outcome' }, data: { reason: expect.stringContaining(m) } });
    // redelivered: nothing new
    await publish(done);
    await publish(mediationEvent('PerformanceRecorded', m, T0, { complete: true }));
    await h.viewsSettled();
    expect(await h.types(gridCaseId)).toHaveLength(4);
  });

  it('a termination is recorded with the routes told; the work order stays with the centre', async () => {
    const gridCaseId = await referred();
    const m = `med-${newId()}`;
    await publish(mediationEvent('DisputeRegistered', m, T0, { source: 'referred_from_grid_case', gridCaseId }));
    await publish(mediationEvent('RiskReportedToPolice', m, T0, { riskKind: 'public_order', policeUnitId: 'dept-t1-ga' }));
    await publish(mediationEvent('MediationTerminated', m, T0, { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] }));
    expect(await mediationOf(gridCaseId, (b) => b.status === 'ended')).toMatchObject({
      outcome: 'terminated',
      routesTold: ['arbitration', 'administrative', 'judicial'],
      riskReports: 1,
    });
    expect(await h.types(gridCaseId)).toEqual(['WorkOrderOpened', 'CaseDispatched', 'CaseReferred']);
    expect((await h.call('GET', `/grid-dispatch/cases/${gridCaseId}/mediation`, { as: 'op.v-1-2' })).status).toBe(403);
  });

  it('a routing rule naming a mediation committee refers the filed case to mediation instead of dispatching a work order to it', async () => {
    const caseId = `m-${newId()}`;
    const events = await h.fileCase({ caseId, gridId: 'g-1-1-1', category: 'neighbour_dispute' }, 2);
    expect(events.map((e) => e.type)).toEqual(['WorkOrderOpened', 'CaseReferred']);
    expect(events[1]).toMatchObject({
      actor: { userId: 'system:auto-routing' },
      data: { target: 'mediation', reason: expect.stringContaining('人民调解委员会 mc-v-1-1') },
    });
    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP });
    expect(detail.body).toMatchObject({ status: 'referred' });
  });

  it('ignores mediation cases that did not come from a grid case; 404 for a grid case never referred', async () => {
    await publish(mediationEvent('DisputeRegistered', `med-${newId()}`, T0, { source: 'application' }));
    const res = await h.call('GET', `/grid-dispatch/cases/m-nothing/mediation`, { as: OP });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('GRID_CASE.NOT_REFERRED_TO_MEDIATION');
  });
});
