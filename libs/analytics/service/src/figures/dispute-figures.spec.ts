import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IntegrationEvent,
  MediationCaseEventData,
  MediationCaseEventName,
  mediationContracts,
  PetitionEventData,
  PetitionEventName,
  petitionsContracts,
  PetitionSourceRecordedV1,
} from '@fengqiao/contracts';
import { evolveMediationFacts, evolvePetitionFacts, MediationFacts, PetitionFacts } from './dispute-facts.projection';
import {
  MEDIATION_RATE_COLUMNS,
  MEDIATION_REPORT_HEADER,
  mediationFigures,
  mediationReportCells,
  PETITION_RATE_COLUMNS,
  PETITION_REPORT_HEADER,
  petitionFigures,
  petitionReportCells,
} from './dispute-figures';
import { reportCsv } from './figures';
import { monthlyReportXlsx } from './monthly-report.xlsx';
import { readXlsxSheet, rowOf } from './xlsx-reader.testing';

let n = 0;
const J = ['d-fq', 't-1', 'v-1-1', 'mc-v-1-1'];
const actor = { userId: 'med.v-1-1', role: 'mediator', unitId: 'mc-v-1-1' };

const med = (
  name: MediationCaseEventName,
  caseId: string,
  extra: Partial<MediationCaseEventData> = {},
  at = '2026-03-02T09:00:00+08:00',
): IntegrationEvent => ({
  id: `m-${++n}`,
  type: mediationContracts[name].type,
  source: '/test',
  subject: caseId,
  time: at,
  correlationId: 'c',
  causationId: 'c',
  data: { caseId, event: name, jurisdiction: J, at, actor, committeeId: 'mc-v-1-1', ...extra },
});

const pet = (name: PetitionEventName, id: string, extra: Partial<PetitionEventData> = {}, at = '2026-03-02T09:00:00+08:00'): IntegrationEvent => ({
  id: `p-${++n}`,
  type: petitionsContracts[name].type,
  source: '/test',
  subject: id,
  time: at,
  correlationId: 'c',
  causationId: 'c',
  data: {
    petitionId: id,
    event: name,
    jurisdiction: ['d-fq', 't-1'],
    at,
    actor: { userId: 'po', role: 'petition_officer', unitId: 't-1' },
    status: null,
    legalBasis: null,
    unitId: null,
    ...extra,
  },
});

function foldMediation(events: IntegrationEvent[]): MediationFacts[] {
  const docs = new Map<string, MediationFacts>();
  for (const e of events) docs.set(e.subject, evolveMediationFacts(docs.get(e.subject) ?? null, e));
  return [...docs.values()];
}
function foldPetitions(events: IntegrationEvent[]): PetitionFacts[] {
  const docs = new Map<string, PetitionFacts>();
  for (const e of events) docs.set(e.subject, evolvePetitionFacts(docs.get(e.subject) ?? null, e));
  return [...docs.values()];
}

describe('people’s mediation figures from integration events', () => {
  const registered = (id: string, extra: Partial<MediationCaseEventData> = {}, at?: string) =>
    med('DisputeRegistered', id, { source: 'referred_from_grid_case', category: 'neighbour_dispute', committeeLevel: 'village', partyCount: 2, ...extra }, at);
  const events = [
    registered('a'),
    med('MediationAccepted', 'a'),
    med('AgreementReached', 'a', { agreementForm: 'written' }),
    med('JudicialConfirmationDecided', 'a', { confirmed: true }),
    med('PerformanceRecorded', 'a', { complete: true }),
    registered('b'),
    med('MediationAccepted', 'b'),
    med('AgreementReached', 'b', { agreementForm: 'oral' }),
    med('DeadlineBreached', 'b'),
    registered('c', { source: 'application', category: 'family' }),
    med('MediationAccepted', 'c'),
    med('MediationTerminated', 'c', { routesTold: ['litigation'] }),
    registered('d'),
    med('ConsentRefused', 'd'),
    registered('e', {}, '2026-04-03T09:00:00+08:00'),
    med('MediationAccepted', 'e'),
    // terminated, then resumed and settled: counts once, as settled
    registered('f'),
    med('MediationAccepted', 'f'),
    med('MediationTerminated', 'f'),
    med('MediationResumed', 'f'),
    med('AgreementReached', 'f', { agreementForm: 'written' }),
  ];

  it('counts registered, taken, settled, concluded and the success rate; cases still being mediated count in neither', () => {
    const rows = mediationFigures(foldMediation(events), 'unit');
    expect(rows.map((r) => r.key)).toEqual(['d-fq', 'mc-v-1-1', 't-1', 'v-1-1']);
    expect(rows.find((r) => r.key === 'v-1-1')).toEqual({
      key: 'v-1-1',
      registered: 6,
      taken: 5,
      declined: 1,
      settled: 3,
      concluded: 4,
      successRate: 0.75,
      written: 2,
      oral: 1,
      overdue: 1,
      transferred: 0,
      judiciallyConfirmed: 1,
      performed: 1,
    });
    expect(mediationFigures(foldMediation(events), 'month').map((r) => [r.key, r.registered])).toEqual([
      ['2026-03', 5],
      ['2026-04', 1],
    ]);
    expect(mediationFigures(foldMediation(events), 'category').map((r) => [r.key, r.settled, r.concluded])).toEqual([
      ['family', 0, 1],
      ['neighbour_dispute', 3, 3],
    ]);
  });

  it('is unchanged by redelivered events, and ignores events of other topics', () => {
    const foreign: IntegrationEvent = { ...events[0], id: 'x', type: 'cn.fengqiao.intake.case.reported.v1' };
    expect(mediationFigures(foldMediation([...events, ...events, foreign]), 'unit')).toEqual(mediationFigures(foldMediation(events), 'unit'));
  });
});

