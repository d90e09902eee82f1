import {
  CN_NATIONAL_CALENDAR,
  computeDeadline,
  Deadline,
  DeadlineRule,
  Decider,
  DomainError,
  IllegalStateError,
  isBreached,
  isWarningDue,
  NotFoundError,
  parseInstant,
  ValidationError,
  WorkingCalendar,
  assertNever,
  workingMinutesBetween,
  workingPeriodsOf,
} from '@fengqiao/kernel';
import { AuditStamp, auditStamp } from '../audit';
import {
  AssignPetition,
  BreachPetitionDeadline,
  ClosePetition,
  DecideReReview,
  DecideReview,
  DeliverOpinion,
  DeliverReviewDecision,
  DirectToLegalProcedure,
  EndHearing,
  ExtendHandling,
  IssueOpinion,
  LEGAL_PROCEDURES,
  LegalProcedure,
  NotifyAcceptance,
  ObjectToRouting,
  OpinionOutcome,
  PETITION_CHANNELS,
  PetitionCommand,
  PetitionCommandType,
  PetitionDeadlineKind,
  RecordSettlement,
  RedirectPetitioner,
  RegisterPetition,
  RejectAsRepeat,
  RequestReReview,
  RequestReview,
  ReviewDecisionData,
  RuleOnObjection,
  StartHandling,
  StartHearing,
  StartReReview,
  StartReview,
  SupervisePetition,
  TransferPetition,
  WarnPetitionDeadline,
} from './petition.commands';
import { PetitionEvent } from './petition.events';
import { isWindowKind, revisePetitionDeadlines, reviseWindow, trackRevised } from './petition.revision';
import { defaultPetitionRules, PETITION_LEGAL_BASIS as LB, PetitionRules, validatePetitionRules } from './petition.rules';
import {
  PETITION_STATUS_LABELS,
  PetitionState,
  PetitionStatus,
  RegisteredPetition,
  TrackedDeadline,
} from './petition.state';

/** Pure dependencies of the petition decider: deadline rules (configuration) and a working calendar (data). */
export interface PetitionDeciderDeps {
  rules: PetitionRules;
  calendar: WorkingCalendar;
}

export type PetitionDecider = Decider<PetitionState, PetitionCommand, PetitionEvent>;

/** Stream of one petition: `petition-<petitionId>`. */
export function toPetitionStreamId(petitionId: string): string {
  if (petitionId.trim() === '') {
    throw new ValidationError('PETITION.FIELD_REQUIRED', '信访事项编号不能为空', { field: 'petitionId' });
  }
  return `petition-${petitionId}`;
}

export function initialPetitionState(): PetitionState {
  return { status: 'none' };
}

/**
 * Builds the `Petition` decider (DESIGN §5.3, 信访工作条例 2022). Pure: time, ids and the actor come
 * from the command; deadlines are computed with the kernel's `computeDeadline` on the injected
 * calendar and recorded whole on the events, so `evolve` never recomputes them.
 */
export function createPetitionDecider(deps: PetitionDeciderDeps): PetitionDecider {
  validatePetitionRules(deps.rules);
  return {
    initialState: initialPetitionState,
    decide: (command, state) => decidePetition(command, state, deps),
    evolve: evolvePetition,
  };
}

/**
 * The decider with the default rules on the national calendar (CN_NATIONAL_CALENDAR). A region
 * with its own calendar or local rules builds its own with `createPetitionDecider`.
 */
export const petitionDecider: PetitionDecider = createPetitionDecider({
  rules: defaultPetitionRules,
  calendar: CN_NATIONAL_CALENDAR,
});

// ---------------------------------------------------------------------------------------------
// decide

type StateOf<K extends PetitionStatus> = Extract<PetitionState, { status: K }>;

const COMMAND_LABELS: Record<PetitionCommandType, string> = {
  RegisterPetition: '登记信访事项',
  TransferPetition: '转送',
  AssignPetition: '交办',
  ObjectToRouting: '提出异议',
  RuleOnObjection: '核实异议',
  NotifyAcceptance: '告知受理',
  RedirectPetitioner: '告知向有权机关提出',
  DirectToLegalProcedure: '导入法定途径',
  RejectAsRepeat: '按重复信访不予受理',
  StartHandling: '开始办理',
  ExtendHandling: '延长办理期限',
  StartHearing: '举行听证',
  EndHearing: '结束听证',
  RecordSettlement: '记录调解或和解',
  IssueOpinion: '出具信访处理意见书',
  DeliverOpinion: '送达处理意见',
  ClosePetition: '办结',
  RequestReview: '申请复查',
  StartReview: '开始复查',
  DecideReview: '出具复查意见',
  DeliverReviewDecision: '送达复查意见',
  RequestReReview: '申请复核',
  StartReReview: '开始复核',
  DecideReReview: '出具复核意见',
  SupervisePetition: '督办',
  WarnDeadline: '期限预警',
  BreachDeadline: '期限超期',
  ReviseDeadline: '按新日历修订期限',
};

const ACTIVE: readonly Exclude<PetitionStatus, 'none' | 'closed' | 'terminated' | 'not_accepted'>[] = [
  'registered',
  'routed',
  'acceptance_notified',
  'handling',
  'opinion_issued',
  'delivered',
  'review_requested',
  'reviewing',
  'review_decided',
  're_review_requested',
  're_reviewing',
];

const joinBases = (...bases: (string | false)[]): string => bases.filter((b): b is string => b !== false).join(';');

function decidePetition(command: PetitionCommand, state: PetitionState, deps: PetitionDeciderDeps): PetitionEvent[] {
  const stamp = auditStamp(command.meta);
  switch (command.type) {
    case 'RegisterPetition':
      return registerPetition(command, state, stamp, deps);
    case 'TransferPetition':
      return transferPetition(command, state, stamp, deps);
    case 'AssignPetition':
      return assignPetition(command, state, stamp, deps);
    case 'ObjectToRouting':
      return objectToRouting(command, state, stamp);
    case 'RuleOnObjection':
      return ruleOnObjection(command, state, stamp);
    case 'NotifyAcceptance':
      return notifyAcceptance(command, state, stamp, deps);
    case 'RedirectPetitioner':
      return redirectPetitioner(command, state, stamp);
    case 'DirectToLegalProcedure':
      return directToLegalProcedure(command, state, stamp);
    case 'RejectAsRepeat':
      return rejectAsRepeat(command, state, stamp);
    case 'StartHandling':
      return startHandling(command, state, stamp);
    case 'ExtendHandling':
      return extendHandling(command, state, stamp, deps);
    case 'StartHearing':
      return startHearing(command, state, stamp);
    case 'EndHearing':
      return endHearing(command, state, stamp, deps);
    case 'RecordSettlement':
      return recordSettlement(command, state, stamp);
    case 'IssueOpinion':
      return issueOpinion(command, state, stamp);
    case 'DeliverOpinion':
      return deliverOpinion(command, state, stamp, deps);
    case 'ClosePetition':
      return closePetition(command, state, stamp);
    case 'RequestReview':
      return requestReview(command, state, stamp, deps);
    case 'StartReview':
      return startReview(command, state, stamp);
    case 'DecideReview':
      return decideReview(command, state, stamp);
    case 'DeliverReviewDecision':
      return deliverReviewDecision(command, state, stamp, deps);
    case 'RequestReReview':
      return requestReReview(command, state, stamp, deps);
    case 'StartReReview':
      return startReReview(command, state, stamp);
    case 'DecideReReview':
      return decideReReview(command, state, stamp);
    case 'SupervisePetition':
      return supervisePetition(command, state, stamp);
    case 'WarnDeadline':
      return warnDeadline(command, state, stamp);
    case 'BreachDeadline':
      return breachDeadline(command, state, stamp);
    case 'ReviseDeadline':
      return revisePetitionDeadlines(state, deps.calendar, stamp, isRunning);
    default:
      return assertNever(command, 'petition command');
  }
}

