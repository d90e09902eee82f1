import fc from 'fast-check';
import { appendAndVerifyEveryEvent } from '@fengqiao/testing';
import { Actor, CommandMeta, fold } from '@fengqiao/kernel';
import { deciderSpec } from '@fengqiao/kernel/testing';
import { gridCaseReportDecider as decider, toGridCaseReportStreamId } from './grid-case-report.decider';
import {
  CaseAccepted,
  CaseDeclined,
  CaseFiled,
  CaseMerged,
  CaseReported,
  GridCaseReportCommand,
  GridCaseReportEvent,
  GridCaseReportState,
  GridCaseReportStatus,
  ReportCaseData,
} from './grid-case-report.types';

const spec = deciderSpec(decider);
const caseId = 'case-1';
const gridWorker: Actor = { userId: 'gw-7', role: 'grid_worker', unitId: 'grid-3' };
const operator: Actor = { userId: 'op-1', role: 'operator', unitId: 'village-12' };
const T0 = '2025-03-03T09:15:00+08:00';
const T1 = '2025-03-03T09:40:00+08:00';
const meta = (actor: Actor, now: string, reason?: string): CommandMeta => ({
  actor,
  now,
  correlationId: 'corr-1',
  ...(reason !== undefined ? { reason } : {}),
});

const report: ReportCaseData = {
  caseId,
  channel: 'grid_worker',
  category: '消防通道占用',
  description: '小区3号楼消防通道被两辆私家车堵塞',
  location: { point: { lat: 36.6512, lng: 117.1201 }, address: '历下区某小区3号楼' },
  urgency: 'urgent',
  reporter: { anonymous: false, name: '张三', phone: '13800000000' },
  attachments: [{ ref: 'obj://photos/1.jpg', mediaType: 'image/jpeg' }],
  gridId: 'grid-3',
};

const reported: CaseReported = {
  type: 'CaseReported',
  data: {
    caseId,
    actor: gridWorker,
    at: T0,
    channel: 'grid_worker',
    category: '消防通道占用',
    description: report.description,
    location: report.location,
    urgency: 'urgent',
    reporter: report.reporter!,
    attachments: report.attachments!,
    gridId: 'grid-3',
  },
};
const accepted: CaseAccepted = { type: 'CaseAccepted', data: { caseId, actor: operator, at: T1 } };
const declined: CaseDeclined = {
  type: 'CaseDeclined',
  data: { caseId, actor: operator, at: T1, reason: '已当场答复', declineReason: 'answered_at_once' },
};
const filed: CaseFiled = {
  type: 'CaseFiled',
  data: {
    caseId,
    actor: operator,
    at: T1,
    level: 'village',
    category: '消防通道占用',
    urgency: 'urgent',
    gridId: 'grid-3',
    location: report.location,
    channel: 'grid_worker',
  },
};
const merged: CaseMerged = { type: 'CaseMerged', data: { caseId, actor: operator, at: T1, duplicateOf: 'case-0' } };

const history: Record<GridCaseReportStatus, GridCaseReportEvent[]> = {
  none: [],
  reported: [reported],
  accepted: [reported, accepted],
  not_accepted: [reported, declined],
  filed: [reported, accepted, filed],
  merged_duplicate: [reported, merged],
};
const statuses = Object.keys(history) as GridCaseReportStatus[];
const reportedState = () => fold(decider, [reported]) as Extract<GridCaseReportState, { status: 'reported' }>;

