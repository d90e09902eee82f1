import { computeDeadline, DomainError, IllegalStateError, ValidationError } from '@fengqiao/kernel';
import { AuditStamp } from '../audit';
import {
  AssignMediator,
  DeclineMediation,
  AddDossierItem,
  NotifyRights,
  RecordConsent,
  RecuseMediator,
  RegisterDispute,
  RequestConsent,
} from './mediation-case.commands';
import { MediationEvent } from './mediation-case.events';
import { DOSSIER_ITEMS, MEDIATION_LEGAL_BASIS as LB } from './mediation-case.rules';
import { MediationCaseState } from './mediation-case.state';
import type { MediationDeciderDeps } from './mediation-case.decider';
import {
  BEFORE_ACCEPTANCE,
  IN_MEDIATION,
  OPEN,
  expectStatus,
  missingParties,
  requireKnownParties,
  requireNonEmpty,
  requireReason,
  required,
} from './mediation-case.guards';

/** decide, registration phase: register, consent (人民调解法 §17), decline, rights, dossier items, mediators assigned and recused. */

export function registerDispute(command: RegisterDispute, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  if (state.status !== 'none') {
    throw new DomainError('MEDIATION.ALREADY_REGISTERED', '该调解案件已登记', 'conflict', { caseId: state.caseId });
  }
  const d = command.data;
  required(d.caseId, 'caseId', '案件编号');
  required(d.committeeId, 'committeeId', '调解委员会');
  required(d.summary, 'summary', '纠纷简要情况');
  if (d.parties.length < 2) {
    throw new ValidationError('MEDIATION.PARTIES_REQUIRED', '纠纷至少应有两方当事人', { count: d.parties.length });
  }
  requireNonEmpty(
    d.parties.map((p) => p.partyId),
    'parties',
    '当事人',
  );
  if (d.source.kind === 'application' && !d.parties.some((p) => p.role === 'applicant')) {
    throw new ValidationError('MEDIATION.APPLICANT_REQUIRED', '当事人申请调解的，应列明申请人', { source: d.source.kind });
  }
  if (d.source.kind === 'entrusted') required(d.source.entrustingUnitId, 'source.entrustingUnitId', '委托单位');
  if (d.source.kind === 'referred_from_grid_case') required(d.source.gridCaseId, 'source.gridCaseId', '网格事件编号');
  const referredByCourtOrPolice = d.source.kind === 'entrusted' && (d.source.entrustedBy === 'court' || d.source.entrustedBy === 'police');
  return [
    {
      type: 'DisputeRegistered',
      data: {
        caseId: d.caseId,
        committeeId: d.committeeId,
        committeeLevel: d.committeeLevel,
        source: d.source,
        parties: d.parties,
        summary: d.summary,
        ...(d.category !== undefined ? { category: d.category } : {}),
        ...(d.registrationDocumentRef !== undefined ? { registrationDocumentRef: d.registrationDocumentRef } : {}),
        ...stamp,
      },
      ...(referredByCourtOrPolice ? { legalBasis: LB.courtOrPoliceReferral } : {}),
    },
  ];
}

export function requestConsent(command: RequestConsent, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['registered']);
  return [
    {
      type: 'ConsentRequested',
      data: { caseId: s.caseId, partyIds: s.parties.map((p) => p.partyId), ...stamp },
      legalBasis: LB.partyRefusal,
    },
  ];
}