function notFound(command: PetitionCommandType): never {
  throw new NotFoundError('PETITION.NOT_FOUND', '信访事项不存在或尚未登记', { command });
}

function expectStatus<K extends PetitionStatus>(
  state: PetitionState,
  command: PetitionCommandType,
  allowed: readonly K[],
): StateOf<K> {
  if ((allowed as readonly PetitionStatus[]).includes(state.status)) return state as StateOf<K>;
  if (state.status === 'none') notFound(command);
  throw new IllegalStateError(
    'PETITION.INVALID_STATE',
    `信访事项当前状态为“${PETITION_STATUS_LABELS[state.status]}”，不能${COMMAND_LABELS[command]}`,
    { command, status: state.status, allowed: [...allowed] },
  );
}

function required(value: string | undefined, field: string, label: string): void {
  if (value === undefined || value.trim() === '') {
    throw new ValidationError('PETITION.FIELD_REQUIRED', `${label}不能为空`, { field });
  }
}

function requireList(list: readonly string[], field: string, label: string): void {
  if (list.length === 0) throw new ValidationError('PETITION.FIELD_REQUIRED', `${label}不能为空`, { field });
  if (new Set(list).size !== list.length) {
    throw new ValidationError('PETITION.DUPLICATE_ENTRY', `${label}有重复`, { field });
  }
}

function requireReason(stamp: AuditStamp, command: PetitionCommandType): void {
  if (stamp.reason === undefined) {
    throw new ValidationError('PETITION.REASON_REQUIRED', `${COMMAND_LABELS[command]}须说明理由`, { command });
  }
}

/** An instant given on a command: a valid ISO instant, not after `now`, not before `notBefore`. */
function requireInstant(value: string, field: string, stamp: AuditStamp, notBefore?: { at: string; what: string }): number {
  const ms = parseInstant(value);
  if (ms > parseInstant(stamp.occurredAt)) {
    throw new ValidationError('PETITION.TIME_IN_FUTURE', `${field} 不能晚于当前时间`, { field, value, now: stamp.occurredAt });
  }
  if (notBefore && ms < parseInstant(notBefore.at)) {
    throw new ValidationError('PETITION.TIME_BEFORE_PREVIOUS_STEP', `${field} 不能早于${notBefore.what}`, {
      field,
      value,
      notBefore: notBefore.at,
    });
  }
  return ms;
}

/** The rule a recorded deadline was computed with, lengthened by `more` units. */
function lengthened(deadline: Deadline, more: number, warnBefore: number | undefined): DeadlineRule {
  return {
    ruleId: deadline.ruleId,
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
    duration: deadline.duration + more,
    unit: deadline.unit,
    ...(warnBefore !== undefined ? { warnBefore } : {}),
  };
}

function registerPetition(
  command: RegisterPetition,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  if (state.status !== 'none') {
    throw new DomainError('PETITION.ALREADY_REGISTERED', '该信访事项已登记', 'conflict', { petitionId: state.petitionId });
  }
  const d = command.data;
  required(d.petitionId, 'petitionId', '信访事项编号');
  required(d.receivingUnitId, 'receivingUnitId', '收件单位');
  required(d.summary, 'summary', '信访事项内容');
  if (!PETITION_CHANNELS.includes(d.channel)) {
    throw new ValidationError('PETITION.INVALID_CHANNEL', `信访形式无效：${String(d.channel)}（应为网络、书信、电话、传真、走访）`, {
      channel: d.channel,
    });
  }
  requireList(d.petitionerIds, 'petitionerIds', '信访人');
  requireInstant(d.receivedAt, 'receivedAt', stamp);
  if (d.form === 'oral' && (d.recordRef === undefined || d.recordRef.trim() === '')) {
    throw new ValidationError('PETITION.ORAL_RECORD_REQUIRED', '口头提出的信访事项应当如实记录（信访工作条例第十九条）', {
      form: d.form,
    });
  }
  if (d.groupVisit !== undefined) {
    const { visitorCount, representativeIds } = d.groupVisit;
    if (d.channel !== 'visit') {
      throw new ValidationError('PETITION.GROUP_VISIT_CHANNEL', '推选代表只适用于多人走访', { channel: d.channel });
    }
    requireList(representativeIds, 'groupVisit.representativeIds', '走访代表');
    if (representativeIds.length > 5) {
      throw new ValidationError(
        'PETITION.TOO_MANY_REPRESENTATIVES',
        `多人走访应当推选代表，代表人数不得超过5人（信访工作条例第二十条），现为${representativeIds.length}人`,
        { representatives: representativeIds.length, max: 5 },
      );
    }
    const notPetitioners = representativeIds.filter((id) => !d.petitionerIds.includes(id));
    if (notPetitioners.length > 0) {
      throw new ValidationError('PETITION.UNKNOWN_PETITIONER', `走访代表须为信访人：${notPetitioners.join('、')}`, {
        notPetitioners,
      });
    }
    if (!(Number.isInteger(visitorCount) && visitorCount >= 2 && visitorCount >= representativeIds.length)) {
      throw new ValidationError('PETITION.INVALID_GROUP_VISIT', '多人走访的来访人数须为不少于代表人数的整数（至少2人）', {
        visitorCount,
      });
    }
  }
  if (d.relatedMatter !== undefined) required(d.relatedMatter.petitionId, 'relatedMatter.petitionId', '相关信访事项编号');

  const relation = d.relatedMatter?.relation;
  const refused = relation === 'being_handled_lower_level' || relation === 'concluded_by_re_review';
  // Clocks start only for a matter that goes on; a refused one is closed by the next event.
  const deadlines = refused
    ? {}
    : d.receiverKind === 'petition_office'
      ? { routingDeadline: computeDeadline(deps.rules.routing, d.receivedAt, deps.calendar) }
      : { acceptanceNoticeDeadline: computeDeadline(deps.rules.acceptanceNotice, d.receivedAt, deps.calendar) };
  const registered: PetitionEvent = {
    type: 'PetitionRegistered',
    data: {
      petitionId: d.petitionId,
      channel: d.channel,
      receivedAt: d.receivedAt,
      receivingUnitId: d.receivingUnitId,
      receiverKind: d.receiverKind,
      petitionerIds: d.petitionerIds,
      summary: d.summary,
      ...(d.category !== undefined ? { category: d.category } : {}),
      form: d.form,
      ...(d.recordRef !== undefined ? { recordRef: d.recordRef } : {}),
      ...(d.groupVisit !== undefined ? { groupVisit: d.groupVisit } : {}),
      ...(d.relatedMatter !== undefined ? { relatedMatter: d.relatedMatter } : {}),
      ...deadlines,
      ...stamp,
    },
    legalBasis: joinBases(
      LB.channels,
      d.receiverKind === 'petition_office' ? LB.routing : LB.acceptance,
      (d.form === 'oral' || d.relatedMatter !== undefined) && LB.formAndRepeat,
      d.groupVisit !== undefined && LB.visits,
    ),
  };
  if (!refused || d.relatedMatter === undefined) return [registered];
  const repeat = relation === 'being_handled_lower_level';
  return [
    registered,
    {
      type: 'PetitionNotAccepted',
      data: {
        petitionId: d.petitionId,
        grounds: repeat ? 'repeat_to_higher_level' : 'same_facts_after_re_review',
        relatedPetitionId: d.relatedMatter.petitionId,
        ...stamp,
      },
      legalBasis: repeat ? LB.formAndRepeat : LB.reReview,
    },
  ];
}