describe('petition figures from integration events', () => {
  const handling = { kind: 'handling', ruleId: 'petition.handling', dueAt: '2026-05-01T00:00:00+08:00', legalBasis: '信访工作条例§32' };
  const events = [
    pet('PetitionRegistered', 'p1', { channel: 'online', status: 'registered' }),
    {
      ...pet('PetitionRegistered', 'p1'),
      id: 'src-1',
      type: PetitionSourceRecordedV1.type,
      data: { petitionId: 'p1', at: '2026-03-02T09:00:00+08:00', jurisdiction: ['d-fq', 't-1'], source: 'online_form' },
    },
    pet('AcceptanceNotified', 'p1'),
    pet('HandlingStarted', 'p1', { deadline: handling }),
    pet('OpinionDelivered', 'p1', {}, '2026-04-20T09:00:00+08:00'),
    pet('PetitionRegistered', 'p2', { channel: 'visit', groupVisit: { visitors: 8, representatives: 3 } }),
    pet('HandlingStarted', 'p2', { deadline: handling }),
    pet('DeadlineBreached', 'p2', { deadline: handling }),
    pet('OpinionDelivered', 'p2', {}, '2026-05-03T09:00:00+08:00'),
    pet('ReviewRequested', 'p2'),
    pet('PetitionRegistered', 'p3', { channel: 'letter' }),
    pet('PetitionNotAccepted', 'p3', { outcome: 'litigation' }),
    pet('PetitionRegistered', 'p4', { channel: 'online', relatedPetitionId: 'p1' }),
  ];

  it('counts registered, accepted, answered on time, overdue, reviews, group visits and repeats', () => {
    const rows = petitionFigures(foldPetitions(events as IntegrationEvent[]), 'unit');
    expect(rows.find((r) => r.key === 't-1')).toEqual({
      key: 't-1',
      registered: 4,
      accepted: 2,
      notAccepted: 1,
      answered: 2,
      answeredOnTime: 1,
      onTimeRate: 0.5,
      overdue: 1,
      reviewRequested: 1,
      reReviewRequested: 0,
      reviewRate: 0.5,
      groupVisits: 1,
      repeats: 1,
    });
    expect(petitionFigures(foldPetitions(events as IntegrationEvent[]), 'channel').map((r) => [r.key, r.registered])).toEqual([
      ['letter', 1],
      ['online', 2],
      ['visit', 1],
    ]);
    expect(petitionFigures(foldPetitions(events as IntegrationEvent[]), 'source').map((r) => [r.key, r.registered])).toEqual([
      ['(unknown)', 3],
      ['online_form', 1],
    ]);
  });

  it('an opinion delivered after the handling deadline is not on time even without a breach event', () => {
    const late = [
      pet('PetitionRegistered', 'q'),
      pet('HandlingStarted', 'q', { deadline: handling }),
      pet('OpinionDelivered', 'q', {}, '2026-05-02T09:00:00+08:00'),
    ];
    expect(petitionFigures(foldPetitions(late), 'unit')[0]).toMatchObject({ answered: 1, answeredOnTime: 0 });
  });

  it('the monthly report’s mediation and petition sheets (XLSX, read without exceljs) and CSVs hold the same figures', async () => {
    const mRows = mediationFigures(
      foldMediation([
        med('DisputeRegistered', 'z', { category: 'family' }),
        med('MediationAccepted', 'z'),
        med('AgreementReached', 'z', { agreementForm: 'oral' }),
      ]),
      'unit',
    );
    const pRows = petitionFigures(foldPetitions(events as IntegrationEvent[]), 'unit');
    const dir = mkdtempSync(join(tmpdir(), 'fq-xlsx-'));
    const file = join(dir, 'report.xlsx');
    writeFileSync(
      file,
      await monthlyReportXlsx([
        {
          name: '矛盾纠纷调解',
          title: '人民调解工作月报',
          header: MEDIATION_REPORT_HEADER,
          rows: mRows.map(mediationReportCells),
          rateColumns: MEDIATION_RATE_COLUMNS,
        },
        { name: '信访', title: '信访工作月报', header: PETITION_REPORT_HEADER, rows: pRows.map(petitionReportCells), rateColumns: PETITION_RATE_COLUMNS },
      ]),
    );
    const m = readXlsxSheet(file, 1);
    expect(m.get('A1')).toBe('人民调解工作月报');
    expect(['A', 'B', 'C', 'E', 'G'].map((c) => m.get(`${c}2`))).toEqual(['单位/分组', '登记数', '受理数', '调解成功数', '调解成功率']);
    const mr = rowOf(m, 'mc-v-1-1');
    expect(['B', 'C', 'E', 'F', 'G', 'I'].map((c) => Number(m.get(`${c}${mr}`)))).toEqual([1, 1, 1, 1, 1, 1]);
    const p = readXlsxSheet(file, 2);
    const pr = rowOf(p, 't-1');
    expect(['B', 'C', 'E', 'F', 'G', 'L', 'M'].map((c) => Number(p.get(`${c}${pr}`)))).toEqual([4, 2, 2, 1, 0.5, 1, 1]);
    expect(reportCsv(PETITION_REPORT_HEADER, pRows.map(petitionReportCells))).toContain('\r\nt-1,4,2,1,2,1,0.5,1,1,0,0.5,1,1\r\n');
  });
});
