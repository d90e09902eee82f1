/**
 * The figures of people's mediation and of petitions a centre reports (DESIGN §2 journey 5), from
 * analytics' own facts. Pure; the monthly report's second and third sheets use the same rows.
 *
 * Mediation (a district reports e.g. 7,735 taken, 7,666 settled, 99.11 %):
 *   taken = accepted for mediation (受理); settled = an agreement reached (调解成功);
 *   concluded = settled + terminated without agreement; successRate = settled / concluded
 *   (cases still being mediated count in neither), declined = 不予调解 or a party refused.
 * Petitions: registered, accepted (受理), not accepted, answered (处理意见送达), answered on time
 *   (within the handling deadline, its clock never breached), overdue (any legal clock breached),
 *   review and re-review requested, group visits, repeat petitions.
 */
import { answeredOnTime, MediationFacts, PetitionFacts } from './dispute-facts.projection';

export type MediationGroupBy = 'unit' | 'category' | 'month' | 'source' | 'level';
export type PetitionGroupBy = 'unit' | 'channel' | 'month' | 'source';

export const MEDIATION_GROUPS: readonly MediationGroupBy[] = ['unit', 'category', 'month', 'source', 'level'];
export const PETITION_GROUPS: readonly PetitionGroupBy[] = ['unit', 'channel', 'month', 'source'];

export interface MediationFigureRow {
  key: string;
  registered: number;
  taken: number;
  declined: number;
  settled: number;
  concluded: number;
  /** settled share of concluded, 0–1 */
  successRate: number;
  written: number;
  oral: number;
  overdue: number;
  transferred: number;
  judiciallyConfirmed: number;
  performed: number;
}

export interface PetitionFigureRow {
  key: string;
  registered: number;
  accepted: number;
  notAccepted: number;
  answered: number;
  answeredOnTime: number;
  /** on-time share of answered, 0–1 */
  onTimeRate: number;
  overdue: number;
  reviewRequested: number;
  reReviewRequested: number;
  /** review requests per answered petition, 0–1 */
  reviewRate: number;
  groupVisits: number;
  repeats: number;
}

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);
const UNKNOWN = '(unknown)';

function group<T, R extends { key: string }>(facts: readonly T[], keysOf: (f: T) => string[], empty: (key: string) => R, add: (row: R, f: T) => void): R[] {
  const acc = new Map<string, R>();
  for (const f of facts) {
    for (const key of keysOf(f)) {
      const row = acc.get(key) ?? empty(key);
      add(row, f);
      acc.set(key, row);
    }
  }
  return [...acc.values()].sort((x, y) => x.key.localeCompare(y.key));
}

function mediationKeys(f: MediationFacts, by: MediationGroupBy): string[] {
  switch (by) {
    case 'unit':
      return f.jurisdiction.length ? f.jurisdiction : [UNKNOWN];
    case 'category':
      return [f.category ?? UNKNOWN];
    case 'month':
      return [f.month ?? UNKNOWN];
    case 'source':
      return [f.source ?? UNKNOWN];
    case 'level':
      return [f.committeeLevel ?? UNKNOWN];
  }
}

export function mediationFigures(facts: readonly MediationFacts[], by: MediationGroupBy): MediationFigureRow[] {
  const rows = group(
    facts.filter((f) => f.registeredAt !== null),
    (f) => mediationKeys(f, by),
    (key): MediationFigureRow => ({
      key,
      registered: 0,
      taken: 0,
      declined: 0,
      settled: 0,
      concluded: 0,
      successRate: 0,
      written: 0,
      oral: 0,
      overdue: 0,
      transferred: 0,
      judiciallyConfirmed: 0,
      performed: 0,
    }),
    (r, f) => {
      r.registered += 1;
      if (f.accepted) r.taken += 1;
      if (f.declined) r.declined += 1;
      if (f.settled) r.settled += 1;
      if (f.settled || f.terminated) r.concluded += 1;
      if (f.settled && f.agreementForm === 'written') r.written += 1;
      if (f.settled && f.agreementForm === 'oral') r.oral += 1;
      if (f.breached) r.overdue += 1;
      if (f.transfers > 0) r.transferred += 1;
      if (f.judiciallyConfirmed === true) r.judiciallyConfirmed += 1;
      if (f.performed === true) r.performed += 1;
    },
  );
  for (const r of rows) r.successRate = rate(r.settled, r.concluded);
  return rows;
}