/**
 * The §23 clocks of the receiving body run from when it got the matter: `receivedAt` on the
 * command (a transfer by post arrives days later), else the routing time.
 */
function routingDeadlines(receivedAt: string, deps: PetitionDeciderDeps): { acceptanceNoticeDeadline: Deadline; objectionWindow: Deadline } {
  return {
    acceptanceNoticeDeadline: computeDeadline(deps.rules.acceptanceNotice, receivedAt, deps.calendar),
    objectionWindow: computeDeadline(deps.rules.objectionWindow, receivedAt, deps.calendar),
  };
}

/**
 * The receipt instant of a routed petition: not before the petition itself was received, and at
 * most 30 days after the routing was recorded (a receipt date is a fact, not a plan).
 */
function receiptOf(receivedAt: string | undefined, s: RegisteredPetition, stamp: AuditStamp): { at: string; field: { receivedAt?: string } } {
  if (receivedAt === undefined) return { at: stamp.occurredAt, field: {} };
  let t: number;
  try {
    t = parseInstant(receivedAt);
  } catch {
    throw new ValidationError('PETITION.INVALID_RECEIPT_TIME', `收到时间格式无效：${receivedAt}`, { receivedAt });
  }
  if (t < parseInstant(s.receivedAt) || t > parseInstant(stamp.occurredAt) + 30 * 86_400_000) {
    throw new ValidationError('PETITION.INVALID_RECEIPT_TIME', `收到时间 ${receivedAt} 须在信访事项收到之后、转送交办记录后 30 日以内`, {
      receivedAt,
      routedAt: stamp.occurredAt,
    });
  }
  return { at: receivedAt, field: { receivedAt } };
}

function routingBasis(s: RegisteredPetition): string {
  return s.receiverKind === 'petition_office' ? LB.routing : LB.acceptance;
}

function transferPetition(
  command: TransferPetition,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['registered']);
  const { toUnitId, route } = command.data;
  required(toUnitId, 'toUnitId', '接收单位');
  if (toUnitId === s.receivingUnitId) {
    throw new ValidationError('PETITION.SAME_UNIT', '不能转送给本单位', { toUnitId });
  }
  const receipt = receiptOf(command.data.receivedAt, s, stamp);
  // 政法 and 纪检监察 routes notify and handle under their own rules (§22 ¶2, §23 ¶4)
  const clocks = route === 'competent_body' ? routingDeadlines(receipt.at, deps) : {};
  return [
    {
      type: 'PetitionTransferred',
      data: { petitionId: s.petitionId, toUnitId, route, ...receipt.field, ...clocks, ...stamp },
      legalBasis: routingBasis(s),
    },
  ];
}

function assignPetition(
  command: AssignPetition,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['registered']);
  const { toUnitId, reportWithin } = command.data;
  required(toUnitId, 'toUnitId', '承办单位');
  if (toUnitId === s.receivingUnitId) {
    throw new ValidationError('PETITION.SAME_UNIT', '不能交办给本单位', { toUnitId });
  }
  if (!(Number.isInteger(reportWithin) && reportWithin > 0)) {
    throw new ValidationError('PETITION.INVALID_REPORT_DEADLINE', '交办的办理期限须为正整数', { reportWithin });
  }
  const receipt = receiptOf(command.data.receivedAt, s, stamp);
  const reportDeadline = computeDeadline(
    { ruleId: 'petition.assignment_report', legalBasis: LB.routing, duration: reportWithin, unit: deps.rules.assignmentReportUnit },
    stamp.occurredAt,
    deps.calendar,
  );
  return [
    {
      type: 'PetitionAssigned',
      data: { petitionId: s.petitionId, toUnitId, ...receipt.field, reportDeadline, ...routingDeadlines(receipt.at, deps), ...stamp },
      legalBasis: routingBasis(s),
    },
  ];
}

function objectToRouting(command: ObjectToRouting, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['routed']);
  const { routing } = s;
  if (routing.objectionWindow === undefined) {
    throw new IllegalStateError('PETITION.OBJECTION_NOT_APPLICABLE', '转政法、纪检监察机关的事项不适用异议程序', {
      route: routing.route,
    });
  }
  if (routing.objection !== undefined) {
    throw new IllegalStateError('PETITION.OBJECTION_ALREADY_RAISED', '已对本次转送、交办提出过异议', {
      objection: routing.objection.status,
    });
  }
  requireReason(stamp, command.type);
  const window = routing.objectionWindow;
  if (isBreached(window, stamp.occurredAt)) {
    throw new IllegalStateError(
      'PETITION.OBJECTION_WINDOW_CLOSED',
      `应当自收到之日起5个工作日内提出异议，期限已于${window.lastDay ?? window.dueAt}届满`,
      { dueAt: window.dueAt, lastDay: window.lastDay, legalBasis: window.legalBasis },
    );
  }
  return [
    {
      type: 'RoutingObjected',
      data: { petitionId: s.petitionId, unitId: routing.toUnitId, objectionWindowDueAt: window.dueAt, ...stamp },
      legalBasis: LB.acceptance,
    },
  ];
}

