import { computeDeadline, DomainError, IllegalStateError, parseInstant, ValidationError } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import { ExtendMediation, ReachAgreement, RecordSession, RELIEF_ROUTES, ReportRisk, SignAgreement, TerminateMediation } from './mediation-case.commands';
import { MediationEvent } from './mediation-case.events';
import { MEDIATION_LEGAL_BASIS as LB } from './mediation-case.rules';
import { MediationCaseState } from './mediation-case.state';
import type { MediationDeciderDeps } from './mediation-case.decider';
import {
  IN_MEDIATION,
  OPEN,
  expectStatus,
  isEffective,
  missingParties,
  requireInstant,
  requireKnownParties,
  requireNonEmpty,
  required,
} from './mediation-case.guards';

/** decide, mediation phase: sessions, risks, extensions, the agreement (§28–§29) and its taking effect, termination (§26). */

export function recordSession(command: RecordSession, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['mediator_assigned', 'mediating']);
  const d = command.data;
  required(d.sessionId, 'sessionId', '调解记录编号');
  if (s.sessionIds.includes(d.sessionId)) {
    throw new DomainError('MEDIATION.DUPLICATE_SESSION', '该次调解已记录', 'conflict', { sessionId: d.sessionId });
  }
  requireInstant(d.heldAt, 'heldAt', stamp, { at: s.acceptedAt, what: '受理时间' });
  requireNonEmpty(d.mediatorIds, 'mediatorIds', '主持调解的调解员');
  const notAssigned = d.mediatorIds.filter((id) => !s.mediatorIds.includes(id));
  if (notAssigned.length > 0) {
    throw new ValidationError('MEDIATION.MEDIATOR_NOT_ASSIGNED', `调解员未在本案中：${notAssigned.join('、')}`, { notAssigned });
  }
  requireNonEmpty(d.attendingPartyIds, 'attendingPartyIds', '到场当事人');
  requireKnownParties(s, d.attendingPartyIds, 'attendingPartyIds');
  const invited = d.invitedParticipants ?? [];
  const withoutConsent = invited.filter((p) => !p.partiesConsented).map((p) => p.participantId);
  if (withoutConsent.length > 0) {
    throw new ValidationError('MEDIATION.INVITEE_CONSENT_REQUIRED', `邀请他人参与调解须经当事人同意（人民调解法第二十条）：${withoutConsent.join('、')}`, {
      withoutConsent,
    });
  }
  required(d.summary, 'summary', '调解情况');
  return [
    {
      type: 'SessionRecorded',
      data: {
        caseId: s.caseId,
        sessionId: d.sessionId,
        heldAt: d.heldAt,
        mediatorIds: d.mediatorIds,
        attendingPartyIds: d.attendingPartyIds,
        invitedParticipants: invited,
        summary: d.summary,
        ...(d.recordRef !== undefined ? { recordRef: d.recordRef } : {}),
        ...(d.place !== undefined ? { place: d.place } : {}),
        ...(d.openToPublic !== undefined ? { openToPublic: d.openToPublic } : {}),
        ...stamp,
      },
      legalBasis: invited.length > 0 ? `${LB.invitedParticipants};${LB.records}` : LB.records,
    },
  ];
}

export function reportRisk(command: ReportRisk, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, OPEN);
  const { riskKind, measures, policeUnitId } = command.data;
  required(measures, 'measures', '已采取的预防措施');
  required(policeUnitId, 'policeUnitId', '报告的公安机关');
  return [
    {
      type: 'RiskReportedToPolice',
      data: { caseId: s.caseId, riskKind, measures, policeUnitId, ...stamp },
      legalBasis: LB.policeReport,
    },
  ];
}

export function extendMediation(command: ExtendMediation, state: MediationCaseState, stamp: AuditStamp, deps: MediationDeciderDeps): MediationEvent[] {
  const s = expectStatus(state, command.type, IN_MEDIATION);
  const { extendBy, consentingPartyIds } = command.data;
  if (!(Number.isInteger(extendBy) && extendBy > 0)) {
    throw new ValidationError('MEDIATION.INVALID_EXTENSION', '延长期限须为正整数', { extendBy });
  }
  requireKnownParties(s, consentingPartyIds, 'consentingPartyIds');
  const missing = missingParties(s, consentingPartyIds);
  if (missing.length > 0) {
    throw new ValidationError('MEDIATION.EXTENSION_CONSENT_REQUIRED', '延长调解期限须经各方当事人同意', { missing });
  }
  const current = s.mediationDeadline.deadline;
  const warnBefore = deps.rules.mediationDuration.warnBefore;
  const mediationDeadline = computeDeadline(
    {
      ruleId: current.ruleId,
      ...(current.legalBasis !== undefined ? { legalBasis: current.legalBasis } : {}),
      duration: current.duration + extendBy,
      unit: current.unit,
      ...(warnBefore !== undefined ? { warnBefore } : {}),
    },
    current.startAt,
    deps.calendar,
  );
  return [
    {
      type: 'MediationExtended',
      data: { caseId: s.caseId, extendBy, consentingPartyIds, previousDueAt: current.dueAt, mediationDeadline, ...stamp },
      ...(current.legalBasis !== undefined ? { legalBasis: current.legalBasis } : {}),
    },
  ];
}

