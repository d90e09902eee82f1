import type { DeskField, DeskStep } from './step-form';

/** 信访 (petitions API, 信访工作条例 2022): each step's form and the states that offer it. */
const reason = (label = '说明'): DeskField => ({ name: 'reason', label, kind: 'textarea' });
const OUTCOMES: [string, string][] = [
  ['support', '支持'],
  ['explain', '解释说明'],
  ['not_support', '不支持'],
];
const delivery = (title: string, path: string, action: string): DeskStep => ({
  key: path,
  title,
  path,
  action,
  primary: true,
  fields: [
    { name: 'receivedAt', label: '送达（签收）时间', kind: 'datetime', initial: 'now' },
    {
      name: 'method',
      label: '送达方式',
      kind: 'select',
      options: [
        ['in_person', '直接送达'],
        ['post', '邮寄送达'],
        ['online', '网上送达'],
      ],
      initial: 'in_person',
    },
  ],
});
const decision = (title: string, path: string, extra: DeskField[] = []): DeskStep => ({
  key: path,
  title,
  path,
  action: 'petition.review',
  primary: true,
  fields: [
    {
      name: 'outcome',
      label: '结论',
      kind: 'select',
      options: [
        ['upheld', '维持'],
        ['revised', '撤销或变更'],
      ],
    },
    { name: 'revisedOutcome', label: '变更后的意见', kind: 'select', options: OUTCOMES, showIf: { field: 'outcome', values: ['revised'] } },
    { name: 'reasons', label: '理由', kind: 'textarea' },
    { name: 'documentRef', label: '意见书编号', kind: 'text' },
    ...extra,
  ],
});

export type PetitionStepKey =
  | 'transfer'
  | 'assign'
  | 'objection'
  | 'objection-ruling'
  | 'acceptance'
  | 'redirect'
  | 'legal-procedure'
  | 'repeat'
  | 'handling'
  | 'extension'
  | 'settlement'
  | 'opinion'
  | 'opinion/delivery'
  | 'close'
  | 'review'
  | 'review/start'
  | 'review/decision'
  | 'review/decision/delivery'
  | 're-review'
  | 're-review/start'
  | 're-review/decision'
  | 'supervision';

export const PETITION_STEPS: Record<PetitionStepKey, DeskStep> = {
  transfer: {
    key: 'transfer',
    title: '转送',
    path: 'transfer',
    action: 'petition.route',
    primary: true,
    fields: [
      { name: 'toUnitId', label: '转送单位', kind: 'unit' },
      {
        name: 'route',
        label: '转送途径',
        kind: 'select',
        options: [
          ['competent_body', '有权处理的机关'],
          ['political_legal', '政法机关'],
          ['discipline_inspection', '纪检监察机关'],
        ],
        initial: 'competent_body',
      },
      reason(),
    ],
  },
  assign: {
    key: 'assign',
    title: '交办',
    path: 'assign',
    action: 'petition.route',
    fields: [{ name: 'toUnitId', label: '交办单位', kind: 'unit' }, { name: 'reportWithin', label: '报告结果期限（天）', kind: 'number' }, reason()],
  },
  objection: { key: 'objection', title: '提出异议（非本单位职责）', path: 'objection', action: 'petition.route', danger: true, fields: [reason('异议理由')] },
  'objection-ruling': {
    key: 'objection-ruling',
    title: '裁定异议',
    path: 'objection-ruling',
    action: 'petition.route',
    fields: [{ name: 'agreed', label: '同意异议', kind: 'switch', initial: false }, reason('裁定理由')],
  },
  acceptance: {
    key: 'acceptance',
    title: '告知受理',
    path: 'acceptance',
    action: 'petition.accept',
    primary: true,
    fields: [{ name: 'noticeRef', label: '受理告知书编号', kind: 'text' }, reason()],
  },
  redirect: {
    key: 'redirect',
    title: '告知向有权机关提出',
    path: 'redirect',
    action: 'petition.accept',
    fields: [{ name: 'toldToApplyTo', label: '有权处理的机关', kind: 'text' }, reason()],
  },
  'legal-procedure': {
    key: 'legal-procedure',
    title: '导入法定途径',
    path: 'legal-procedure',
    action: 'petition.accept',
    fields: [
      {
        name: 'procedure',
        label: '法定途径',
        kind: 'select',
        options: [
          ['litigation', '诉讼'],
          ['arbitration', '仲裁'],
          ['administrative_review', '行政复议'],
          ['other_statutory', '其他法定程序'],
        ],
      },
      { name: 'body', label: '受理机关', kind: 'text' },
      reason(),
    ],
  },
  repeat: {
    key: 'repeat',
    title: '重复信访不予受理',
    path: 'repeat',
    action: 'petition.accept',
    danger: true,
    fields: [{ name: 'relatedPetitionId', label: '正在办理的信访事项编号', kind: 'text' }, reason()],
  },
  handling: {
    key: 'handling',
    title: '开始办理',
    path: 'handling',
    action: 'petition.handle',
    primary: true,
    fields: [{ name: 'handlerIds', label: '承办人', kind: 'people' }, reason()],
  },
  extension: {
    key: 'extension',
    title: '延长办理期限',
    path: 'extension',
    action: 'petition.handle',
    fields: [{ name: 'extendBy', label: '延长天数（≤30）', kind: 'number' }, { name: 'approvedBy', label: '批准人', kind: 'text' }, reason('延期理由')],
  },
  settlement: {
    key: 'settlement',
    title: '记录和解或调解协议',
    path: 'settlement',
    action: 'petition.handle',
    fields: [
      {
        name: 'kind',
        label: '协议类型',
        kind: 'select',
        options: [
          ['mediation_agreement', '调解协议'],
          ['settlement_agreement', '和解协议'],
        ],
      },
      { name: 'consentingPartyIds', label: '同意的信访人', kind: 'parties' },
      { name: 'documentRef', label: '协议编号', kind: 'text' },
    ],
  },
  opinion: {
    key: 'opinion',
    title: '出具处理意见',
    path: 'opinion',
    action: 'petition.opinion',
    primary: true,
    fields: [
      { name: 'outcome', label: '处理意见', kind: 'select', options: OUTCOMES },
      { name: 'request', label: '信访人的请求', kind: 'textarea' },
      { name: 'factsAndReasons', label: '查明的事实和理由', kind: 'textarea' },
      { name: 'legalBasisCited', label: '依据', kind: 'textarea' },
      { name: 'documentRef', label: '意见书编号', kind: 'text' },
    ],
  },
  'opinion/delivery': delivery('送达处理意见', 'opinion/delivery', 'petition.opinion'),
  close: { key: 'close', title: '办结', path: 'close', action: 'petition.close', fields: [reason()] },
  review: {
    key: 'review',
    title: '登记复查申请',
    path: 'review',
    action: 'petition.review',
    fields: [
      { name: 'requestedAt', label: '申请时间', kind: 'datetime', initial: 'now' },
      { name: 'reviewingUnitId', label: '复查机关', kind: 'unit' },
      reason(),
    ],
  },
  'review/start': { key: 'review/start', title: '开始复查', path: 'review/start', action: 'petition.review', primary: true, fields: [reason()] },
  'review/decision': decision('出具复查意见', 'review/decision'),
  'review/decision/delivery': delivery('送达复查意见', 'review/decision/delivery', 'petition.review'),
  're-review': {
    key: 're-review',
    title: '登记复核申请',
    path: 're-review',
    action: 'petition.review',
    fields: [
      { name: 'requestedAt', label: '申请时间', kind: 'datetime', initial: 'now' },
      { name: 'reReviewingUnitId', label: '复核机关', kind: 'unit' },
      reason(),
    ],
  },
  're-review/start': { key: 're-review/start', title: '开始复核', path: 're-review/start', action: 'petition.review', primary: true, fields: [reason()] },
  're-review/decision': decision('出具复核意见', 're-review/decision', [{ name: 'publicised', label: '公开听证或公示', kind: 'switch', initial: false }]),
  supervision: {
    key: 'supervision',
    title: '督办',
    path: 'supervision',
    action: 'petition.supervise',
    fields: [
      {
        name: 'form',
        label: '督办形式',
        kind: 'select',
        options: [
          ['supervision', '督办'],
          ['listed', '挂牌督办'],
        ],
        initial: 'supervision',
      },
      {
        name: 'grounds',
        label: '督办事由',
        kind: 'multiselect',
        options: [
          ['improper_acceptance', '应受理未受理'],
          ['shirking', '推诿'],
          ['perfunctory', '敷衍'],
          ['delay', '拖延'],
          ['falsification', '弄虚作假'],
          ['refusal_to_execute', '拒不执行'],
        ],
      },
      reason('督办意见'),
    ],
  },
};