function ruleOnObjection(command: RuleOnObjection, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['routed']);
  if (s.routing.objection?.status !== 'pending') {
    throw new IllegalStateError('PETITION.NO_PENDING_OBJECTION', '没有待核实的异议', {});
  }
  return command.data.agreed
    ? [
        {
          type: 'RoutingObjectionAgreed',
          data: { petitionId: s.petitionId, returnedFromUnitId: s.routing.toUnitId, ...stamp },
          legalBasis: LB.acceptance,
        },
      ]
    : [
        {
          type: 'RoutingObjectionOverruled',
          data: { petitionId: s.petitionId, unitId: s.routing.toUnitId, ...stamp },
          legalBasis: LB.acceptance,
        },
      ];
}

function notifyAcceptance(
  command: NotifyAcceptance,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['registered', 'routed']);
  if (s.status === 'registered' && s.receiverKind === 'petition_office') {
    throw new IllegalStateError('PETITION.ROUTING_REQUIRED', '信访部门收到的事项应先转送或交办有权处理的机关、单位', {});
  }
  if (s.status === 'routed' && s.routing.objection?.status === 'pending') {
    throw new IllegalStateError('PETITION.OBJECTION_PENDING', '异议尚待核实，不能告知受理', {});
  }
  required(command.data.noticeRef, 'noticeRef', '书面告知');
  // §34's 60 days for the matters it covers; a category configured otherwise uses its own rule, which names its basis
  const rule = (s.category !== undefined ? deps.rules.handlingByCategory?.[s.category] : undefined) ?? deps.rules.handling;
  const handlingDeadline = computeDeadline(rule, stamp.occurredAt, deps.calendar);
  return [
    {
      type: 'AcceptanceNotified',
      data: {
        petitionId: s.petitionId,
        handlingUnitId: s.status === 'routed' ? s.routing.toUnitId : s.receivingUnitId,
        noticeRef: command.data.noticeRef,
        handlingDeadline,
        ...stamp,
      },
      legalBasis: joinBases(LB.acceptance, rule.legalBasis ?? LB.handling),
    },
  ];
}

function redirectPetitioner(command: RedirectPetitioner, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['registered']);
  if (s.receiverKind === 'petition_office') {
    throw new IllegalStateError('PETITION.ROUTING_REQUIRED', '信访部门收到的事项应当转送有权处理的机关、单位', {});
  }
  required(command.data.toldToApplyTo, 'toldToApplyTo', '告知的有权处理机关');
  return [
    {
      type: 'PetitionNotAccepted',
      data: { petitionId: s.petitionId, grounds: 'outside_competence', toldToApplyTo: command.data.toldToApplyTo, ...stamp },
      legalBasis: LB.acceptance,
    },
  ];
}

const PROCEDURE_LABELS: Record<LegalProcedure, string> = {
  litigation: '诉讼',
  arbitration: '仲裁',
  administrative_review: '行政复议',
  other_statutory: '其他法定程序',
};

/** §31 (1)–(4): the matter goes into its own legal procedure; the petitioner is told which body to apply to. */
function directToLegalProcedure(command: DirectToLegalProcedure, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['registered', 'routed']);
  if (s.status === 'routed' && s.routing.objection?.status === 'pending') {
    throw new IllegalStateError('PETITION.OBJECTION_PENDING', '异议尚待核实，不能导入法定途径', {});
  }
  const { procedure, body } = command.data;
  if (!LEGAL_PROCEDURES.includes(procedure)) {
    throw new ValidationError('PETITION.INVALID_PROCEDURE', `法定途径无效：${String(procedure)}（应为${Object.values(PROCEDURE_LABELS).join('、')}）`, {
      field: 'procedure',
    });
  }
  required(body, 'body', '受理机关');
  return [
    {
      type: 'PetitionNotAccepted',
      data: { petitionId: s.petitionId, grounds: 'legal_procedure', procedure, toldToApplyTo: body, ...stamp },
      legalBasis: LB.legalProcedure,
    },
  ];
}

function rejectAsRepeat(command: RejectAsRepeat, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['registered', 'routed']);
  required(command.data.relatedPetitionId, 'relatedPetitionId', '正在办理的同一信访事项');
  return [
    {
      type: 'PetitionNotAccepted',
      data: {
        petitionId: s.petitionId,
        grounds: 'repeat_to_higher_level',
        relatedPetitionId: command.data.relatedPetitionId,
        ...stamp,
      },
      legalBasis: LB.formAndRepeat,
    },
  ];
}

function startHandling(command: StartHandling, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['acceptance_notified']);
  requireList(command.data.handlerIds, 'handlerIds', '承办人');
  return [{ type: 'HandlingStarted', data: { petitionId: s.petitionId, handlerIds: command.data.handlerIds, ...stamp } }];
}

function trackedOrFail(s: RegisteredPetition, kind: PetitionDeadlineKind): TrackedDeadline {
  const tracked = s.deadlines[kind];
  if (tracked === undefined) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_ACTIVE', '该期限未在计时', { kind });
  }
  return tracked;
}

function extendHandling(
  command: ExtendHandling,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling']);
  const { extendBy, approvedBy } = command.data;
  if (!(Number.isInteger(extendBy) && extendBy > 0)) {
    throw new ValidationError('PETITION.INVALID_EXTENSION', '延长期限须为正整数', { extendBy });
  }
  // §34: extensions may be granted more than once while they add up to at most 30 days
  const max = deps.rules.maxHandlingExtension;
  const already = s.extension?.extendBy ?? 0;
  if (already + extendBy > max) {
    throw new ValidationError(
      'PETITION.EXTENSION_TOO_LONG',
      already > 0 ? `已延长${already}日，累计延长不得超过${max}日（信访工作条例第三十四条）` : `延长期限不得超过${max}日（信访工作条例第三十四条）`,
      already > 0 ? { extendBy, max, alreadyExtended: already } : { extendBy, max },
    );
  }
  // an extension is granted within the handling period, not after it has run out
  const running = trackedOrFail(s, 'handling').deadline;
  if (isBreached(running, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.HANDLING_PERIOD_EXPIRED', `办理期限已于 ${running.dueAt} 届满，不能再延长（信访工作条例第三十四条）`, {
      dueAt: running.dueAt,
      now: stamp.occurredAt,
    });
  }
  required(approvedBy, 'approvedBy', '批准延期的负责人');
  requireReason(stamp, command.type);
  const current = trackedOrFail(s, 'handling').deadline;
  const handlingDeadline = computeDeadline(
    lengthened(current, extendBy, deps.rules.handling.warnBefore),
    current.startAt,
    deps.calendar,
  );
  return [
    {
      type: 'HandlingExtended',
      data: { petitionId: s.petitionId, extendBy, approvedBy, previousDueAt: current.dueAt, handlingDeadline, ...stamp },
      legalBasis: LB.handling,
    },
  ];
}