function agreementTookEffect(
  caseId: string,
  agreementId: string,
  stamp: AuditStamp,
  deps: MediationDeciderDeps,
  signedByPartyIds: string[] | undefined,
  legalBasis: string,
  signedAt?: string,
): MediationEvent {
  const effectiveAt = signedAt ?? stamp.occurredAt;
  return {
    type: 'AgreementTookEffect',
    data: {
      caseId,
      agreementId,
      effectiveAt,
      ...(signedAt !== undefined ? { signedAt } : {}),
      ...(signedByPartyIds !== undefined ? { signedByPartyIds } : {}),
      judicialConfirmationWindow: computeDeadline(deps.rules.judicialConfirmationWindow, effectiveAt, deps.calendar),
      ...stamp,
    },
    legalBasis,
  };
}

export function reachAgreement(command: ReachAgreement, state: MediationCaseState, stamp: AuditStamp, deps: MediationDeciderDeps): MediationEvent[] {
  const s = expectStatus(state, command.type, ['mediating']);
  const { agreementId, form, terms, documentRef } = command.data;
  required(agreementId, 'agreementId', '协议编号');
  required(terms, 'terms', '协议内容');
  const reached: MediationEvent = {
    type: 'AgreementReached',
    data: { caseId: s.caseId, agreementId, form, terms, ...(documentRef !== undefined ? { documentRef } : {}), ...stamp },
    legalBasis: LB.agreementForm,
  };
  return form === 'oral' ? [reached, agreementTookEffect(s.caseId, agreementId, stamp, deps, undefined, LB.oralAgreementEffect)] : [reached];
}

export function signAgreement(command: SignAgreement, state: MediationCaseState, stamp: AuditStamp, deps: MediationDeciderDeps): MediationEvent[] {
  const s = expectStatus(state, command.type, ['agreement_reached']);
  if (isEffective(s.agreement)) {
    throw new IllegalStateError('MEDIATION.AGREEMENT_ALREADY_EFFECTIVE', '调解协议已生效', {
      agreementId: s.agreement.agreementId,
    });
  }
  const { signedByPartyIds, mediatorSigned, committeeSealed } = command.data;
  requireKnownParties(s, signedByPartyIds, 'signedByPartyIds');
  const unsigned = missingParties(s, signedByPartyIds);
  if (unsigned.length > 0 || !mediatorSigned || !committeeSealed) {
    throw new ValidationError('MEDIATION.SIGNATURES_INCOMPLETE', '调解协议书须经各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章后生效', {
      unsignedPartyIds: unsigned,
      mediatorSigned,
      committeeSealed,
    });
  }
  const { signedAt } = command.data;
  if (signedAt !== undefined) {
    let t: number;
    try {
      t = parseInstant(signedAt);
    } catch {
      throw new ValidationError('MEDIATION.INVALID_SIGNING_TIME', `签署时间格式无效：${signedAt}`, { signedAt });
    }
    if (t < parseInstant(s.agreement.reachedAt) || t > parseInstant(stamp.occurredAt)) {
      throw new ValidationError('MEDIATION.INVALID_SIGNING_TIME', `签署时间 ${signedAt} 须在达成协议之后、记录之前`, {
        signedAt,
        reachedAt: s.agreement.reachedAt,
        recordedAt: stamp.occurredAt,
      });
    }
  }
  return [agreementTookEffect(s.caseId, s.agreement.agreementId, stamp, deps, signedByPartyIds, LB.writtenAgreementEffect, signedAt)];
}

export function terminateMediation(command: TerminateMediation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [...IN_MEDIATION, 'agreement_reached']);
  if (s.status === 'agreement_reached' && isEffective(s.agreement)) {
    throw new IllegalStateError('MEDIATION.AGREEMENT_ALREADY_EFFECTIVE', '调解协议已生效，不能终止调解', {
      agreementId: s.agreement.agreementId,
    });
  }
  const { grounds, routesTold, noticeRef, withdrawingPartyId } = command.data;
  if (grounds === 'party_withdrew') {
    // §23: a party may end the mediation; the record says which party did
    if (withdrawingPartyId === undefined || !s.parties.some((p) => p.partyId === withdrawingPartyId)) {
      throw new ValidationError('MEDIATION.WITHDRAWING_PARTY_REQUIRED', '当事人要求终止调解的，须注明是哪一方当事人（人民调解法第二十三条）', {
        withdrawingPartyId,
        parties: s.parties.map((p) => p.partyId),
      });
    }
  } else if (withdrawingPartyId !== undefined) {
    throw new ValidationError('MEDIATION.WITHDRAWING_PARTY_NOT_APPLICABLE', '只有当事人要求终止调解时才记录终止方', { grounds });
  }
  const notTold = RELIEF_ROUTES.filter((r) => !routesTold.includes(r));
  if (notTold.length > 0) {
    throw new ValidationError('MEDIATION.ROUTES_NOT_TOLD', '终止调解应告知当事人可以依法通过仲裁、行政、司法等途径维护权利（人民调解法第二十六条）', {
      notTold,
    });
  }
  requireNonEmpty(routesTold, 'routesTold', '告知的途径');
  return [
    {
      type: 'MediationTerminated',
      data: {
        caseId: s.caseId,
        grounds,
        routesTold,
        ...(noticeRef !== undefined ? { noticeRef } : {}),
        ...(withdrawingPartyId !== undefined ? { withdrawingPartyId } : {}),
        ...stamp,
      },
      legalBasis: grounds === 'party_withdrew' ? `${LB.partyRights};${LB.termination}` : LB.termination,
    },
  ];
}
