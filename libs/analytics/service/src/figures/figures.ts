/**
 * The figures a centre reports (DESIGN §2 journey 5) from the case facts: per group (unit at any
 * level, category, channel, month): taken, filed, closed, on time, overdue, rework / suspension /
 * extension rates, satisfaction. Pure; the monthly report (CSV) is built from the same rows.
 */
import type { CaseFacts } from './case-facts.projection';

export type GroupBy = 'unit' | 'category' | 'channel' | 'month' | 'grid';
export const CASE_GROUPS: readonly GroupBy[] = ['unit', 'category', 'channel', 'month', 'grid'];

export interface FigureRow {
  key: string;
  taken: number;
  filed: number;
  closed: number;
  onTime: number;
  overdue: number;
  /** closed share of filed, 0–1 */
  closedRate: number;
  onTimeRate: number;
  reworkRate: number;
  suspensionRate: number;
  extensionRate: number;
  /** mean rating 1–5 of the callbacks, null without any */
  satisfaction: number | null;
  rated: number;
}

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

/** The keys a case counts under: for `unit`, every unit of its location path (district, town, village, grid). */
function keysOf(f: CaseFacts, by: GroupBy): string[] {
  switch (by) {
    case 'unit':
      return f.jurisdiction.length ? f.jurisdiction : ['(unknown)'];
    case 'category':
      return [f.category ?? '(unknown)'];
    case 'channel':
      return [f.channel ?? '(unknown)'];
    case 'month':
      return [f.month ?? '(unknown)'];
    case 'grid':
      return [f.gridId ?? '(unlocated)'];
  }
}

export function figures(facts: readonly CaseFacts[], by: GroupBy): FigureRow[] {
  const acc = new Map<
    string,
    {
      taken: number;
      filed: number;
      closed: number;
      onTime: number;
      overdue: number;
      reworked: number;
      suspended: number;
      extended: number;
      ratingSum: number;
      rated: number;
    }
  >();
  for (const f of facts) {
    if (!f.reportedAt && !f.filed) continue;
    for (const key of keysOf(f, by)) {
      const a = acc.get(key) ?? { taken: 0, filed: 0, closed: 0, onTime: 0, overdue: 0, reworked: 0, suspended: 0, extended: 0, ratingSum: 0, rated: 0 };
      a.taken += 1;
      if (f.filed) a.filed += 1;
      if (f.closed) a.closed += 1;
      if (f.closed && !f.breached) a.onTime += 1;
      if (f.breached) a.overdue += 1;
      if (f.reworks > 0) a.reworked += 1;
      if (f.suspensions > 0) a.suspended += 1;
      if (f.extensions > 0) a.extended += 1;
      if (f.rating !== null) {
        a.ratingSum += f.rating;
        a.rated += 1;
      }
      acc.set(key, a);
    }
  }
  return [...acc.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([key, a]) => ({
      key,
      taken: a.taken,
      filed: a.filed,
      closed: a.closed,
      onTime: a.onTime,
      overdue: a.overdue,
      closedRate: rate(a.closed, a.filed),
      onTimeRate: rate(a.onTime, a.closed),
      reworkRate: rate(a.reworked, a.filed),
      suspensionRate: rate(a.suspended, a.filed),
      extensionRate: rate(a.extended, a.filed),
      satisfaction: a.rated ? Math.round((a.ratingSum / a.rated) * 100) / 100 : null,
      rated: a.rated,
    }));
}

/** 1-based columns of REPORT_HEADER holding rates: 结案率 … 延期率 */
export const REPORT_RATE_COLUMNS = [7, 8, 9, 10, 11];

export const REPORT_HEADER = [
  '单位/分组',
  '受理数',
  '立案数',
  '结案数',
  '按期结案数',
  '超期数',
  '结案率',
  '按期率',
  '返工率',
  '挂账率',
  '延期率',
  '满意度',
  '评价数',
];

/** One row of the monthly report, in REPORT_HEADER's order. */
export function reportCells(r: FigureRow): Array<string | number | null> {
  return [
    r.key,
    r.taken,
    r.filed,
    r.closed,
    r.onTime,
    r.overdue,
    r.closedRate,
    r.onTimeRate,
    r.reworkRate,
    r.suspensionRate,
    r.extensionRate,
    r.satisfaction,
    r.rated,
  ];
}

/** The monthly report as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese header). */
export function figuresCsv(rows: readonly FigureRow[]): string {
  return reportCsv(REPORT_HEADER, rows.map(reportCells));
}

/**
 * Any report table as CSV: UTF-8 with BOM, CRLF, cells quoted where needed. A text cell that a
 * spreadsheet program would run as a formula (it starts with = + - @, TAB or CR; a group key can be
 * text someone typed, e.g. a mediation case's category) starts with an apostrophe instead, so it is
 * shown as the text it is (OWASP "CSV injection"). Numbers are written as they are.
 */
export function reportCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cell = (v: unknown) => {
    const raw = v === null || v === undefined ? '' : String(v);
    const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${raw}` : raw;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header, ...rows];
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