const cmd = {
  report: (data: Partial<ReportCaseData> = {}, actor: Actor = gridWorker): GridCaseReportCommand => ({
    type: 'ReportCase',
    data: { ...report, ...data },
    meta: meta(actor, T0),
  }),
  accept: (actor: Actor = operator): GridCaseReportCommand => ({ type: 'AcceptCase', data: { caseId }, meta: meta(actor, T1) }),
  decline: (
    data: Partial<Extract<GridCaseReportCommand, { type: 'DeclineCase' }>['data']> = {},
    reason: string | null = '已当场答复',
    actor: Actor = operator,
  ): GridCaseReportCommand => ({
    type: 'DeclineCase',
    data: { caseId, declineReason: 'answered_at_once', ...data },
    meta: meta(actor, T1, reason ?? undefined),
  }),
  file: (data: Partial<Extract<GridCaseReportCommand, { type: 'FileCase' }>['data']> = {}, actor: Actor = operator): GridCaseReportCommand => ({
    type: 'FileCase',
    data: { caseId, level: 'village', ...data },
    meta: meta(actor, T1),
  }),
  merge: (duplicateOf = 'case-0', actor: Actor = operator): GridCaseReportCommand => ({
    type: 'MergeAsDuplicate',
    data: { caseId, duplicateOf },
    meta: meta(actor, T1),
  }),
};

describe('gridCaseReportDecider — transitions', () => {
  it('ReportCase: none → reported (CaseReported carries actor, time and the whole report)', () => {
    spec.given([]).when(cmd.report()).then([reported]);
    spec
      .given([])
      .when(cmd.report())
      .thenState({
        status: 'reported',
        report: {
          caseId,
          channel: 'grid_worker',
          category: '消防通道占用',
          description: report.description,
          location: report.location,
          urgency: 'urgent',
          reporter: report.reporter,
          attachments: report.attachments!,
          gridId: 'grid-3',
          reportedAt: T0,
          reportedBy: gridWorker,
        },
      });
  });

  it.each(['hotline', 'walk_in', 'online', 'video_alert'] as const)('ReportCase by channel %s, unlocated (gridId null), address only', (channel) => {
    const events = spec
      .given([])
      .when(cmd.report({ channel, gridId: null, location: { address: '某街道某路口' }, attachments: undefined, reporter: undefined }, operator))
      .events();
    expect(events).toEqual([
      {
        type: 'CaseReported',
        data: {
          caseId,
          actor: operator,
          at: T0,
          channel,
          category: '消防通道占用',
          description: report.description,
          location: { address: '某街道某路口' },
          urgency: 'urgent',
          attachments: [],
          gridId: null,
        },
      },
    ]);
  });

  it('AcceptCase: reported → accepted', () => {
    spec.given(history.reported).when(cmd.accept()).then([accepted]);
    spec.given(history.reported).when(cmd.accept()).thenState({ status: 'accepted', report: reportedState().report, acceptedAt: T1 });
  });

  it.each([
    [{ declineReason: 'answered_at_once' as const }, '已当场答复咨询'],
    [{ declineReason: 'told_legal_route' as const, legalRoute: '民事诉讼' }, '属于民事纠纷，已告知可向人民法院起诉'],
    [{ declineReason: 'duplicate' as const, duplicateOf: 'case-0' }, '重复反映，已告知办理进展'],
  ])('DeclineCase %j: reported → not_accepted with the reason told', (data, reason) => {
    spec
      .given(history.reported)
      .when(cmd.decline(data, reason))
      .then([{ type: 'CaseDeclined', data: { caseId, actor: operator, at: T1, reason, ...data } }]);
    const state = fold(decider, [...history.reported, ...spec.given(history.reported).when(cmd.decline(data, reason)).events()]);
    expect(state).toMatchObject({ status: 'not_accepted', declinedAt: T1, ...data });
  });

  it('FileCase: accepted → filed, keeping the reported category, urgency and grid', () => {
    spec.given(history.accepted).when(cmd.file()).then([filed]);
    spec.given(history.accepted).when(cmd.file()).thenState({
      status: 'filed',
      report: reportedState().report,
      filedAt: T1,
      level: 'village',
      category: '消防通道占用',
      urgency: 'urgent',
      gridId: 'grid-3',
    });
  });

  it('FileCase may correct category, urgency and grid (also to unlocated)', () => {
    spec
      .given(history.accepted)
      .when(cmd.file({ category: '占道经营', urgency: 'normal', gridId: null, level: 'town' }))
      .then([{ ...filed, data: { ...filed.data, category: '占道经营', urgency: 'normal', gridId: null, level: 'town' } }]);
  });

  it('FileCase on a reported case accepts and files it in one decision', () => {
    spec.given(history.reported).when(cmd.file()).then([accepted, filed]);
  });

  it.each(['reported', 'accepted'] as const)('MergeAsDuplicate: %s → merged_duplicate', (status) => {
    spec.given(history[status]).when(cmd.merge()).then([merged]);
    expect(fold(decider, [...history[status], merged])).toMatchObject({ status: 'merged_duplicate', duplicateOf: 'case-0', mergedAt: T1 });
  });

  it('names the stream after the case', () => {
    expect(toGridCaseReportStreamId('abc')).toBe('grid-case-report-abc');
  });
});

