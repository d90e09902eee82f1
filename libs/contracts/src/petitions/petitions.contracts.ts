import { ContractDefinition, defineContract } from '../integration-event';
import { arr, Infer, isoTime, nullable, num, obj, oneOf, optional, str } from '../schema/schema';
import { topics } from '../topics';

/**
 * Integration events of petitions (topic petitions.petition.events.v1, key = petition id): one
 * CloudEvent type per petition event, sharing one schema. No personal data of petitioners ever
 * leaves the petitions context: no names, ID numbers, contacts, nor the petition's text.
 */
export const PETITION_EVENTS = {
  PetitionRegistered: ['registered', '登记信访事项'],
  PetitionNotAccepted: ['not-accepted', '不予受理'],
  PetitionTransferred: ['transferred', '转送'],
  PetitionAssigned: ['assigned', '交办'],
  RoutingObjected: ['routing-objected', '提出异议'],
  RoutingObjectionAgreed: ['routing-objection-agreed', '异议成立，退回'],
  RoutingObjectionOverruled: ['routing-objection-overruled', '异议不成立'],
  AcceptanceNotified: ['acceptance-notified', '告知受理'],
  HandlingStarted: ['handling-started', '开始办理'],
  HandlingExtended: ['handling-extended', '延长办理期限'],
  HearingStarted: ['hearing-started', '举行听证'],
  HearingEnded: ['hearing-ended', '听证结束'],
  SettlementRecorded: ['settlement-recorded', '调解或和解'],
  OpinionIssued: ['opinion-issued', '出具处理意见'],
  OpinionDelivered: ['opinion-delivered', '送达处理意见'],
  PetitionClosed: ['closed', '办结'],
  ReviewRequested: ['review-requested', '申请复查'],
  ReviewStarted: ['review-started', '开始复查'],
  ReviewDecided: ['review-decided', '出具复查意见'],
  ReviewDecisionDelivered: ['review-decision-delivered', '送达复查意见'],
  ReReviewRequested: ['re-review-requested', '申请复核'],
  ReReviewStarted: ['re-review-started', '开始复核'],
  ReReviewDecided: ['re-review-decided', '复核终结'],
  PetitionSupervised: ['supervised', '督办'],
  DeadlineWarned: ['deadline-warned', '期限预警'],
  DeadlineBreached: ['deadline-breached', '期限超期'],
} as const;
export type PetitionEventName = keyof typeof PETITION_EVENTS;

export const PETITION_CHANNELS_V1 = ['online', 'letter', 'phone', 'fax', 'visit'] as const;

const petitionEvent = obj({
  petitionId: str({ min: 1 }),
  event: oneOf(Object.keys(PETITION_EVENTS) as PetitionEventName[]),
  jurisdiction: arr(str({ min: 1 }), { max: 20 }),
  at: isoTime(),
  actor: obj({ userId: str({ min: 1 }), role: str({ min: 1 }), unitId: str({ min: 1 }) }),
  /** status after the event; null when the event does not change it (a clock, a hearing, supervision) */
  status: nullable(str({ min: 1 })),
  /** the articles applied, e.g. 信访工作条例§22 */
  legalBasis: nullable(str()),
  /** the unit the event names: receiving, routed to, handling, reviewing, supervising */
  unitId: nullable(str()),
  channel: optional(oneOf(PETITION_CHANNELS_V1)),
  /** a clock the event starts, moves, warns or breaches */
  deadline: optional(obj({ kind: str({ min: 1 }), ruleId: str({ min: 1 }), dueAt: isoTime(), legalBasis: nullable(str()) })),
  /** opinion, review outcome, or grounds of a refusal */
  outcome: optional(str({ max: 64 })),
  /** a related petition (the repeat's original) */
  relatedPetitionId: optional(str()),
  groupVisit: optional(obj({ visitors: num({ int: true, min: 2 }), representatives: num({ int: true, min: 1, max: 5 }) })),
});
export type PetitionEventData = Infer<typeof petitionEvent>;

export const petitionsContracts: Record<PetitionEventName, ContractDefinition<PetitionEventData>> = Object.fromEntries(
  Object.entries(PETITION_EVENTS).map(([name, [slug, label]]) => [
    name,
    defineContract({ type: `cn.fengqiao.petitions.petition.${slug}.v1`, topic: topics.petitionsPetition, schema: petitionEvent, label }),
  ]),
) as Record<PetitionEventName, ContractDefinition<PetitionEventData>>;

/** Where a petition came from: a grid case referred to petitions, a reception point, the online form. */
const sourceRecorded = obj({
  petitionId: str({ min: 1 }),
  at: isoTime(),
  jurisdiction: arr(str({ min: 1 }), { max: 20 }),
  source: oneOf(['office', 'online_form', 'grid_case', 'reception'] as const),
  gridCaseId: optional(str({ min: 1 })),
  receptionPointId: optional(str({ min: 1 })),
  receptionDayId: optional(str({ min: 1 })),
});
export type PetitionSourceRecordedV1Data = Infer<typeof sourceRecorded>;
export const PetitionSourceRecordedV1 = defineContract({
  type: 'cn.fengqiao.petitions.petition.source-recorded.v1',
  topic: topics.petitionsPetition,
  schema: sourceRecorded,
  label: '信访事项来源',
});
