import { computeDeadline, Deadline, DomainError, IllegalStateError, isBreached, parseInstant, ValidationError } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import {
  AssignPetition,
  DirectToLegalProcedure,
  LEGAL_PROCEDURES,
  LegalProcedure,
  NotifyAcceptance,
  ObjectToRouting,
  PETITION_CHANNELS,
  RedirectPetitioner,
  RegisterPetition,
  RejectAsRepeat,
  RuleOnObjection,
  TransferPetition,
} from './petition.commands';
import { PetitionEvent } from './petition.events';
import { PETITION_LEGAL_BASIS as LB } from './petition.rules';
import { PetitionState, RegisteredPetition } from './petition.state';
import type { PetitionDeciderDeps } from './petition.decider';
import { expectStatus, joinBases, requireInstant, requireList, requireReason, required } from './petition.guards';

/** decide, registration and routing phase: register, transfer or assign (§21–§23), objections, acceptance (§24), redirection, legal procedure, repeats (§30). */

export function registerPetition(command: RegisterPetition, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
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

export function transferPetition(command: TransferPetition, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
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

export function assignPetition(command: AssignPetition, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
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

export function objectToRouting(command: ObjectToRouting, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
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
    throw new IllegalStateError('PETITION.OBJECTION_WINDOW_CLOSED', `应当自收到之日起5个工作日内提出异议，期限已于${window.lastDay ?? window.dueAt}届满`, {
      dueAt: window.dueAt,
      lastDay: window.lastDay,
      legalBasis: window.legalBasis,
    });
  }
  return [
    {
      type: 'RoutingObjected',
      data: { petitionId: s.petitionId, unitId: routing.toUnitId, objectionWindowDueAt: window.dueAt, ...stamp },
      legalBasis: LB.acceptance,
    },
  ];
}

export function ruleOnObjection(command: RuleOnObjection, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
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

export function notifyAcceptance(command: NotifyAcceptance, state: PetitionState, stamp: AuditStamp, deps: PetitionDeciderDeps): PetitionEvent[] {
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

export function redirectPetitioner(command: RedirectPetitioner, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
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
export function directToLegalProcedure(command: DirectToLegalProcedure, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
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

export function rejectAsRepeat(command: RejectAsRepeat, state: PetitionState, stamp: AuditStamp): PetitionEvent[] {
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