function startHearing(command: StartHearing, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling', 're_reviewing']);
  if (s.hearing !== undefined) {
    throw new IllegalStateError('PETITION.HEARING_IN_PROGRESS', '听证尚未结束', { hearingId: s.hearing.hearingId });
  }
  required(command.data.hearingId, 'hearingId', '听证编号');
  const stage = s.status === 'handling' ? 'handling' : 're_review';
  return [
    {
      type: 'HearingStarted',
      data: { petitionId: s.petitionId, hearingId: command.data.hearingId, stage, ...stamp },
      legalBasis: stage === 'handling' ? LB.hearing : LB.reReview,
    },
  ];
}

/**
 * Days a hearing actually took (§36 ¶2: hearing time is not counted), from its start and end
 * instants rather than both calendar dates: in calendar days the elapsed time rounded up to whole
 * days (a hearing from 14:00 to 10:00 the next morning is 1 day); in working days the working time
 * it spent rounded up to whole working days.
 */
function hearingDays(startedAt: string, endedAt: string, deadline: Deadline, calendar: WorkingCalendar): number {
  const from = parseInstant(startedAt);
  const to = parseInstant(endedAt);
  if (to <= from) return 0;
  if (deadline.unit !== 'working_days') return Math.ceil((to - from) / 86_400_000);
  const perDay = workingPeriodsOf(calendar).reduce((sum, p) => sum + (p.end - p.start), 0);
  return perDay > 0 ? Math.ceil(workingMinutesBetween(from, to, calendar) / perDay) : 0;
}

function endHearing(command: EndHearing, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling', 're_reviewing']);
  const { hearingId, recordRef } = command.data;
  if (s.hearing === undefined || s.hearing.hearingId !== hearingId) {
    throw new IllegalStateError('PETITION.NO_HEARING_IN_PROGRESS', '该听证未在进行', { hearingId });
  }
  required(recordRef, 'recordRef', '听证记录');
  const base = { petitionId: s.petitionId, hearingId, startedAt: s.hearing.startedAt, recordRef };
  if (s.hearing.stage === 'handling') {
    return [{ type: 'HearingEnded', data: { ...base, stage: 'handling', ...stamp }, legalBasis: LB.hearing }];
  }
  // §36 ¶2: hearing time is not counted in the 30 days of the re-review
  const current = trackedOrFail(s, 're_review').deadline;
  const excludedDays = hearingDays(s.hearing.startedAt, stamp.occurredAt, current, deps.calendar);
  const reReviewDeadline = computeDeadline(
    lengthened(current, excludedDays, deps.rules.reReview.warnBefore),
    current.startAt,
    deps.calendar,
  );
  return [
    {
      type: 'HearingEnded',
      data: { ...base, stage: 're_review', excludedDays, reReviewDeadline, ...stamp },
      legalBasis: LB.reReview,
    },
  ];
}

function recordSettlement(command: RecordSettlement, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling']);
  const { kind, consentingPartyIds, documentRef } = command.data;
  requireList(consentingPartyIds, 'consentingPartyIds', '同意调解或和解的当事人');
  required(documentRef, 'documentRef', '调解协议书或和解协议书');
  return [
    {
      type: 'SettlementRecorded',
      data: { petitionId: s.petitionId, kind, consentingPartyIds, documentRef, ...stamp },
      legalBasis: LB.settlement,
    },
  ];
}

const OUTCOMES: readonly OpinionOutcome[] = ['support', 'explain', 'not_support'];

function issueOpinion(command: IssueOpinion, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['handling']);
  if (s.hearing !== undefined) {
    throw new IllegalStateError('PETITION.HEARING_IN_PROGRESS', '听证尚未结束，不能出具处理意见', { hearingId: s.hearing.hearingId });
  }
  const d = command.data;
  if (!OUTCOMES.includes(d.outcome)) {
    throw new ValidationError('PETITION.INVALID_OUTCOME', `处理意见无效：${String(d.outcome)}（应为予以支持、解释说明或不予支持）`, {
      outcome: d.outcome,
    });
  }
  const missing = (['request', 'factsAndReasons', 'legalBasisCited'] as const).filter((f) => d[f].trim() === '');
  if (missing.length > 0) {
    throw new ValidationError(
      'PETITION.OPINION_INCOMPLETE',
      '信访处理意见书应当载明投诉请求、事实和理由、处理意见及其法律法规依据（信访工作条例第三十二条）',
      { missing },
    );
  }
  required(d.documentRef, 'documentRef', '信访处理意见书');
  return [
    {
      type: 'OpinionIssued',
      data: {
        petitionId: s.petitionId,
        outcome: d.outcome,
        request: d.request,
        factsAndReasons: d.factsAndReasons,
        legalBasisCited: d.legalBasisCited,
        documentRef: d.documentRef,
        ...stamp,
      },
      legalBasis: LB.opinion,
    },
  ];
}

function deliverOpinion(
  command: DeliverOpinion,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['opinion_issued']);
  const { receivedAt, method } = command.data;
  requireInstant(receivedAt, 'receivedAt', stamp, { at: s.opinion.issuedAt, what: '出具处理意见的时间' });
  return [
    {
      type: 'OpinionDelivered',
      data: {
        petitionId: s.petitionId,
        receivedAt,
        method,
        reviewRequestWindow: computeDeadline(deps.rules.reviewRequestWindow, receivedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.review,
    },
  ];
}

function closePetition(command: ClosePetition, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['delivered', 'review_decided']);
  if (s.status === 'delivered') {
    const window = s.reviewRequestWindow;
    if (!isBreached(window, stamp.occurredAt)) {
      throw new IllegalStateError('PETITION.REVIEW_WINDOW_OPEN', `复查申请期限至${window.lastDay ?? window.dueAt}届满，届满前不能办结`, {
        dueAt: window.dueAt,
      });
    }
    return [
      {
        type: 'PetitionClosed',
        data: { petitionId: s.petitionId, after: 'opinion', windowDueAt: window.dueAt, ...stamp },
        legalBasis: LB.review,
      },
    ];
  }
  const window = s.review.nextWindow;
  if (window === undefined) {
    throw new IllegalStateError('PETITION.REVIEW_DECISION_NOT_DELIVERED', '复查意见尚未送达', {});
  }
  if (!isBreached(window, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.RE_REVIEW_WINDOW_OPEN', `复核申请期限至${window.lastDay ?? window.dueAt}届满，届满前不能办结`, {
      dueAt: window.dueAt,
    });
  }
  return [
    {
      type: 'PetitionClosed',
      data: { petitionId: s.petitionId, after: 'review', windowDueAt: window.dueAt, ...stamp },
      legalBasis: LB.reReview,
    },
  ];
}