function petitionKeys(f: PetitionFacts, by: PetitionGroupBy): string[] {
  switch (by) {
    case 'unit':
      return f.jurisdiction.length ? f.jurisdiction : [UNKNOWN];
    case 'channel':
      return [f.channel ?? UNKNOWN];
    case 'month':
      return [f.month ?? UNKNOWN];
    case 'source':
      return [f.source ?? UNKNOWN];
  }
}

export function petitionFigures(facts: readonly PetitionFacts[], by: PetitionGroupBy): PetitionFigureRow[] {
  const rows = group(
    facts.filter((f) => f.registeredAt !== null),
    (f) => petitionKeys(f, by),
    (key): PetitionFigureRow => ({
      key,
      registered: 0,
      accepted: 0,
      notAccepted: 0,
      answered: 0,
      answeredOnTime: 0,
      onTimeRate: 0,
      overdue: 0,
      reviewRequested: 0,
      reReviewRequested: 0,
      reviewRate: 0,
      groupVisits: 0,
      repeats: 0,
    }),
    (r, f) => {
      r.registered += 1;
      if (f.accepted) r.accepted += 1;
      if (f.notAccepted) r.notAccepted += 1;
      if (f.answeredAt) r.answered += 1;
      if (answeredOnTime(f)) r.answeredOnTime += 1;
      if (f.breached) r.overdue += 1;
      if (f.reviewRequested) r.reviewRequested += 1;
      if (f.reReviewRequested) r.reReviewRequested += 1;
      if (f.groupVisitors > 0) r.groupVisits += 1;
      if (f.relatedPetitionId) r.repeats += 1;
    },
  );
  for (const r of rows) {
    r.onTimeRate = rate(r.answeredOnTime, r.answered);
    r.reviewRate = rate(r.reviewRequested, r.answered);
  }
  return rows;
}

export const MEDIATION_REPORT_HEADER = [
  '单位/分组',
  '登记数',
  '受理数',
  '不予调解数',
  '调解成功数',
  '办结数',
  '调解成功率',
  '书面协议',
  '口头协议',
  '超期数',
  '移交数',
  '司法确认数',
  '履行完毕数',
];
export const MEDIATION_RATE_COLUMNS = [7];
export function mediationReportCells(r: MediationFigureRow): Array<string | number> {
  return [
    r.key,
    r.registered,
    r.taken,
    r.declined,
    r.settled,
    r.concluded,
    r.successRate,
    r.written,
    r.oral,
    r.overdue,
    r.transferred,
    r.judiciallyConfirmed,
    r.performed,
  ];
}

export const PETITION_REPORT_HEADER = [
  '单位/分组',
  '登记数',
  '受理数',
  '不予受理数',
  '答复数',
  '按期答复数',
  '按期答复率',
  '超期数',
  '申请复查数',
  '申请复核数',
  '复查申请率',
  '集体访',
  '重复信访',
];
export const PETITION_RATE_COLUMNS = [7, 11];
export function petitionReportCells(r: PetitionFigureRow): Array<string | number> {
  return [
    r.key,
    r.registered,
    r.accepted,
    r.notAccepted,
    r.answered,
    r.answeredOnTime,
    r.onTimeRate,
    r.overdue,
    r.reviewRequested,
    r.reReviewRequested,
    r.reviewRate,
    r.groupVisits,
    r.repeats,
  ];
}
