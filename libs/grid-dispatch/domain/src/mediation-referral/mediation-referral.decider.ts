import { Command, Decider, Event } from '@fengqiao/kernel';

/**
 * What becomes of a grid case referred to people's mediation (DESIGN §5.4 "cases link across
 * kinds"): a small workflow decider in grid-dispatch, the reacting context (STYLE "Domain code"),
 * fed by mediation's integration events. One stream per grid case,
 * `mediation-referral-<gridCaseId>`, beside the work order's own stream. Pure: time and ids come
 * on the command.
 */
export type MediationOutcome = 'declined' | 'terminated' | 'performed' | 'performance_failed';

export type MediationReferralState =
  | { status: 'none' }
  | {
      status: 'mediating' | 'settled' | 'ended';
      gridCaseId: string;
      mediationCaseId: string;
      committeeId: string;
      linkedAt: string;
      outcome?: MediationOutcome;
      /** routes the parties were told of when mediation ended without agreement (人民调解法 §26) */
      routesTold?: string[];
      riskReports: number;
      transfers: number;
      updatedAt: string;
    };

/** A step of the mediation case, as mediation published it (integration event name and facts). */
export type FollowMediation = Command<
  'FollowMediation',
  {
    gridCaseId: string;
    mediationCaseId: string;
    committeeId: string;
    /** the mediation integration event's name, e.g. `DisputeRegistered`, `PerformanceRecorded` */
    step: string;
    at: string;
    complete?: boolean;
    routesTold?: string[];
    riskKind?: string;
    policeUnitId?: string;
  }
>;

type Base = { gridCaseId: string; mediationCaseId: string; committeeId: string; at: string };
export type MediationCaseLinked = Event<'MediationCaseLinked', Base>;
export type MediationSettled = Event<'MediationSettled', Base>;
export type MediationEnded = Event<'MediationEnded', Base & { outcome: MediationOutcome; routesTold?: string[] }>;
export type MediationTransferredUp = Event<'MediationTransferredUp', Base>;
/** §25: the committee reported a risk of the dispute turning violent; the grid must know. */
export type MediationRiskReported = Event<'MediationRiskReported', Base & { riskKind: string; policeUnitId: string }>;
export type MediationReferralEvent = MediationCaseLinked | MediationSettled | MediationEnded | MediationTransferredUp | MediationRiskReported;

export function toMediationReferralStreamId(gridCaseId: string): string {
  return `mediation-referral-${gridCaseId}`;
}

export const MEDIATION_OUTCOME_LABELS: Record<MediationOutcome, string> = {
  declined: '当事人不同意调解，未予调解',
  terminated: '调解不成，已终止调解并告知仲裁、行政、司法途径',
  performed: '达成调解协议并已履行完毕',
  performance_failed: '调解协议未履行',
};

function decide(command: FollowMediation, state: MediationReferralState): MediationReferralEvent[] {
  const d = command.data;
  const base: Base = { gridCaseId: d.gridCaseId, mediationCaseId: d.mediationCaseId, committeeId: d.committeeId, at: d.at };
  if (state.status === 'none') return d.step === 'DisputeRegistered' ? [{ type: 'MediationCaseLinked', data: base }] : [];
  if (state.mediationCaseId !== d.mediationCaseId) return [];
  const ended = state.outcome !== undefined;
  switch (d.step) {
    case 'AgreementTookEffect':
      return state.status === 'mediating' ? [{ type: 'MediationSettled', data: base }] : [];
    case 'PerformanceRecorded':
      return d.complete === true && !ended ? [{ type: 'MediationEnded', data: { ...base, outcome: 'performed' } }] : [];
    case 'PerformanceFailed':
      return !ended
        ? [{ type: 'MediationEnded', data: { ...base, outcome: 'performance_failed', ...(d.routesTold ? { routesTold: d.routesTold } : {}) } }]
        : [];
    case 'MediationDeclined':
      return !ended ? [{ type: 'MediationEnded', data: { ...base, outcome: 'declined' } }] : [];
    case 'MediationTerminated':
      return !ended ? [{ type: 'MediationEnded', data: { ...base, outcome: 'terminated', ...(d.routesTold ? { routesTold: d.routesTold } : {}) } }] : [];
    case 'CaseTransferred':
      return state.committeeId !== d.committeeId ? [{ type: 'MediationTransferredUp', data: base }] : [];
    case 'RiskReportedToPolice':
      return [{ type: 'MediationRiskReported', data: { ...base, riskKind: d.riskKind ?? 'public_order', policeUnitId: d.policeUnitId ?? '' } }];
    default:
      return [];
  }
}

/** Never throws; an event that does not fit leaves the state as it is. */
export function evolveMediationReferral(state: MediationReferralState, event: MediationReferralEvent): MediationReferralState {
  const d = event.data;
  if (state.status === 'none') {
    return event.type === 'MediationCaseLinked'
      ? {
          status: 'mediating',
          gridCaseId: d.gridCaseId,
          mediationCaseId: d.mediationCaseId,
          committeeId: d.committeeId,
          linkedAt: d.at,
          riskReports: 0,
          transfers: 0,
          updatedAt: d.at,
        }
      : state;
  }
  switch (event.type) {
    case 'MediationCaseLinked':
      return state;
    case 'MediationSettled':
      return { ...state, status: 'settled', updatedAt: d.at };
    case 'MediationEnded':
      return {
        ...state,
        status: 'ended',
        outcome: event.data.outcome,
        ...(event.data.routesTold ? { routesTold: event.data.routesTold } : {}),
        updatedAt: d.at,
      };
    case 'MediationTransferredUp':
      return { ...state, committeeId: d.committeeId, transfers: state.transfers + 1, updatedAt: d.at };
    case 'MediationRiskReported':
      return { ...state, riskReports: state.riskReports + 1, updatedAt: d.at };
    default: {
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
}

export const mediationReferralDecider: Decider<MediationReferralState, FollowMediation, MediationReferralEvent> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve: evolveMediationReferral,
};