export function recordConsent(command: RecordConsent, state: MediationCaseState, stamp: AuditStamp, deps: MediationDeciderDeps): MediationEvent[] {
  const s = expectStatus(state, command.type, ['consent_pending']);
  const { partyId, consented, statementRef } = command.data;
  requireKnownParties(s, [partyId], 'partyId');
  if (s.consents.some((c) => c.partyId === partyId)) {
    throw new IllegalStateError('MEDIATION.CONSENT_ALREADY_RECORDED', '该当事人的意见已记录', { partyId });
  }
  const ref = statementRef !== undefined ? { statementRef } : {};
  if (!consented) {
    return [
      { type: 'ConsentRefused', data: { caseId: s.caseId, partyId, ...ref, ...stamp }, legalBasis: LB.partyRefusal },
      {
        type: 'MediationDeclined',
        data: { caseId: s.caseId, grounds: 'party_refused', refusingPartyId: partyId, ...stamp },
        legalBasis: LB.partyRefusal,
      },
    ];
  }
  const events: MediationEvent[] = [{ type: 'ConsentGiven', data: { caseId: s.caseId, partyId, ...ref, ...stamp }, legalBasis: LB.partyRefusal }];
  const stillMissing = missingParties(s, [...s.consents.map((c) => c.partyId), partyId]);
  if (stillMissing.length === 0) {
    const mediationDeadline = computeDeadline(deps.rules.mediationDuration, stamp.occurredAt, deps.calendar);
    events.push({
      type: 'MediationAccepted',
      data: { caseId: s.caseId, mediationDeadline, ...stamp },
      ...(mediationDeadline.legalBasis !== undefined ? { legalBasis: mediationDeadline.legalBasis } : {}),
    });
  }
  return events;
}

export function declineMediation(command: DeclineMediation, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, BEFORE_ACCEPTANCE);
  requireReason(stamp, command.type);
  return [
    {
      type: 'MediationDeclined',
      data: { caseId: s.caseId, grounds: command.data.grounds, ...stamp },
      legalBasis: LB.scope,
    },
  ];
}

export function notifyRights(command: NotifyRights, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, [...BEFORE_ACCEPTANCE, ...IN_MEDIATION]);
  const { partyIds, documentRef } = command.data;
  requireNonEmpty(partyIds, 'partyIds', '告知对象');
  requireKnownParties(s, partyIds, 'partyIds');
  required(documentRef, 'documentRef', '权利义务告知书');
  return [{ type: 'RightsNotified', data: { caseId: s.caseId, partyIds, documentRef, ...stamp }, legalBasis: LB.partyRights }];
}

export function addDossierItem(command: AddDossierItem, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, OPEN);
  const { item, documentRef } = command.data;
  if (!(DOSSIER_ITEMS as readonly string[]).includes(item)) {
    throw new ValidationError('MEDIATION.UNKNOWN_DOSSIER_ITEM', `未知的卷宗材料类型：${String(item)}`, { item });
  }
  required(documentRef, 'documentRef', '材料');
  return [{ type: 'DossierItemAdded', data: { caseId: s.caseId, item, documentRef, ...stamp }, legalBasis: LB.records }];
}

export function assignMediator(command: AssignMediator, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, IN_MEDIATION);
  const { mediatorIds, method } = command.data;
  requireNonEmpty(mediatorIds, 'mediatorIds', '调解员');
  const already = mediatorIds.filter((id) => s.mediatorIds.includes(id));
  if (already.length > 0) {
    throw new ValidationError('MEDIATION.MEDIATOR_ALREADY_ASSIGNED', `调解员已在本案中：${already.join('、')}`, { already });
  }
  return [{ type: 'MediatorAssigned', data: { caseId: s.caseId, mediatorIds, method, ...stamp }, legalBasis: LB.mediatorAssignment }];
}

export function recuseMediator(command: RecuseMediator, state: MediationCaseState, stamp: AuditStamp): MediationEvent[] {
  const s = expectStatus(state, command.type, ['mediator_assigned', 'mediating']);
  const { mediatorId, grounds, requestedByPartyId } = command.data;
  if (!s.mediatorIds.includes(mediatorId)) {
    throw new ValidationError('MEDIATION.MEDIATOR_NOT_ASSIGNED', '该调解员未在本案中', { mediatorId });
  }
  if (grounds === 'party_request') {
    required(requestedByPartyId, 'requestedByPartyId', '申请回避的当事人');
    requireKnownParties(s, [requestedByPartyId as string], 'requestedByPartyId');
  }
  return [
    {
      type: 'MediatorRecused',
      data: {
        caseId: s.caseId,
        mediatorId,
        grounds,
        ...(requestedByPartyId !== undefined ? { requestedByPartyId } : {}),
        remainingMediatorIds: s.mediatorIds.filter((id) => id !== mediatorId),
        ...stamp,
      },
      ...(grounds === 'party_request' ? { legalBasis: LB.partyRights } : {}),
    },
  ];
}
