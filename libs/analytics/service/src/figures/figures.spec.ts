import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntakeCaseFiledV1, IntakeCaseReportedV1, IntegrationEvent, gridDispatchContracts, type WorkOrderEventName } from '@fengqiao/contracts';
import { CaseFacts, evolveCaseFacts } from './case-facts.projection';
import { figures, figuresCsv, REPORT_HEADER, REPORT_RATE_COLUMNS, reportCells, reportCsv } from './figures';
import { monthlyReportXlsx } from './monthly-report.xlsx';
import { readXlsxSheet, rowOf } from './xlsx-reader.testing';

let n = 0;
const ev = (type: string, subject: string, data: Record<string, unknown>): IntegrationEvent => ({
  id: `e-${++n}`,
  type,
  source: '/test',
  subject,
  time: '2026-03-02T09:00:00+08:00',
  correlationId: 'c',
  causationId: 'c',
  data,
});
const J = ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'];
const reported = (id: string, at = '2026-03-02T09:00:00+08:00') =>
  ev(IntakeCaseReportedV1.type, id, {
    caseId: id,
    channel: 'hotline',
    category: 'illegal_parking',
    description: 'x',
    urgency: 'normal',
    gridId: 'g-1-1-1',
    location: { address: '枫源村3组' },
    jurisdiction: J,
    reportedAt: at,
  });
const filed = (id: string) =>
  ev(IntakeCaseFiledV1.type, id, {
    caseId: id,
    jurisdiction: J,
    filedAt: '2026-03-02T10:00:00+08:00',
    level: 'village',
    category: 'illegal_parking',
    urgency: 'normal',
    gridId: 'g-1-1-1',
    channel: 'hotline',
    location: {},
  });
const wo = (name: WorkOrderEventName, id: string, extra: Record<string, unknown> = {}) =>
  ev(gridDispatchContracts[name].type, id, {
    caseId: id,
    event: name,
    jurisdiction: J,
    at: '2026-03-03T09:00:00+08:00',
    actor: { userId: 'u', role: 'operator', unitId: 'v-1-1' },
    status: 's',
    category: 'illegal_parking',
    urgency: 'normal',
    gridId: 'g-1-1-1',
    level: 'village',
    unitId: null,
    step: null,
    dueAt: null,
    ...extra,
  });

function fold(events: IntegrationEvent[]): CaseFacts[] {
  const docs = new Map<string, CaseFacts>();
  for (const e of events) docs.set(e.subject, evolveCaseFacts(docs.get(e.subject) ?? null, e));
  return [...docs.values()];
}

describe('evolveCaseFacts', () => {
  it('leaves the facts it is given as they were (a remembered or stored document), lists included', () => {
    const before = fold([reported('p'), filed('p')])[0];
    const snapshot = JSON.parse(JSON.stringify(before)) as CaseFacts;
    const after = [wo('ReworkOrdered', 'p'), wo('CaseClosed', 'p'), reported('p')].reduce<CaseFacts>((facts, e) => evolveCaseFacts(facts, e), before);
    expect(before).toEqual(snapshot);
    expect(after.applied).toHaveLength(5);
    expect(after).toMatchObject({ reworks: 1, closed: true, jurisdiction: J });
  });
});

