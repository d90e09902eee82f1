import { demoDistrict } from '@fengqiao/demo';
import { eventually, LooseJson } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startStandalone, SystemUnderTest } from './support/system';

/**
 * Issue 12, the timeline of a matter across kinds, through real HTTP journeys in one standalone
 * process: a grid case referred to people's mediation, and one referred to the petitions office.
 * From either end the auditor sees every stream of the matter (grid case ↔ mediation case, grid case
 * ↔ petition), each verifies, and every store of the process verifies with zero mismatches.
 */
const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');
const point = { lat, lng: lon };
const SLOW = { timeoutMs: 120_000, intervalMs: 300 };

describe('audit of matters across kinds (standalone)', () => {
  let sut: SystemUnderTest;
  let gw: Client;
  let op: Client;
  let med: Client;
  let xf: Client;
  let auditor: Client;
  let mediated: { gridCaseId: string; mediationCaseId: string };
  let petitioned: { gridCaseId: string; petitionId: string };

  beforeAll(async () => {
    sut = await startStandalone();
    [gw, op, med, xf, auditor] = await Promise.all(['gw.g-1-1-1', 'op.v-1-1', 'med.v-1-1', 'xf.t-1', 'audit.d'].map((u) => Client.login(sut.authUrl, u)));

    // a neighbour dispute: routed to the village mediation committee, which cannot settle it
    const disputeId = (
      await gw.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'grid_worker',
        category: 'neighbour_dispute',
        description: '审计旅程：邻里通道纠纷',
        location: { point },
      })
    ).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${disputeId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, disputeId, (c) => c.status === 'referred', 'the referral to mediation');
    const [mc] = await eventually(
      async () => {
        const r = await med.get(`${sut.mediationUrl}/mediation/cases?gridCaseId=${disputeId}`);
        return r.status === 200 && r.body.items.length > 0 ? r.body.items : undefined;
      },
      { what: 'the mediation case', ...SLOW },
    );
    const mediationCaseId = mc.caseId as string;
    const parties = (await med.get(`${sut.mediationUrl}/mediation/cases/${mediationCaseId}`)).body.parties.map((p: LooseJson) => p.partyId as string);
    await med.ok(`${sut.mediationUrl}/mediation/cases/${mediationCaseId}/request-consent`, {});
    for (const partyId of parties) await med.ok(`${sut.mediationUrl}/mediation/cases/${mediationCaseId}/consents`, { partyId, consented: true });
    await med.ok(`${sut.mediationUrl}/mediation/cases/${mediationCaseId}/terminate`, {
      grounds: 'no_agreement',
      routesTold: ['arbitration', 'administrative', 'judicial'],
      reason: '审计旅程：分歧较大',
    });
    mediated = { gridCaseId: disputeId, mediationCaseId };

    // a case the centre refers to the petitions office
    const caseId = (
      await gw.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'grid_worker',
        category: 'illegal_parking',
        description: '审计旅程：长期占道',
        location: { point },
      })
    ).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
    await op.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/refer`, { target: 'petitions', reason: '审计旅程：当事人坚持信访' });
    const linked = await eventually(
      async () => {
        const r = await xf.get(`${sut.authUrl}/petitions?limit=200`);
        return (r.body.items as LooseJson[]).find((i) => i.source.kind === 'grid_case' && i.source.caseId === caseId);
      },
      { what: 'the linked petition', ...SLOW },
    );
    petitioned = { gridCaseId: caseId, petitionId: linked.petitionId as string };
  }, 300_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  const contextsOf = (body: LooseJson) => [...new Set((body.streams as LooseJson[]).map((s) => s.context as string))].sort();
  const timeline = async (id: string, pred: (b: LooseJson) => boolean) =>
    eventually(
      async () => {
        const r = await auditor.get(`${sut.authUrl}/audit/matters/${id}/timeline`);
        return r.status === 200 && pred(r.body) ? r.body : undefined;
      },
      { what: `the timeline of ${id}`, ...SLOW },
    );

  it('grid case → mediation case and back: one timeline from either end, with who, when and what', async () => {
    const fromGrid = await timeline(
      mediated.gridCaseId,
      (b) => contextsOf(b).includes('mediation') && (b.steps as LooseJson[]).some((s) => s.type === 'MediationTerminated'),
    );
    expect(contextsOf(fromGrid)).toEqual(['grid-dispatch', 'intake', 'mediation']);
    const types = (fromGrid.steps as LooseJson[]).map((s) => s.type as string);
    expect(types.indexOf('CaseReported')).toBeLessThan(types.indexOf('CaseReferred'));
    expect(types.indexOf('CaseReferred')).toBeLessThan(types.indexOf('DisputeRegistered'));
    expect(types.indexOf('DisputeRegistered')).toBeLessThan(types.indexOf('MediationTerminated'));
    const terminated = (fromGrid.steps as LooseJson[]).find((s) => s.type === 'MediationTerminated');
    expect(terminated.who).toMatchObject({ role: 'mediator' });
    const fromMediation = await timeline(mediated.mediationCaseId, () => true);
    expect(contextsOf(fromMediation)).toEqual(['grid-dispatch', 'intake', 'mediation']);
    expect((fromMediation.steps as LooseJson[]).map((s) => s.type)).toEqual(types);
  });

  it('grid case → petition and back', async () => {
    const fromGrid = await timeline(petitioned.gridCaseId, (b) => contextsOf(b).includes('petitions'));
    expect(contextsOf(fromGrid)).toEqual(['grid-dispatch', 'intake', 'petitions']);
    expect((fromGrid.steps as LooseJson[]).map((s) => s.type)).toEqual(expect.arrayContaining(['CaseReported', 'CaseReferred', 'PetitionRegistered']));
    const fromPetition = await timeline(petitioned.petitionId, (b) => contextsOf(b).includes('intake'));
    expect(contextsOf(fromPetition)).toEqual(['grid-dispatch', 'intake', 'petitions']);
  });

  it('each matter verifies (chains, inclusion, envelope, read model), and so does every store: zero mismatches', async () => {
    for (const id of [mediated.gridCaseId, petitioned.gridCaseId]) {
      const r = await auditor.call('POST', `${sut.authUrl}/audit/matters/${id}/verify`, {});
      expect(r.status).toBe(200);
      expect({ id, mismatches: r.body.mismatches, ok: r.body.ok }).toEqual({ id, mismatches: [], ok: true });
      expect((r.body.stores as LooseJson[]).length).toBe(3);
    }
    for (const context of ['intake', 'grid-dispatch', 'mediation', 'petitions']) {
      const v = await auditor.get(`${sut.authUrl}/audit/stores/${context}/verify`);
      expect({ context, failures: v.body.failures, ok: v.body.ok, outOfScope: v.body.outOfScopeFailures }).toEqual({
        context,
        failures: [],
        ok: true,
        outOfScope: 0,
      });
      expect(v.body.eventCount).toBeGreaterThan(0);
    }
  });
});