function requireInWindow(requestedMs: number, window: Deadline, code: string, what: string): void {
  if (requestedMs >= parseInstant(window.dueAt)) {
    throw new IllegalStateError(code, `${what}应当自收到书面答复之日起30日内提出，期限已于${window.lastDay ?? window.dueAt}届满`, {
      dueAt: window.dueAt,
      lastDay: window.lastDay,
      legalBasis: window.legalBasis,
    });
  }
}

function requestReview(
  command: RequestReview,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['delivered']);
  const { requestedAt, reviewingUnitId } = command.data;
  required(reviewingUnitId, 'reviewingUnitId', '复查机关');
  if (reviewingUnitId === s.handlingUnitId) {
    throw new ValidationError('PETITION.SAME_UNIT', '复查由原办理机关、单位的上一级机关、单位进行', { reviewingUnitId });
  }
  const ms = requireInstant(requestedAt, 'requestedAt', stamp, { at: s.delivery.receivedAt, what: '收到处理意见的时间' });
  requireInWindow(ms, s.reviewRequestWindow, 'PETITION.REVIEW_WINDOW_CLOSED', '复查请求');
  return [
    {
      type: 'ReviewRequested',
      data: {
        petitionId: s.petitionId,
        requestedAt,
        reviewingUnitId,
        reviewDeadline: computeDeadline(deps.rules.review, requestedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.review,
    },
  ];
}

function startReview(command: StartReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['review_requested']);
  return [
    { type: 'ReviewStarted', data: { petitionId: s.petitionId, reviewingUnitId: s.review.unitId, ...stamp }, legalBasis: LB.review },
  ];
}

function validateDecision(d: ReviewDecisionData): ReviewDecisionData {
  if (d.outcome !== 'upheld' && d.outcome !== 'revised') {
    throw new ValidationError('PETITION.INVALID_DECISION', `复查（复核）结论无效：${String(d.outcome)}`, { outcome: d.outcome });
  }
  if (d.outcome === 'revised' && (d.revisedOutcome === undefined || !OUTCOMES.includes(d.revisedOutcome))) {
    throw new ValidationError('PETITION.INVALID_DECISION', '变更原处理意见的，应当写明新的处理意见', { outcome: d.outcome });
  }
  if (d.outcome === 'upheld' && d.revisedOutcome !== undefined) {
    throw new ValidationError('PETITION.INVALID_DECISION', '维持原处理意见的，不应另写处理意见', { outcome: d.outcome });
  }
  required(d.reasons, 'reasons', '理由');
  required(d.documentRef, 'documentRef', '书面意见');
  return {
    outcome: d.outcome,
    ...(d.revisedOutcome !== undefined ? { revisedOutcome: d.revisedOutcome } : {}),
    reasons: d.reasons,
    documentRef: d.documentRef,
  };
}

function decideReview(command: DecideReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['reviewing']);
  return [
    { type: 'ReviewDecided', data: { petitionId: s.petitionId, ...validateDecision(command.data), ...stamp }, legalBasis: LB.review },
  ];
}

function deliverReviewDecision(
  command: DeliverReviewDecision,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['review_decided']);
  if (s.review.decisionReceivedAt !== undefined) {
    throw new IllegalStateError('PETITION.ALREADY_DELIVERED', '复查意见已送达', { receivedAt: s.review.decisionReceivedAt });
  }
  const decidedAt = s.review.decision?.decidedAt ?? s.review.requestedAt;
  const { receivedAt } = command.data;
  requireInstant(receivedAt, 'receivedAt', stamp, { at: decidedAt, what: '出具复查意见的时间' });
  return [
    {
      type: 'ReviewDecisionDelivered',
      data: {
        petitionId: s.petitionId,
        receivedAt,
        reReviewRequestWindow: computeDeadline(deps.rules.reReviewRequestWindow, receivedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.reReview,
    },
  ];
}

function requestReReview(
  command: RequestReReview,
  state: PetitionState,
  stamp: AuditStamp,
  deps: PetitionDeciderDeps,
): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['review_decided']);
  const window = s.review.nextWindow;
  if (window === undefined || s.review.decisionReceivedAt === undefined) {
    throw new IllegalStateError('PETITION.REVIEW_DECISION_NOT_DELIVERED', '复查意见尚未送达，不能申请复核', {});
  }
  const { requestedAt, reReviewingUnitId } = command.data;
  required(reReviewingUnitId, 'reReviewingUnitId', '复核机关');
  if (reReviewingUnitId === s.review.unitId) {
    throw new ValidationError('PETITION.SAME_UNIT', '复核由复查机关、单位的上一级机关、单位进行', { reReviewingUnitId });
  }
  const ms = requireInstant(requestedAt, 'requestedAt', stamp, { at: s.review.decisionReceivedAt, what: '收到复查意见的时间' });
  requireInWindow(ms, window, 'PETITION.RE_REVIEW_WINDOW_CLOSED', '复核请求');
  return [
    {
      type: 'ReReviewRequested',
      data: {
        petitionId: s.petitionId,
        requestedAt,
        reReviewingUnitId,
        reReviewDeadline: computeDeadline(deps.rules.reReview, requestedAt, deps.calendar),
        ...stamp,
      },
      legalBasis: LB.reReview,
    },
  ];
}

function startReReview(command: StartReReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['re_review_requested']);
  return [
    {
      type: 'ReReviewStarted',
      data: { petitionId: s.petitionId, reReviewingUnitId: s.reReview.unitId, ...stamp },
      legalBasis: LB.reReview,
    },
  ];
}

function decideReReview(command: DecideReReview, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ['re_reviewing']);
  if (s.hearing !== undefined) {
    throw new IllegalStateError('PETITION.HEARING_IN_PROGRESS', '听证尚未结束，不能出具复核意见', { hearingId: s.hearing.hearingId });
  }
  return [
    {
      type: 'ReReviewDecided',
      data: {
        petitionId: s.petitionId,
        ...validateDecision(command.data),
        publicised: command.data.publicised,
        ...stamp,
      },
      legalBasis: LB.reReview,
    },
  ];
}

function supervisePetition(command: SupervisePetition, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const s = expectStatus(state, command.type, ACTIVE);
  const { supervisingUnitId, form, grounds } = command.data;
  required(supervisingUnitId, 'supervisingUnitId', '督办单位');
  requireList(grounds, 'grounds', '督办事由');
  return [
    {
      type: 'PetitionSupervised',
      data: { petitionId: s.petitionId, supervisingUnitId, form, grounds, ...stamp },
      legalBasis: LB.supervision,
    },
  ];
}

