import type { DeskField, DeskStep } from './step-form';

/** 人民调解 (mediation API, 人民调解法 2010): each step's form and the states that offer it. */
const reason = (label = '说明'): DeskField => ({ name: 'reason', label, kind: 'textarea' });

export type MediationStepKey =
  | 'request-consent'
  | 'consents'
  | 'decline'
  | 'notify-rights'
  | 'assign-mediator'
  | 'sessions'
  | 'risk-reports'
  | 'extend'
  | 'agreement'
  | 'agreement/sign'
  | 'terminate'
  | 'performance'
  | 'performance-failure'
  | 'judicial-confirmation'
  | 'judicial-confirmation/decision'
  | 'resume'
  | 'follow-up-visits'
  | 'dossier-items'
  | 'archive';

export const MEDIATION_STEPS: Record<MediationStepKey, DeskStep> = {
  'request-consent': {
    key: 'request-consent',
    title: '征求当事人同意',
    path: 'request-consent',
    action: 'mediation.consent',
    primary: true,
    fields: [reason()],
  },
  consents: {
    key: 'consents',
    title: '记录当事人意愿',
    path: 'consents',
    action: 'mediation.consent',
    primary: true,
    fields: [
      { name: 'partyId', label: '当事人', kind: 'party' },
      { name: 'consented', label: '是否同意调解', kind: 'switch', initial: true },
      { name: 'statementRef', label: '意见书或笔录编号', kind: 'text' },
    ],
  },
  decline: { key: 'decline', title: '不予调解', path: 'decline', action: 'mediation.consent', danger: true, fields: [reason('不予调解的理由')] },
  'notify-rights': {
    key: 'notify-rights',
    title: '告知权利义务',
    path: 'notify-rights',
    action: 'mediation.consent',
    fields: [
      { name: 'partyIds', label: '告知的当事人', kind: 'parties' },
      { name: 'documentRef', label: '告知书编号', kind: 'text' },
    ],
  },
  'assign-mediator': {
    key: 'assign-mediator',
    title: '指定调解员',
    path: 'assign-mediator',
    action: 'mediation.assign',
    primary: true,
    fields: [
      { name: 'mediatorIds', label: '调解员', kind: 'people' },
      {
        name: 'method',
        label: '产生方式',
        kind: 'select',
        options: [
          ['designated', '调委会指定'],
          ['chosen_by_parties', '当事人选择'],
        ],
        initial: 'designated',
      },
      reason(),
    ],
  },
  sessions: {
    key: 'sessions',
    title: '记录调解',
    path: 'sessions',
    action: 'mediation.session',
    primary: true,
    fields: [
      { name: 'heldAt', label: '调解时间', kind: 'datetime', initial: 'now' },
      { name: 'mediatorIds', label: '主持调解员', kind: 'people' },
      { name: 'attendingPartyIds', label: '到场当事人', kind: 'parties' },
      { name: 'summary', label: '调解情况', kind: 'textarea' },
      { name: 'recordRef', label: '调解笔录编号', kind: 'text' },
    ],
  },
  'risk-reports': {
    key: 'risk-reports',
    title: '报告激化风险',
    path: 'risk-reports',
    action: 'mediation.session',
    danger: true,
    fields: [
      {
        name: 'riskKind',
        label: '风险类型',
        kind: 'select',
        options: [
          ['public_order', '可能引发治安案件'],
          ['criminal', '可能引发刑事案件'],
        ],
      },
      { name: 'measures', label: '已采取的措施', kind: 'textarea' },
      { name: 'policeUnitId', label: '报告的公安机关', kind: 'unit' },
    ],
  },
  extend: {
    key: 'extend',
    title: '延长调解期限',
    path: 'extend',
    action: 'mediation.session',
    fields: [
      { name: 'extendBy', label: '延长天数', kind: 'number' },
      { name: 'consentingPartyIds', label: '同意延长的当事人', kind: 'parties' },
      reason('延长理由'),
    ],
  },
  agreement: {
    key: 'agreement',
    title: '达成协议',
    path: 'agreement',
    action: 'mediation.agreement',
    primary: true,
    fields: [
      {
        name: 'form',
        label: '协议形式',
        kind: 'select',
        options: [
          ['written', '书面协议'],
          ['oral', '口头协议'],
        ],
        initial: 'written',
      },
      { name: 'terms', label: '协议内容', kind: 'textarea' },
      { name: 'documentRef', label: '协议书编号', kind: 'text' },
    ],
  },
  'agreement/sign': {
    key: 'agreement/sign',
    title: '签署协议',
    path: 'agreement/sign',
    action: 'mediation.agreement',
    primary: true,
    fields: [
      { name: 'signedByPartyIds', label: '签名的当事人', kind: 'parties' },
      { name: 'mediatorSigned', label: '调解员已签名', kind: 'switch', initial: true },
      { name: 'committeeSealed', label: '已加盖调委会印章', kind: 'switch', initial: true },
    ],
  },
  terminate: {
    key: 'terminate',
    title: '终止调解',
    path: 'terminate',
    action: 'mediation.terminate',
    danger: true,
    fields: [
      {
        name: 'grounds',
        label: '终止事由',
        kind: 'select',
        options: [
          ['no_agreement', '未能达成协议'],
          ['party_withdrew', '当事人撤回'],
          ['false_statements_or_delay', '虚假陈述或拖延'],
          ['other', '其他'],
        ],
      },
      {
        name: 'routesTold',
        label: '告知的其他途径',
        kind: 'multiselect',
        options: [
          ['arbitration', '仲裁'],
          ['administrative', '行政途径'],
          ['judicial', '司法途径'],
        ],
      },
      { name: 'noticeRef', label: '终止告知书编号', kind: 'text' },
      reason('终止说明'),
    ],
  },
  performance: {
    key: 'performance',
    title: '记录履行',
    path: 'performance',
    action: 'mediation.performance',
    primary: true,
    fields: [
      { name: 'complete', label: '已全部履行', kind: 'switch', initial: false },
      { name: 'description', label: '履行情况', kind: 'textarea' },
      { name: 'evidenceRef', label: '履行凭证编号', kind: 'text' },
    ],
  },
  'performance-failure': {
    key: 'performance-failure',
    title: '登记未履行',
    path: 'performance-failure',
    action: 'mediation.performance',
    danger: true,
    fields: [
      { name: 'defaultingPartyIds', label: '未履行的当事人', kind: 'parties' },
      { name: 'description', label: '情况说明', kind: 'textarea' },
    ],
  },
  'judicial-confirmation': {
    key: 'judicial-confirmation',
    title: '申请司法确认',
    path: 'judicial-confirmation',
    action: 'mediation.confirmation',
    fields: [
      { name: 'courtId', label: '受理法院', kind: 'text' },
      { name: 'filedAt', label: '申请时间', kind: 'datetime', initial: 'now' },
      { name: 'applicantPartyIds', label: '共同申请的当事人', kind: 'parties' },
      { name: 'documentRef', label: '申请书编号', kind: 'text' },
    ],
  },
  'judicial-confirmation/decision': {
    key: 'judicial-confirmation/decision',
    title: '登记确认结果',
    path: 'judicial-confirmation/decision',
    action: 'mediation.confirmation',
    primary: true,
    fields: [
      { name: 'confirmed', label: '法院裁定确认有效', kind: 'switch', initial: true },
      { name: 'decidedAt', label: '裁定时间', kind: 'datetime', initial: 'now' },
      { name: 'rulingRef', label: '裁定书编号', kind: 'text' },
    ],
  },
  resume: { key: 'resume', title: '恢复调解', path: 'resume', action: 'mediation.confirmation', fields: [reason()] },
  'follow-up-visits': {
    key: 'follow-up-visits',
    title: '回访',
    path: 'follow-up-visits',
    action: 'mediation.follow_up',
    fields: [
      { name: 'visitedPartyIds', label: '回访的当事人', kind: 'parties' },
      { name: 'performanceSatisfactory', label: '履行情况良好', kind: 'switch', initial: true },
      { name: 'reescalationRisk', label: '存在再次激化风险', kind: 'switch', initial: false },
      { name: 'recordRef', label: '回访记录编号', kind: 'text' },
    ],
  },
  'dossier-items': {
    key: 'dossier-items',
    title: '归入卷宗材料',
    path: 'dossier-items',
    action: 'mediation.archive',
    fields: [
      {
        name: 'item',
        label: '材料',
        kind: 'select',
        options: [
          ['application_or_registration', '申请书或登记表'],
          ['rights_notice', '权利义务告知书'],
          ['identity_proof', '身份证明'],
          ['power_of_attorney', '授权委托书'],
          ['investigation_record', '调查记录'],
          ['evidence', '证据材料'],
          ['mediation_record', '调解笔录'],
          ['agreement', '调解协议书'],
          ['performance_evidence', '履行凭证'],
          ['follow_up_record', '回访记录'],
          ['judicial_confirmation_papers', '司法确认材料'],
          ['case_note', '卷宗备考'],
        ],
      },
      { name: 'documentRef', label: '材料编号', kind: 'text' },
    ],
  },
  archive: { key: 'archive', title: '归档', path: 'archive', action: 'mediation.archive', fields: [reason()] },
};

