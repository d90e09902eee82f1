import { FollowMediation, mediationReferralDecider as decider, MediationReferralEvent, MediationReferralState } from './mediation-referral.decider';

const meta = { actor: { userId: 'grid-dispatch.mediation-outcomes', role: 'system' as const, unitId: 'system' }, now: '2025-03-10T10:00:00+08:00' };
const follow = (step: string, extra: Partial<FollowMediation['data']> = {}): FollowMediation => ({
  type: 'FollowMediation',
  data: { gridCaseId: 'g1', mediationCaseId: 'm1', committeeId: 'mc-v-1-1', step, at: '2025-03-10T10:00:00+08:00', ...extra },
  meta,
});
const run = (steps: FollowMediation[]): { state: MediationReferralState; events: MediationReferralEvent[] } => {
  let state = decider.initialState();
  const events: MediationReferralEvent[] = [];
  for (const c of steps) {
    const out = decider.decide(c, state);
    events.push(...out);
    state = out.reduce(decider.evolve, state);
  }
  return { state, events };
};

describe('mediation referral workflow (grid case ← mediation outcome)', () => {
  it('links on registration, settles, ends as performed once', () => {
    const { state, events } = run([
      follow('DisputeRegistered'),
      follow('ConsentGiven'),
      follow('AgreementTookEffect'),
      follow('PerformanceRecorded', { complete: false }),
      follow('PerformanceRecorded', { complete: true }),
      follow('PerformanceRecorded', { complete: true }),
    ]);
    expect(events.map((e) => e.type)).toEqual(['MediationCaseLinked', 'MediationSettled', 'MediationEnded']);
    expect(state).toMatchObject({ status: 'ended', outcome: 'performed' });
  });

  it('ends as declined or terminated with the routes told; a later step changes nothing', () => {
    expect(run([follow('DisputeRegistered'), follow('MediationDeclined'), follow('MediationTerminated')]).state).toMatchObject({ outcome: 'declined' });
    const t = run([follow('DisputeRegistered'), follow('MediationTerminated', { routesTold: ['arbitration', 'administrative', 'judicial'] })]);
    expect(t.state).toMatchObject({ status: 'ended', outcome: 'terminated', routesTold: ['arbitration', 'administrative', 'judicial'] });
  });

  it('follows a transfer up and counts risk reports; ignores events before the link and of another case', () => {
    const { state, events } = run([
      follow('SessionRecorded'),
      follow('DisputeRegistered'),
      follow('CaseTransferred', { committeeId: 'mc-t-1' }),
      follow('RiskReportedToPolice', { riskKind: 'criminal', policeUnitId: 'dept-t1-ga', committeeId: 'mc-t-1' }),
      follow('MediationTerminated', { mediationCaseId: 'other' }),
      follow('DisputeRegistered'),
    ]);
    expect(events.map((e) => e.type)).toEqual(['MediationCaseLinked', 'MediationTransferredUp', 'MediationRiskReported']);
    expect(state).toMatchObject({ status: 'mediating', committeeId: 'mc-t-1', transfers: 1, riskReports: 1 });
  });
});