/** Statuses in which each deadline runs. */
function isRunning(kind: PetitionDeadlineKind, s: RegisteredPetition): boolean {
  switch (kind) {
    case 'routing':
      return s.status === 'registered' && s.receiverKind === 'petition_office';
    case 'acceptance_notice':
      return s.status === 'routed' || (s.status === 'registered' && s.receiverKind === 'handling_body');
    case 'assignment_report':
      return s.status === 'routed' || s.status === 'acceptance_notified' || s.status === 'handling';
    case 'handling':
      return s.status === 'acceptance_notified' || s.status === 'handling';
    case 'review':
      return s.status === 'review_requested' || s.status === 'reviewing';
    case 're_review':
      return s.status === 're_review_requested' || s.status === 're_reviewing';
    default:
      return assertNever(kind, 'deadline kind');
  }
}

function runningDeadline(state: PetitionState, command: PetitionCommandType, kind: PetitionDeadlineKind): { petitionId: string; tracked: TrackedDeadline } {
  if (state.status === 'none') notFound(command);
  const tracked = state.deadlines[kind];
  if (tracked === undefined || !isRunning(kind, state)) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_ACTIVE', '该期限不在计时中', { command, kind, status: state.status });
  }
  if (tracked.pausedSince !== undefined) {
    throw new IllegalStateError('PETITION.DEADLINE_PAUSED', '听证期间期限暂停计算', { kind, pausedSince: tracked.pausedSince });
  }
  return { petitionId: state.petitionId, tracked };
}

function deadlineEvent(
  type: 'DeadlineWarned' | 'DeadlineBreached',
  petitionId: string,
  kind: PetitionDeadlineKind,
  deadline: Deadline,
  stamp: AuditStamp,
): PetitionEvent {
  return {
    type,
    data: { petitionId, kind, deadline, ...stamp },
    ...(deadline.legalBasis !== undefined ? { legalBasis: deadline.legalBasis } : {}),
  };
}