describe('gridCaseReportDecider — refusals', () => {
  const allowed: Record<GridCaseReportCommand['type'], GridCaseReportStatus[]> = {
    ReportCase: ['none'],
    AcceptCase: ['reported'],
    DeclineCase: ['reported'],
    FileCase: ['reported', 'accepted'],
    MergeAsDuplicate: ['reported', 'accepted'],
  };
  const build: Record<GridCaseReportCommand['type'], () => GridCaseReportCommand> = {
    ReportCase: () => cmd.report(),
    AcceptCase: () => cmd.accept(),
    DeclineCase: () => cmd.decline(),
    FileCase: () => cmd.file(),
    MergeAsDuplicate: () => cmd.merge(),
  };
  const code: Record<GridCaseReportCommand['type'], string> = {
    ReportCase: 'GRID_CASE_REPORT.ALREADY_REPORTED',
    AcceptCase: 'GRID_CASE_REPORT.CANNOT_ACCEPT_CASE',
    DeclineCase: 'GRID_CASE_REPORT.CANNOT_DECLINE_CASE',
    FileCase: 'GRID_CASE_REPORT.CANNOT_FILE_CASE',
    MergeAsDuplicate: 'GRID_CASE_REPORT.CANNOT_MERGE_AS_DUPLICATE',
  };
  const cases = (Object.keys(allowed) as GridCaseReportCommand['type'][]).flatMap((type) =>
    statuses.filter((s) => !allowed[type].includes(s)).map((s) => [type, s] as const),
  );

  it.each(cases)('%s in state %s is refused', (type, status) => {
    if (status === 'none') {
      spec.given([]).when(build[type]()).thenThrows('GRID_CASE_REPORT.NOT_FOUND', 'not_found');
    } else {
      const e = spec.given(history[status]).when(build[type]()).thenThrows(code[type], 'illegal_state');
      expect(e.message).toMatch(/^事件当前状态为|已上报/);
    }
  });

  it('refuses a command for another case than the stream holds', () => {
    spec
      .given(history.reported)
      .when({ type: 'AcceptCase', data: { caseId: 'case-2' }, meta: meta(operator, T1) })
      .thenThrows('GRID_CASE_REPORT.CASE_ID_MISMATCH', 'validation');
  });

  it.each<[string, Partial<ReportCaseData>]>([
    ['CASE_ID_REQUIRED', { caseId: ' ' }],
    ['INVALID_CHANNEL', { channel: 'fax' as never }],
    ['CATEGORY_REQUIRED', { category: '' }],
    ['DESCRIPTION_REQUIRED', { description: '  ' }],
    ['DESCRIPTION_TOO_LONG', { description: '堵'.repeat(4001) }],
    ['INVALID_URGENCY', { urgency: 'asap' as never }],
    ['LOCATION_REQUIRED', { location: {} }],
    ['LOCATION_REQUIRED', { location: { address: ' ' } }],
    ['INVALID_POINT', { location: { point: { lat: 91, lng: 117 } } }],
    ['INVALID_POINT', { location: { point: { lat: 36, lng: Number.NaN } } }],
    ['INVALID_PHONE', { reporter: { anonymous: false, phone: 'call me' } }],
    ['TOO_MANY_ATTACHMENTS', { attachments: Array.from({ length: 21 }, (_, i) => ({ ref: `obj://${i}` })) }],
    ['INVALID_ATTACHMENT', { attachments: [{ ref: '' }] }],
    ['INVALID_GRID', { gridId: '' }],
  ])('ReportCase refuses invalid input: %s', (code, data) => {
    spec.given([]).when(cmd.report(data)).thenThrows(`GRID_CASE_REPORT.${code}`, 'validation');
  });

  it('ReportCase on the grid_worker channel must come from a grid worker', () => {
    spec.given([]).when(cmd.report({}, operator)).thenThrows('GRID_CASE_REPORT.FORBIDDEN_ROLE', 'forbidden');
  });

  it.each([
    ['AcceptCase', () => cmd.accept(gridWorker), 'reported'],
    ['DeclineCase', () => cmd.decline({}, '已答复', gridWorker), 'reported'],
    ['FileCase', () => cmd.file({}, gridWorker), 'accepted'],
    ['MergeAsDuplicate', () => cmd.merge('case-0', gridWorker), 'accepted'],
  ] as const)('%s is a centre decision: a grid worker is refused', (_type, build, status) => {
    spec.given(history[status]).when(build()).thenThrows('GRID_CASE_REPORT.FORBIDDEN_ROLE', 'forbidden');
  });

  it('DeclineCase requires the reason told to the reporter', () => {
    spec.given(history.reported).when(cmd.decline({}, null)).thenThrows('GRID_CASE_REPORT.REASON_REQUIRED', 'validation');
    spec.given(history.reported).when(cmd.decline({}, '   ')).thenThrows('GRID_CASE_REPORT.REASON_REQUIRED', 'validation');
  });

  it.each<[string, Partial<Extract<GridCaseReportCommand, { type: 'DeclineCase' }>['data']>]>([
    ['INVALID_DECLINE_REASON', { declineReason: 'busy' as never }],
    ['LEGAL_ROUTE_REQUIRED', { declineReason: 'told_legal_route' }],
    ['INVALID_DUPLICATE_OF', { declineReason: 'duplicate', duplicateOf: caseId }],
  ])('DeclineCase refuses %s', (code, data) => {
    spec.given(history.reported).when(cmd.decline(data)).thenThrows(`GRID_CASE_REPORT.${code}`, 'validation');
  });

  it.each<[string, Partial<Extract<GridCaseReportCommand, { type: 'FileCase' }>['data']>]>([
    ['INVALID_LEVEL', { level: 'province' as never }],
    ['CATEGORY_REQUIRED', { category: ' ' }],
    ['INVALID_URGENCY', { urgency: 'later' as never }],
    ['INVALID_GRID', { gridId: '' }],
  ])('FileCase refuses %s', (code, data) => {
    spec.given(history.accepted).when(cmd.file(data)).thenThrows(`GRID_CASE_REPORT.${code}`, 'validation');
  });

  it.each([caseId, ''])('MergeAsDuplicate refuses a duplicateOf of %j', (duplicateOf) => {
    spec.given(history.reported).when(cmd.merge(duplicateOf)).thenThrows('GRID_CASE_REPORT.INVALID_DUPLICATE_OF', 'validation');
  });
});

describe('gridCaseReportDecider — evolve', () => {
  it('never throws and ignores events that do not fit the state', () => {
    const all: GridCaseReportEvent[] = [reported, accepted, declined, filed, merged];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...all), { maxLength: 12 }), (events) => {
        const state = fold(decider, events);
        expect(statuses).toContain(state.status);
      }),
    );
    expect(fold(decider, [accepted, filed])).toEqual({ status: 'none' });
    expect(fold(decider, [reported, accepted, declined]).status).toBe('accepted');
  });
});

describe('grid case report events in the event store (append and verify agree)', () => {
  it('for every event type (the fixtures above, which the transitions assert the decider emits), with a human actor carrying every envelope field', async () => {
    const every: Record<GridCaseReportEvent['type'], true> = { CaseReported: true, CaseAccepted: true, CaseDeclined: true, CaseFiled: true, CaseMerged: true };
    const result = await appendAndVerifyEveryEvent(Object.values(history).flat(), 'grid-case-report-');
    expect(result.failures).toEqual([]);
    expect(result.types).toEqual(Object.keys(every).sort());
  });
});