/** Which steps each state offers (the decider stays the judge: a refusal comes back with its reason). */
export const PETITION_STEPS_BY_STATUS: Record<string, readonly PetitionStepKey[]> = {
  registered: ['transfer', 'assign', 'acceptance', 'redirect', 'legal-procedure', 'repeat', 'supervision'],
  routed: ['acceptance', 'legal-procedure', 'repeat', 'objection', 'objection-ruling', 'supervision'],
  acceptance_notified: ['handling', 'supervision'],
  handling: ['opinion', 'extension', 'settlement', 'supervision'],
  opinion_issued: ['opinion/delivery', 'supervision'],
  delivered: ['review', 'close', 'supervision'],
  review_requested: ['review/start', 'supervision'],
  reviewing: ['review/decision', 'supervision'],
  review_decided: ['review/decision/delivery', 're-review', 'close', 'supervision'],
  re_review_requested: ['re-review/start', 'supervision'],
  re_reviewing: ['re-review/decision', 'supervision'],
  closed: [],
  terminated: [],
  not_accepted: [],
};

export const PETITION_VIEWS: [string, string][] = [
  ['', '全部'],
  ['near_due', '临期'],
  ['overdue', '超期'],
  ['repeat', '重复信访'],
  ['group_visit', '集体访'],
  ['supervised', '督办'],
];

export const CLOCK_LABEL: Record<string, string> = {
  routing: '登记转送期限',
  acceptance_notice: '告知受理期限',
  handling: '办理期限',
  objection: '异议期限',
  review_request: '申请复查期限',
  review: '复查期限',
  re_review_request: '申请复核期限',
  re_review: '复核期限',
  assignment_report: '交办报告期限',
};

export const PETITION_DOCUMENT_LABEL: Record<string, string> = {
  acceptance_notice: '受理告知书',
  non_acceptance_notice: '不予受理告知书',
  transfer_letter: '转送（交办）函',
  opinion: '信访处理意见书',
  review_decision: '复查意见书',
  re_review_decision: '复核意见书',
};

export const CHANNEL_LABEL: Record<string, string> = { letter: '来信', visit: '来访', online: '网上信访', phone: '电话', email: '电子邮件', fax: '传真' };