function warnDeadline(command: WarnPetitionDeadline, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const kind = command.data.deadline;
  const { petitionId, tracked } = runningDeadline(state, command.type, kind);
  if (tracked.warned || tracked.breached) return []; // redelivered or late timer: nothing new to record
  const { deadline } = tracked;
  if (deadline.warnAt === undefined) {
    throw new IllegalStateError('PETITION.DEADLINE_HAS_NO_WARNING', '该期限未设置预警', { kind });
  }
  if (!isWarningDue(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_DUE', `尚未到预警时间（${deadline.warnAt}）`, {
      kind,
      warnAt: deadline.warnAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineWarned', petitionId, kind, deadline, stamp)];
}

function breachDeadline(command: BreachPetitionDeadline, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
  const kind = command.data.deadline;
  const { petitionId, tracked } = runningDeadline(state, command.type, kind);
  if (tracked.breached) return [];
  const { deadline } = tracked;
  if (!isBreached(deadline, stamp.occurredAt)) {
    throw new IllegalStateError('PETITION.DEADLINE_NOT_DUE', `尚未到期（${deadline.dueAt}）`, {
      kind,
      dueAt: deadline.dueAt,
      now: stamp.occurredAt,
    });
  }
  return [deadlineEvent('DeadlineBreached', petitionId, kind, deadline, stamp)];
}

// ---------------------------------------------------------------------------------------------
// evolve — never throws; an event that does not fit the state leaves it unchanged.

const track = (deadline: Deadline): TrackedDeadline => ({ deadline, warned: false, breached: false, excludedDays: 0 });

type Deadlines = RegisteredPetition['deadlines'];

function withDeadline(deadlines: Deadlines, kind: PetitionDeadlineKind, deadline: Deadline | undefined): Deadlines {
  if (deadline === undefined) {
    const { [kind]: _dropped, ...rest } = deadlines;
    return rest;
  }
  return { ...deadlines, [kind]: track(deadline) };
}

export function evolvePetition(state: PetitionState, event: PetitionEvent): PetitionState {
  if (state.status === 'none') {
    if (event.type !== 'PetitionRegistered') return state;
    const d = event.data;
    let deadlines: Deadlines = {};
    deadlines = withDeadline(deadlines, 'routing', d.routingDeadline);
    deadlines = withDeadline(deadlines, 'acceptance_notice', d.acceptanceNoticeDeadline);
    return {
      status: 'registered',
      petitionId: d.petitionId,
      channel: d.channel,
      form: d.form,
      receivedAt: d.receivedAt,
      registeredAt: d.occurredAt,
      receivingUnitId: d.receivingUnitId,
      receiverKind: d.receiverKind,
      petitionerIds: d.petitionerIds,
      summary: d.summary,
      ...(d.category !== undefined ? { category: d.category } : {}),
      flags: { supervised: false, repeat: d.relatedMatter !== undefined, groupVisit: d.groupVisit !== undefined },
      supervisions: 0,
      routings: 0,
      handlerIds: [],
      hearingsHeld: 0,
      settlements: 0,
      deadlines,
    };
  }
  const s = state;
  switch (event.type) {
    case 'PetitionRegistered':
      return s;
    case 'PetitionNotAccepted': {
      if (s.status !== 'registered' && s.status !== 'routed') return s;
      const d = event.data;
      return {
        ...s,
        status: 'not_accepted',
        flags: { ...s.flags, repeat: s.flags.repeat || d.grounds === 'repeat_to_higher_level' || d.grounds === 'same_facts_after_re_review' },
        notAccepted: {
          grounds: d.grounds,
          at: d.occurredAt,
          ...(d.relatedPetitionId !== undefined ? { relatedPetitionId: d.relatedPetitionId } : {}),
          ...(d.toldToApplyTo !== undefined ? { toldToApplyTo: d.toldToApplyTo } : {}),
        },
      };
    }
    case 'PetitionTransferred':
    case 'PetitionAssigned': {
      if (s.status !== 'registered') return s;
      const d = event.data;
      const assigned = event.type === 'PetitionAssigned';
      let deadlines = withDeadline(s.deadlines, 'acceptance_notice', d.acceptanceNoticeDeadline);
      deadlines = withDeadline(deadlines, 'assignment_report', event.type === 'PetitionAssigned' ? event.data.reportDeadline : undefined);
      return {
        ...s,
        status: 'routed',
        routings: s.routings + 1,
        routing: {
          kind: assigned ? 'assign' : 'transfer',
          route: event.type === 'PetitionTransferred' ? event.data.route : 'competent_body',
          toUnitId: d.toUnitId,
          routedAt: d.occurredAt,
          ...(d.objectionWindow !== undefined ? { objectionWindow: d.objectionWindow } : {}),
        },
        deadlines,
      };
    }
    case 'RoutingObjected':
      return s.status === 'routed'
        ? { ...s, routing: { ...s.routing, objection: { raisedAt: event.data.occurredAt, status: 'pending' } } }
        : s;
    case 'RoutingObjectionAgreed': {
      if (s.status !== 'routed') return s;
      const { routing: _returned, ...rest } = s;
      let deadlines = withDeadline(s.deadlines, 'acceptance_notice', undefined);
      deadlines = withDeadline(deadlines, 'assignment_report', undefined);
      return { ...rest, status: 'registered', deadlines };
    }
    case 'RoutingObjectionOverruled':
      return s.status === 'routed' && s.routing.objection !== undefined
        ? { ...s, routing: { ...s.routing, objection: { ...s.routing.objection, status: 'overruled' } } }
        : s;
    case 'AcceptanceNotified':
      return s.status === 'registered' || s.status === 'routed'
        ? {
            ...s,
            status: 'acceptance_notified',
            handlingUnitId: event.data.handlingUnitId,
            acceptedAt: event.data.occurredAt,
            deadlines: withDeadline(s.deadlines, 'handling', event.data.handlingDeadline),
          }
        : s;
    case 'HandlingStarted':
      return s.status === 'acceptance_notified' ? { ...s, status: 'handling', handlerIds: event.data.handlerIds } : s;
    case 'HandlingExtended':
      return {
        ...s,
        // the total extension so far (several extensions may be granted within §34's 30 days)
        extension: { extendBy: (s.extension?.extendBy ?? 0) + event.data.extendBy, approvedBy: event.data.approvedBy, at: event.data.occurredAt },
        deadlines: withDeadline(s.deadlines, 'handling', event.data.handlingDeadline),
      };
    case 'HearingStarted': {
      const hearing = { hearingId: event.data.hearingId, startedAt: event.data.occurredAt, stage: event.data.stage };
      const reReview = s.deadlines.re_review;
      if (event.data.stage !== 're_review' || reReview === undefined) return { ...s, hearing };
      return { ...s, hearing, deadlines: { ...s.deadlines, re_review: { ...reReview, pausedSince: event.data.occurredAt } } };
    }
    case 'HearingEnded': {
      const { hearing: _ended, ...rest } = s;
      const next = { ...rest, hearingsHeld: s.hearingsHeld + 1 };
      const reReview = s.deadlines.re_review;
      const { reReviewDeadline, excludedDays } = event.data;
      if (reReviewDeadline === undefined || reReview === undefined) return next;
      return {
        ...next,
        deadlines: {
          ...s.deadlines,
          re_review: { ...track(reReviewDeadline), excludedDays: reReview.excludedDays + (excludedDays ?? 0) },
        },
      };
    }
    case 'SettlementRecorded':
      return { ...s, settlements: s.settlements + 1 };
    case 'OpinionIssued':
      return s.status === 'handling'
        ? {
            ...s,
            status: 'opinion_issued',
            opinion: { outcome: event.data.outcome, issuedAt: event.data.occurredAt, documentRef: event.data.documentRef },
          }
        : s;
    case 'OpinionDelivered':
      return s.status === 'opinion_issued'
        ? {
            ...s,
            status: 'delivered',
            delivery: { receivedAt: event.data.receivedAt, method: event.data.method },
            reviewRequestWindow: event.data.reviewRequestWindow,
          }
        : s;
    case 'PetitionClosed':
      return s.status === 'delivered' || s.status === 'review_decided'
        ? { ...s, status: 'closed', closedAt: event.data.occurredAt, closedAfter: event.data.after }
        : s;
    case 'ReviewRequested':
      return s.status === 'delivered'
        ? {
            ...s,
            status: 'review_requested',
            review: { requestedAt: event.data.requestedAt, unitId: event.data.reviewingUnitId },
            deadlines: withDeadline(s.deadlines, 'review', event.data.reviewDeadline),
          }
        : s;
    case 'ReviewStarted':
      return s.status === 'review_requested' ? { ...s, status: 'reviewing' } : s;
    case 'ReviewDecided': {
      if (s.status !== 'reviewing') return s;
      const { petitionId: _p, actor: _a, occurredAt, reason: _r, ...decision } = event.data;
      return { ...s, status: 'review_decided', review: { ...s.review, decision: { ...decision, decidedAt: occurredAt } } };
    }
    case 'ReviewDecisionDelivered':
      return s.status === 'review_decided'
        ? {
            ...s,
            review: { ...s.review, decisionReceivedAt: event.data.receivedAt, nextWindow: event.data.reReviewRequestWindow },
          }
        : s;
    case 'ReReviewRequested':
      return s.status === 'review_decided'
        ? {
            ...s,
            status: 're_review_requested',
            reReview: { requestedAt: event.data.requestedAt, unitId: event.data.reReviewingUnitId },
            deadlines: withDeadline(s.deadlines, 're_review', event.data.reReviewDeadline),
          }
        : s;
    case 'ReReviewStarted':
      return s.status === 're_review_requested' ? { ...s, status: 're_reviewing' } : s;
    case 'ReReviewDecided': {
      if (s.status !== 're_reviewing') return s;
      const { petitionId: _p, actor: _a, occurredAt, reason: _r, publicised: _pub, ...decision } = event.data;
      return {
        ...s,
        status: 'terminated',
        terminatedAt: occurredAt,
        reReview: { ...s.reReview, decision: { ...decision, decidedAt: occurredAt } },
      };
    }
    case 'PetitionSupervised':
      return { ...s, flags: { ...s.flags, supervised: true }, supervisions: s.supervisions + 1 };
    case 'DeadlineWarned':
    case 'DeadlineBreached': {
      const tracked = s.deadlines[event.data.kind];
      if (tracked === undefined || tracked.deadline.dueAt !== event.data.deadline.dueAt) return s;
      const updated = event.type === 'DeadlineWarned' ? { ...tracked, warned: true } : { ...tracked, breached: true };
      return { ...s, deadlines: { ...s.deadlines, [event.data.kind]: updated } };
    }
    case 'DeadlineRevised': {
      if (isWindowKind(event.data.kind)) return reviseWindow(s, event.data.kind, event.data.deadline);
      const tracked = s.deadlines[event.data.kind];
      if (tracked === undefined) return s;
      return { ...s, deadlines: { ...s.deadlines, [event.data.kind]: trackRevised(tracked, event.data.deadline, event.data.occurredAt) } };
    }
    default: {
      // Compile-time exhaustiveness (a new event type must be handled above). At run time an
      // unknown event leaves the state unchanged, because evolve never throws.
      const unknown: never = event;
      void unknown;
      return s;
    }
  }
}
