import type { CaseAction } from './case-actions';

/** One form per case action: its title, the API route it posts to, and its fields (the API validates them). */
export type FieldKind = 'text' | 'textarea' | 'select' | 'unit' | 'grid' | 'number' | 'rate' | 'switch' | 'supervision' | 'photos';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  options?: [string, string][];
  placeholder?: string;
  /** shown only when another field has one of these values */
  showIf?: { field: string; values: unknown[] };
  initial?: unknown;
}

export interface ActionForm {
  title: string;
  /** button style */
  primary?: boolean;
  danger?: boolean;
  /** 'intake' posts to /intake/cases/:id/<path>, 'grid' to /grid-dispatch/cases/:id/<path> */
  api: 'intake' | 'grid';
  path: string;
  fields: FieldSpec[];
}

const reason = (label = '理由或说明'): FieldSpec => ({ name: 'reason', label, kind: 'textarea' });
const DURATION_UNITS: [string, string][] = [
  ['working_days', '工作日'],
  ['working_hours', '工作小时'],
  ['calendar_days', '自然日'],
];

export const ACTION_FORMS: Record<CaseAction, ActionForm> = {
  'intake.accept': { title: '受理', primary: true, api: 'intake', path: 'accept', fields: [reason('受理说明')] },
  'intake.decline': {
    title: '不予受理',
    danger: true,
    api: 'intake',
    path: 'decline',
    fields: [
      {
        name: 'declineReason',
        label: '不予受理原因',
        kind: 'select',
        options: [
          ['answered_at_once', '即时答复'],
          ['told_legal_route', '告知法定途径'],
          ['duplicate', '重复反映'],
        ],
      },
      reason('答复或告知内容'),
      { name: 'legalRoute', label: '告知的法定途径', kind: 'text', showIf: { field: 'declineReason', values: ['told_legal_route'] } },
      { name: 'duplicateOf', label: '原事件编号', kind: 'text', showIf: { field: 'declineReason', values: ['duplicate'] } },
    ],
  },
  'intake.file': {
    title: '立案',
    primary: true,
    api: 'intake',
    path: 'file',
    fields: [
      {
        name: 'urgency',
        label: '紧急程度（可更正）',
        kind: 'select',
        options: [
          ['normal', '一般'],
          ['urgent', '紧急'],
          ['very_urgent', '非常紧急'],
        ],
      },
      { name: 'gridId', label: '网格（待定位事件须指定）', kind: 'grid' },
      reason('立案说明'),
    ],
  },
  'intake.merge': { title: '合并重复', api: 'intake', path: 'merge', fields: [{ name: 'duplicateOf', label: '合并到的原事件编号', kind: 'text' }, reason()] },
  dispatch: { title: '派单', primary: true, api: 'grid', path: 'dispatch', fields: [{ name: 'unitId', label: '承办单位', kind: 'unit' }, reason('派单说明')] },
  accept: { title: '签收', primary: true, api: 'grid', path: 'accept', fields: [reason('签收说明')] },
  object: { title: '退单', danger: true, api: 'grid', path: 'object', fields: [reason('退单理由')] },
  'rule-objection': {
    title: '裁定退单',
    primary: true,
    api: 'grid',
    path: 'rule-objection',
    fields: [
      {
        name: 'decision',
        label: '裁定结果',
        kind: 'select',
        options: [
          ['upheld', '退单成立，改派'],
          ['rejected', '退单不成立，原单位继续办理'],
        ],
      },
      { name: 'newUnitId', label: '改派单位', kind: 'unit', showIf: { field: 'decision', values: ['upheld'] } },
      reason('裁定理由'),
    ],
  },
  progress: {
    title: '记录进展',
    api: 'grid',
    path: 'progress',
    fields: [
      { name: 'note', label: '办理进展', kind: 'textarea' },
      { name: 'attachments', label: '现场照片（JPEG、PNG 或 WebP，每张不超过 5 MB）', kind: 'photos' },
    ],
  },
  feedback: {
    title: '办结反馈',
    primary: true,
    api: 'grid',
    path: 'feedback',
    fields: [
      { name: 'result', label: '办理结果', kind: 'textarea' },
      { name: 'attachments', label: '现场照片（JPEG、PNG 或 WebP，每张不超过 5 MB）', kind: 'photos' },
    ],
  },
  'request-extension': {
    title: '申请延期',
    api: 'grid',
    path: 'request-extension',
    fields: [
      { name: 'duration', label: '延期时长', kind: 'number' },
      { name: 'unit', label: '时长单位', kind: 'select', options: DURATION_UNITS, initial: 'working_days' },
      reason('延期理由'),
    ],
  },
  'rule-extension': {
    title: '审批延期',
    primary: true,
    api: 'grid',
    path: 'rule-extension',
    fields: [
      {
        name: 'decision',
        label: '审批结果',
        kind: 'select',
        options: [
          ['granted', '批准'],
          ['denied', '不批准'],
        ],
      },
      { name: 'duration', label: '批准时长（默认按申请）', kind: 'number', showIf: { field: 'decision', values: ['granted'] } },
      { name: 'unit', label: '时长单位', kind: 'select', options: DURATION_UNITS, showIf: { field: 'decision', values: ['granted'] } },
      reason('审批意见'),
    ],
  },
  suspend: { title: '挂账', api: 'grid', path: 'suspend', fields: [reason('挂账理由')] },
  resume: { title: '恢复办理', primary: true, api: 'grid', path: 'resume', fields: [reason()] },
  verify: {
    title: '核查',
    primary: true,
    api: 'grid',
    path: 'verify',
    fields: [
      {
        name: 'result',
        label: '核查结果',
        kind: 'select',
        options: [
          ['pass', '核查通过'],
          ['fail', '核查不通过，返工'],
        ],
      },
      { name: 'findings', label: '核查情况', kind: 'textarea' },
    ],
  },
  close: { title: '结案', primary: true, api: 'grid', path: 'close', fields: [{ name: 'summary', label: '结案意见', kind: 'textarea' }] },
  callback: {
    title: '回访',
    primary: true,
    api: 'grid',
    path: 'callback',
    fields: [
      { name: 'rating', label: '评价', kind: 'rate' },
      { name: 'satisfied', label: '是否满意', kind: 'switch', initial: true },
      { name: 'comment', label: '回访记录', kind: 'textarea' },
    ],
  },
  archive: { title: '归档', api: 'grid', path: 'archive', fields: [reason()] },
  reopen: { title: '重新打开', danger: true, api: 'grid', path: 'reopen', fields: [reason('重新打开的理由')] },
  merge: { title: '合并重复', api: 'grid', path: 'merge', fields: [{ name: 'duplicateOf', label: '重复的是哪一个事件（事件编号）', kind: 'text' }, reason()] },
  refer: {
    title: '移交',
    api: 'grid',
    path: 'refer',
    fields: [
      {
        name: 'target',
        label: '移交去向',
        kind: 'select',
        options: [
          ['mediation', '转人民调解'],
          ['petitions', '转信访'],
        ],
      },
      reason('移交理由'),
    ],
  },
  supervise: { title: '督办', api: 'grid', path: 'supervise', fields: [{ name: 'opinion', label: '督办意见', kind: 'textarea' }] },
  'answer-supervision': {
    title: '答复督办',
    primary: true,
    api: 'grid',
    path: 'answer-supervision',
    fields: [
      { name: 'supervisionId', label: '督办', kind: 'supervision' },
      { name: 'answer', label: '督办答复', kind: 'textarea' },
    ],
  },
  escalate: { title: '提级', api: 'grid', path: 'escalate', fields: [reason('提级理由')] },
};

/** The request body from the form's values: empty strings left out (the API says what is missing), numbers as numbers. */
export function bodyOf(form: ActionForm, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of form.fields) {
    const v = values[f.name];
    if (f.showIf && !f.showIf.values.includes(values[f.showIf.field])) continue;
    if (v === undefined || v === null || v === '') continue;
    if (f.kind === 'photos') {
      if (Array.isArray(v) && v.length) body[f.name] = v;
      continue;
    }
    body[f.name] = f.kind === 'number' || f.kind === 'rate' ? Number(v) : f.kind === 'textarea' || f.kind === 'text' ? String(v).trim() : v;
  }
  return body;
}