/** Which steps each state offers, as the decider's status guards have them (it stays the judge: a refusal comes back with its reason). */
export const MEDIATION_STEPS_BY_STATUS: Record<string, readonly MediationStepKey[]> = {
  registered: ['request-consent', 'notify-rights', 'decline', 'risk-reports', 'dossier-items'],
  consent_pending: ['consents', 'notify-rights', 'decline', 'risk-reports', 'dossier-items'],
  accepted: ['assign-mediator', 'notify-rights', 'extend', 'risk-reports', 'terminate', 'dossier-items'],
  mediator_assigned: ['sessions', 'notify-rights', 'risk-reports', 'extend', 'terminate', 'dossier-items'],
  mediating: ['sessions', 'agreement', 'risk-reports', 'extend', 'terminate', 'dossier-items'],
  agreement_reached: ['agreement/sign', 'performance', 'performance-failure', 'judicial-confirmation', 'follow-up-visits', 'terminate', 'dossier-items'],
  performing: ['performance', 'performance-failure', 'judicial-confirmation', 'follow-up-visits', 'dossier-items'],
  performed: ['follow-up-visits', 'dossier-items', 'archive'],
  performance_failed: ['follow-up-visits', 'dossier-items', 'archive'],
  judicial_confirmation_filed: ['judicial-confirmation/decision', 'performance', 'follow-up-visits', 'dossier-items'],
  confirmed: ['performance', 'performance-failure', 'follow-up-visits', 'dossier-items', 'archive'],
  not_confirmed: ['resume', 'performance', 'performance-failure', 'follow-up-visits', 'dossier-items', 'archive'],
  declined: ['dossier-items', 'archive'],
  terminated: ['dossier-items', 'archive'],
  archived: [],
};

export const MEDIATION_QUEUES: [string, string][] = [
  ['', '全部'],
  ['waiting_consent', '待同意'],
  ['session_this_week', '本周调解'],
  ['agreement_without_performance', '协议待履行'],
  ['confirmation_due_soon', '司法确认将到期'],
  ['overdue', '已超期'],
];

export const MEDIATION_DOCUMENTS: Record<string, string> = {
  application: '调解申请书（登记表）',
  'rights-notice': '权利义务告知书',
  agreement: '人民调解协议书',
  dossier: '卷宗目录',
};
export const PARTY_ROLE_LABEL: Record<string, string> = { applicant: '申请人', respondent: '被申请人', third_party: '第三人' };
