import { DeadlineRule, ValidationError } from '@fengqiao/kernel';

/**
 * Legal bases recorded on mediation events (`Event.legalBasis`). Article numbers are those of
 * 《中华人民共和国人民调解法》(2010) and 《中华人民共和国民事诉讼法》(2023 revision) as listed in
 * notes/domain.md §5 (itself from an unofficial community copy — check the official text before
 * relying on an id in a legal document). Several bases are joined with ';'.
 *
 * The mediation duration is NOT set by the statute: it is a ministry rule (司法部《人民调解工作若干规定》
 * 2002, "一般在一个月内调结", text seen only on third-party pages) and local rules (宁波, 深圳). Its basis
 * is labelled as such, and its length is configuration.
 */
export const MEDIATION_LEGAL_BASIS = {
  /** 民间纠纷 within the scope of people's mediation */
  scope: '人民调解法§2',
  /** courts and police suggest people's mediation before accepting a case */
  courtOrPoliceReferral: '人民调解法§18',
  /** one party expressly refuses → no mediation */
  partyRefusal: '人民调解法§17',
  /** mediators designated by the committee or chosen by the parties */
  mediatorAssignment: '人民调解法§19',
  /** relatives, neighbours, experts invited with the parties' consent */
  invitedParticipants: '人民调解法§20',
  /** parties' rights: choose or accept a mediator, accept, refuse or end mediation */
  partyRights: '人民调解法§23',
  /** escalation risk reported to the police */
  policeReport: '人民调解法§25',
  /** mediation fails: end it and tell the parties their arbitration, administrative and judicial routes */
  termination: '人民调解法§26',
  /** mediation recorded; dossier kept and archived */
  records: '人民调解法§27',
  /** agreement in writing or orally */
  agreementForm: '人民调解法§28',
  /** written agreement effective when parties sign, mediator signs and the committee seals */
  writtenAgreementEffect: '人民调解法§29',
  /** oral agreement effective when reached */
  oralAgreementEffect: '人民调解法§30',
  /** committee supervises performance */
  performanceSupervision: '人民调解法§31',
  /** dispute about performance or content → a party may sue */
  performanceDispute: '人民调解法§32',
  /** joint application for judicial confirmation within 30 days of the agreement taking effect */
  judicialConfirmation: '人民调解法§33;民事诉讼法(2023)§205',
  /** court confirms (enforceable) or not (re-mediate or sue) */
  judicialConfirmationDecision: '民事诉讼法(2023)§206',
  /** default duration and its extension with both parties' consent: ministry rule, not statute */
  mediationDuration: '司法部《人民调解工作若干规定》(2002)〔部门规章，非法律；期限为可配置默认值〕',
} as const;

/** Deadline rules a mediation decider is built with (configuration, labelled by jurisdiction). */
export interface MediationRules {
  /**
   * How long mediation may run from acceptance before it should be concluded. Default one month,
   * expressed as 30 calendar days (the DeadlineUnit has no months); extendable with both parties'
   * consent by `ExtendMediation`. Local rules differ (深圳 §25: 30 days; 宁波 §27: one month).
   */
  mediationDuration: DeadlineRule;
  /** Window for the joint judicial-confirmation application, from the agreement taking effect. */
  judicialConfirmationWindow: DeadlineRule;
}

export const defaultMediationRules: MediationRules = {
  mediationDuration: {
    ruleId: 'mediation.duration',
    legalBasis: MEDIATION_LEGAL_BASIS.mediationDuration,
    duration: 30,
    unit: 'calendar_days',
    warnBefore: 5,
  },
  judicialConfirmationWindow: {
    ruleId: 'mediation.judicial_confirmation_window',
    legalBasis: MEDIATION_LEGAL_BASIS.judicialConfirmation,
    duration: 30,
    unit: 'calendar_days',
  },
};

/** Checks a rules configuration once, when the decider is built. */
export function validateMediationRules(rules: MediationRules): void {
  for (const [name, rule] of Object.entries(rules) as [keyof MediationRules, DeadlineRule][]) {
    if (rule.unit === 'working_hours') {
      throw new ValidationError('MEDIATION.INVALID_RULES', `调解期限规则“${name}”须按日计算（自然日或工作日），不能按工作小时`, { rule: name });
    }
  }
}

/**
 * Items of a people's-mediation dossier (人民调解卷宗), after the template in notes/domain.md §5.4
 * (a local/secondary template: the official national format was not available).
 * 'agreement' is the 人民调解协议书 or, for an oral agreement, the 人民调解口头协议登记表.
 */
export const DOSSIER_ITEMS = [
  'application_or_registration', // 人民调解申请书 / 受理登记表 (mandatory)
  'rights_notice', // 当事人权利义务告知书 (mandatory)
  'identity_proof', // 当事人身份证明 (mandatory)
  'power_of_attorney', // 授权委托书
  'investigation_record', // 调查记录
  'evidence', // 证据材料
  'mediation_record', // 人民调解记录 (mandatory)
  'agreement', // 调解协议书 / 口头协议登记表 (mandatory when an agreement was reached)
  'performance_evidence', // 履行凭证
  'follow_up_record', // 回访记录
  'judicial_confirmation_papers', // 司法确认有关材料
  'case_note', // 卷宗情况说明
] as const;

export type DossierItemKind = (typeof DOSSIER_ITEMS)[number];

export const DOSSIER_ITEM_LABELS: Record<DossierItemKind, string> = {
  application_or_registration: '人民调解申请书或受理登记表',
  rights_notice: '当事人权利义务告知书',
  identity_proof: '当事人身份证明',
  power_of_attorney: '授权委托书',
  investigation_record: '调查记录',
  evidence: '证据材料',
  mediation_record: '人民调解记录',
  agreement: '调解协议书或口头协议登记表',
  performance_evidence: '履行凭证',
  follow_up_record: '回访记录',
  judicial_confirmation_papers: '司法确认有关材料',
  case_note: '卷宗情况说明',
};

/**
 * Mandatory dossier items before archiving (notes/domain.md §5.4, 必须 items): always the
 * registration (申请书 or 受理登记表) and the parties' identity proof; once the case was accepted for
 * mediation, the rights-and-obligations notice; once a session was held, the mediation record;
 * when an agreement was reached, the agreement (written, or the oral-agreement register).
 */
export function requiredDossierItems(opts: { accepted: boolean; sessionsHeld: boolean; agreementReached: boolean }): DossierItemKind[] {
  const items: DossierItemKind[] = ['application_or_registration', 'identity_proof'];
  if (opts.accepted) items.push('rights_notice');
  if (opts.sessionsHeld) items.push('mediation_record');
  if (opts.agreementReached) items.push('agreement');
  return items;
}