describe('analytics figures from integration events', () => {
  const events = [
    reported('a'),
    filed('a'),
    wo('ReworkOrdered', 'a'),
    wo('CaseClosed', 'a'),
    wo('CallbackRecorded', 'a', { rating: 4 }),
    reported('b'),
    filed('b'),
    wo('DeadlineBreached', 'b'),
    wo('ExtensionGranted', 'b'),
    wo('CaseClosed', 'b'),
    wo('CallbackRecorded', 'b', { rating: 2 }),
    reported('c'),
    filed('c'),
    wo('CaseSuspended', 'c'),
    reported('d', '2026-04-01T09:00:00+08:00'),
  ];

  it('counts taken, filed, closed, on time, overdue and the rates per unit at every level, per month', () => {
    const rows = figures(fold(events), 'unit');
    expect(rows.map((r) => r.key)).toEqual(['d-fq', 'g-1-1-1', 't-1', 'v-1-1']);
    expect(rows.find((r) => r.key === 'v-1-1')).toEqual({
      key: 'v-1-1',
      taken: 4,
      filed: 3,
      closed: 2,
      onTime: 1,
      overdue: 1,
      closedRate: 0.6667,
      onTimeRate: 0.5,
      reworkRate: 0.3333,
      suspensionRate: 0.3333,
      extensionRate: 0.3333,
      satisfaction: 3,
      rated: 2,
    });
    expect(figures(fold(events), 'month').map((r) => [r.key, r.taken])).toEqual([
      ['2026-03', 3],
      ['2026-04', 1],
    ]);
  });

  it('keeps the category name intake published, and drops it when filing changed the category without a name', () => {
    const named = (e: IntegrationEvent, categoryName: string, category?: string): IntegrationEvent => ({
      ...e,
      data: { ...(e.data as Record<string, unknown>), categoryName, ...(category ? { category } : {}) },
    });
    expect(fold([named(reported('n1'), '违章停车'), filed('n1')])[0]).toMatchObject({ category: 'illegal_parking', categoryName: '违章停车' });
    expect(
      fold([named(reported('n2'), '违章停车'), { ...filed('n2'), data: { ...(filed('n2').data as Record<string, unknown>), category: 'garbage' } }])[0],
    ).toMatchObject({ category: 'garbage', categoryName: null });
    expect(fold([named(reported('n3'), '违章停车'), named(filed('n3'), '生活垃圾', 'garbage')])[0]).toMatchObject({
      category: 'garbage',
      categoryName: '生活垃圾',
    });
  });

  it('is unchanged by a redelivered event (run twice)', () => {
    expect(figures(fold([...events, ...events]), 'unit')).toEqual(figures(fold(events), 'unit'));
  });

  it('writes a group key that would be a spreadsheet formula as text (found by hand: a mediation category =HYPERLINK(...) reached monthly.csv?kind=mediation&by=category as a live formula)', () => {
    const csv = reportCsv(
      ['单位/分组', '数'],
      [
        ['=HYPERLINK("http://evil.example","点击")', 1],
        ['+1+1', 2],
        ['-1+1', 3],
        ['@SUM(A1)', 4],
        ['\t=1', 5],
        ['neighbour_dispute', -6],
      ],
    );
    expect(csv.split('\r\n').slice(1, -1)).toEqual([
      `"'=HYPERLINK(""http://evil.example"",""点击"")",1`,
      "'+1+1,2",
      "'-1+1,3",
      "'@SUM(A1),4",
      "'\t=1,5",
      'neighbour_dispute,-6',
    ]);
  });

  it('writes the monthly report as CSV and as XLSX that a reader independent of exceljs (unzip + the sheet XML) opens with the same figures', async () => {
    const rows = figures(fold(events), 'unit');
    const csv = figuresCsv(rows);
    expect(csv.startsWith('\uFEFF单位/分组,受理数,立案数,结案数')).toBe(true);
    expect(csv).toContain('\r\nv-1-1,4,3,2,1,1,0.6667,0.5,');

    const dir = mkdtempSync(join(tmpdir(), 'fq-xlsx-'));
    const file = join(dir, 'report.xlsx');
    writeFileSync(
      file,
      await monthlyReportXlsx([
        {
          name: '事件办理',
          title: '事件办理情况月报（2026-03，按单位）',
          header: REPORT_HEADER,
          rows: rows.map(reportCells),
          rateColumns: REPORT_RATE_COLUMNS,
        },
      ]),
    );
    const cells = readXlsxSheet(file, 1);
    expect(cells.get('A1')).toBe('事件办理情况月报（2026-03，按单位）');
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => cells.get(`${String.fromCharCode(64 + c)}2`))).toEqual([
      '单位/分组',
      '受理数',
      '立案数',
      '结案数',
      '按期结案数',
      '超期数',
      '结案率',
    ]);
    const r = rowOf(cells, 'v-1-1');
    expect(['B', 'C', 'D', 'E', 'F', 'G', 'L'].map((c) => Number(cells.get(`${c}${r}`)))).toEqual([4, 3, 2, 1, 1, 0.6667, 3]);
  });
});
