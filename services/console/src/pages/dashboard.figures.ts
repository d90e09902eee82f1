/** The analytics API's figures and warnings, and the district-wide totals the dashboard shows. */
export interface FigureRow {
  key: string;
  taken: number;
  filed: number;
  closed: number;
  onTime: number;
  overdue: number;
  closedRate: number;
  onTimeRate: number;
  satisfaction: number | null;
  rated: number;
}

export interface MediationFigures {
  registered: number;
  taken: number;
  settled: number;
  declined: number;
  terminated: number;
  successRate: number;
}

export interface Warning {
  warningId: string;
  status: string;
  rule: string;
  ruleText?: string;
  raisedAt: string;
  explanation?: string;
  caseIds?: string[];
}

export const WARNING_RULE_LABEL: Record<string, string> = {
  'EW.REPEATED_PLACE': '同一地点反复发生',
  'EW.CATEGORY_SURGE': '同类事件激增',
  'EW.OVERDUE_RISING': '超期占比上升',
};
export const WARNING_STATUS_LABEL: Record<string, string> = { raised: '待处理', acknowledged: '已知悉', resolved: '已处置' };

const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);

/** Totals over rows that each count a case once (by month): rates from the sums, satisfaction weighted by the ratings. */
export function overall(rows: readonly FigureRow[]): {
  taken: number;
  filed: number;
  closed: number;
  closedRate: number;
  onTimeRate: number;
  satisfaction: number | null;
} {
  const sum = (f: (r: FigureRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  const rated = sum((r) => r.rated);
  return {
    taken: sum((r) => r.taken),
    filed: sum((r) => r.filed),
    closed: sum((r) => r.closed),
    closedRate: rate(
      sum((r) => r.closed),
      sum((r) => r.filed),
    ),
    onTimeRate: rate(
      sum((r) => r.onTime),
      sum((r) => r.closed),
    ),
    satisfaction: rated === 0 ? null : sum((r) => (r.satisfaction ?? 0) * r.rated) / rated,
  };
}
