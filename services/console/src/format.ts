/** Chinese labels and China-time dates for everything the console shows. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** `2026-12-06T00:43:55Z` → `2026/12/06 08:43` (China time, whatever the browser's zone). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d);
}

/** How long until (or since) a deadline, in words: `还剩 3 小时`, `已超期 2 天`. */
export function dueIn(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const text =
    abs >= 86_400_000
      ? `${Math.floor(abs / 86_400_000)} 天`
      : abs >= 3_600_000
        ? `${Math.floor(abs / 3_600_000)} 小时`
        : `${Math.max(1, Math.floor(abs / 60_000))} 分钟`;
  return ms >= 0 ? `还剩 ${text}` : `已超期 ${text}`;
}

export const ROLE_LABEL: Record<string, string> = {
  operator: '综治中心',
  grid_worker: '网格员',
  department: '职能部门',
  mediator: '人民调解员',
  petition_officer: '信访工作人员',
  auditor: '审计监督',
  admin: '系统管理员',
};

export const CHANNEL_LABEL: Record<string, string> = { grid_worker: '网格员上报', hotline: '热线', walk_in: '来访', online: '网上', video_alert: '视频发现' };
export const URGENCY_LABEL: Record<string, string> = { normal: '一般', urgent: '紧急', very_urgent: '非常紧急' };
export const LEVEL_LABEL: Record<string, string> = { village: '村居', town: '街镇', district: '区' };

/** Grid-case states (DESIGN §5.1) and intake's states before filing. */
export const STATUS_LABEL: Record<string, string> = {
  reported: '已上报，待受理',
  accepted: '已受理，待立案',
  not_accepted: '不予受理',
  declined: '不予受理',
  merged: '已合并',
  filed: '已立案，待派单',
  reopened: '已重新打开',
  dispatched: '待签收',
  objection: '退单待裁定',
  in_progress: '处置中',
  extension_requested: '延期待审批',
  suspended: '挂账',
  feedback_submitted: '待核查',
  verified: '已核查，待结案',
  closed: '已结案',
  callback_done: '已回访',
  archived: '已归档',
  merged_duplicate: '已合并（重复）',
  referred: '已移交',
};

export const STATUS_COLOR: Record<string, string> = {
  reported: '#8c8c8c',
  accepted: '#597ef7',
  filed: '#fa8c16',
  reopened: '#fa8c16',
  dispatched: '#faad14',
  objection: '#eb2f96',
  in_progress: '#1677ff',
  extension_requested: '#722ed1',
  suspended: '#a0a0a0',
  feedback_submitted: '#13c2c2',
  verified: '#52c41a',
  closed: '#389e0d',
  callback_done: '#237804',
  archived: '#5c5c5c',
  merged_duplicate: '#bfbfbf',
  referred: '#9254de',
  declined: '#bfbfbf',
  merged: '#bfbfbf',
};

export const statusLabel = (s: string): string => STATUS_LABEL[s] ?? s;
