import { ContractDefinition, defineContract } from '../integration-event';
import { arr, bool, Infer, isoTime, num, obj, oneOf, optional, str } from '../schema/schema';
import { topics } from '../topics';

/**
 * Integration events of the mediation context (topic mediation.case.events.v1, key = mediation
 * case id): what other contexts need to follow a people's-mediation case (DESIGN §2 journey 2,
 * §5.2) without its parties' personal data. The grid case a referral came from is named on
 * `registered` (`gridCaseId`); a consumer that links the two keeps that link (per-case order on
 * the topic brings `registered` first). Outcomes others act on: `agreement-took-effect`,
 * `performance-recorded` (`complete`), `performance-failed`, `terminated`, `declined`,
 * `transferred` (referred up to a town or district centre or an industry committee),
 * `risk-reported` (§25: the police station and the grid are told), `archived`.
 */
export const MEDIATION_CASE_EVENTS = {
  DisputeRegistered: ['registered', '登记调解'],
  ConsentRequested: ['consent-requested', '征求当事人意见'],
  ConsentGiven: ['consent-given', '当事人同意调解'],
  ConsentRefused: ['consent-refused', '当事人拒绝调解'],
  MediationAccepted: ['accepted', '受理调解'],
  MediationDeclined: ['declined', '不予调解'],
  RightsNotified: ['rights-notified', '告知权利义务'],
  MediatorAssigned: ['mediator-assigned', '指定调解员'],
  MediatorRecused: ['mediator-recused', '调解员回避'],
  SessionRecorded: ['session-recorded', '调解记录'],
  RiskReportedToPolice: ['risk-reported', '报告纠纷激化风险'],
  MediationExtended: ['extended', '延长调解期限'],
  AgreementReached: ['agreement-reached', '达成调解协议'],
  AgreementTookEffect: ['agreement-took-effect', '调解协议生效'],
  MediationTerminated: ['terminated', '终止调解'],
  PerformanceRecorded: ['performance-recorded', '记录履行情况'],
  PerformanceFailed: ['performance-failed', '协议未履行'],
  JudicialConfirmationFiled: ['judicial-confirmation-filed', '申请司法确认'],
  JudicialConfirmationDecided: ['judicial-confirmation-decided', '司法确认结果'],
  MediationResumed: ['resumed', '重新调解'],
  FollowUpVisited: ['follow-up-visited', '回访'],
  CaseTransferred: ['transferred', '移交上级调解组织'],
  CaseArchived: ['archived', '卷宗归档'],
  DeadlineWarned: ['deadline-warned', '调解期限预警'],
  DeadlineBreached: ['deadline-breached', '调解期限超期'],
} as const;
export type MediationCaseEventName = keyof typeof MEDIATION_CASE_EVENTS;

export const COMMITTEE_LEVELS = ['village', 'town', 'district', 'industry'] as const;
export const MEDIATION_SOURCES = ['application', 'own_initiative', 'entrusted', 'referred_from_grid_case'] as const;

const actor = obj({ userId: str({ min: 1 }), role: str({ min: 1 }), unitId: str({ min: 1 }) });

const mediationCaseEvent = obj({
  caseId: str({ min: 1 }),
  event: oneOf(Object.keys(MEDIATION_CASE_EVENTS) as MediationCaseEventName[]),
  /** unit path of the committee holding the case after the event (district → … → committee) */
  jurisdiction: arr(str({ min: 1 }), { max: 10 }),
  at: isoTime(),
  actor,
  /** the committee holding the case after the event */
  committeeId: str({ min: 1 }),
  /** registered: where the dispute came from, and the grid case it was referred from */
  source: optional(oneOf(MEDIATION_SOURCES)),
  gridCaseId: optional(str({ min: 1 })),
  committeeLevel: optional(oneOf(COMMITTEE_LEVELS)),
  category: optional(str({ min: 1 })),
  partyCount: optional(num({ int: true, min: 2 })),
  /** transferred: the committee that gave the case up */
  fromCommitteeId: optional(str({ min: 1 })),
  /** declined / terminated / recused: the grounds (a code) */
  grounds: optional(str({ min: 1 })),
  /** terminated: routes the parties were told of (人民调解法 §26); performance-failed: litigation or enforcement */
  routesTold: optional(arr(str({ min: 1 }), { max: 5 })),
  /** agreement-reached */
  agreementForm: optional(oneOf(['written', 'oral'] as const)),
  /** performance-recorded: performed in full */
  complete: optional(bool()),
  /** judicial-confirmation-decided */
  confirmed: optional(bool()),
  /** risk-reported: kind of risk and the police station told (§25) */
  riskKind: optional(oneOf(['public_order', 'criminal'] as const)),
  policeUnitId: optional(str({ min: 1 })),
  /** accepted / extended / agreement-took-effect / deadline-*: the deadline that runs and when it falls due */
  deadlineRuleId: optional(str({ min: 1 })),
  dueAt: optional(isoTime()),
  /** free text of staff (measures taken, a reason), never parties' personal data */
  text: optional(str({ max: 4000 })),
});
export type MediationCaseEventData = Infer<typeof mediationCaseEvent>;

export const mediationContracts: Record<MediationCaseEventName, ContractDefinition<MediationCaseEventData>> = Object.fromEntries(
  Object.entries(MEDIATION_CASE_EVENTS).map(([name, [slug, label]]) => [
    name,
    defineContract({ type: `cn.fengqiao.mediation.case.${slug}.v1`, topic: topics.mediationCase, schema: mediationCaseEvent, label }),
  ]),
) as Record<MediationCaseEventName, ContractDefinition<MediationCaseEventData>>;

/** The contract name of a mediation integration event type, or undefined. */
export function mediationEventNameOf(type: string): MediationCaseEventName | undefined {
  for (const [name, def] of Object.entries(mediationContracts)) if (def.type === type) return name as MediationCaseEventName;
  return undefined;
}
