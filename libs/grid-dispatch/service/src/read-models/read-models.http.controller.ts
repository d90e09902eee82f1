import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GRID_CASE_STATUS_LABEL, GridCaseStatus } from '@fengqiao/grid-dispatch-domain';
import type { Principal } from '@fengqiao/identity';
import { NotFoundError, ValidationError } from '@fengqiao/kernel';
import { assertInJurisdiction, CurrentPrincipal, etagOf, HeaderResponse, jurisdictionFilter, RequireAction } from '@fengqiao/platform';
import { ReadDoc, ReadQuery, ReadSort } from '@fengqiao/read-store';
import { GridCases } from '../application/grid-cases';

import { resolveRoute } from '../reference-data/routing-rules';
import { GRID_CASE_VIEW, GridCaseView, QUEUE_KINDS, QueueKind, TimerView } from './grid-case-view.projection';
import { INTAKE_REPORTS, IntakeReportView } from './intake-report.projection';
import { BoardQuery, QueueQuery } from './read-models.request.dto';
import { BOARD_RESPONSE_SCHEMA, CASE_DETAIL_SCHEMA, QUEUE_RESPONSE_SCHEMA } from './read-models.schemas';

type StoredView = ReadDoc<GridCaseView> & { _stream?: string };

/** Fields the server keeps for its own queries (sorting, the scheduler's ticks): epoch-millisecond copies of instants the API gives as ISO strings. */
type ServerOnly = 'filedAtMs' | 'updatedAtMs' | 'nextTimerAtMs' | 'nextTimerBucket' | 'dueSortMs';
/** The running deadline as the API gives it: without its epoch-millisecond copies. */
export type CaseTimer = Omit<TimerView, 'dueAtMs' | 'warnAtMs'>;
/** A case as listed: the view without its timeline, internal state and server-only fields, with its revision and "overdue now". */
export type CaseListItem = Omit<GridCaseView, 'timeline' | 'state' | 'timer' | ServerOnly> & { timer: CaseTimer | null; revision: number; overdue: boolean };
export type CaseDetail = CaseListItem & {
  timeline: GridCaseView['timeline'];
  /** what intake published about the report (absent until its event arrives) */
  report?: Omit<IntakeReportView, 'caseId'>;
};

const LIST_PROJECTION = { timeline: 0, state: 0 } as const;
const DEFAULT_PAGE_SIZE = 20;
const STATUSES = Object.keys(GRID_CASE_STATUS_LABEL).filter((s) => s !== 'none') as GridCaseStatus[];

function item<T extends Partial<StoredView>>(
  doc: T,
  nowMs: number,
): Omit<T, '_id' | '_revision' | '_stream' | 'state' | 'timer' | ServerOnly> & { timer?: CaseTimer | null; revision: number; overdue: boolean } {
  const {
    _id: _i,
    _revision,
    _stream: _s,
    state: _state,
    filedAtMs: _f,
    updatedAtMs: _u,
    nextTimerAtMs: _n,
    nextTimerBucket: _b,
    dueSortMs: _d,
    timer: storedTimer,
    ...rest
  } = doc;
  return {
    ...rest,
    ...(storedTimer !== undefined ? { timer: storedTimer && shownTimer(storedTimer) } : {}),
    revision: _revision ?? -1,
    overdue: !!storedTimer && storedTimer.dueAtMs < nowMs,
  };
}

function shownTimer(timer: TimerView): CaseTimer {
  const { dueAtMs: _due, warnAtMs: _warn, ...shown } = timer;
  return shown;
}

const and = (...parts: (ReadQuery | undefined)[]): ReadQuery => {
  const list = parts.filter((p): p is ReadQuery => p !== undefined && Object.keys(p).length > 0);
  return list.length === 0 ? {} : list.length === 1 ? list[0] : { $and: list };
};

function paging(q: { page?: number; pageSize?: number }): { page: number; pageSize: number; skip: number } {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, skip: (page - 1) * pageSize };
}

export interface BoardResponse {
  /** the instant "overdue" was judged at */
  now: string;
  items: CaseListItem[];
  total: number;
  page: number;
  pageSize: number;
  /** per status, with every filter but the status one (tabs of the board) */
  counts: { status: string; label: string; count: number }[];
}

export interface QueueItem extends CaseListItem {
  /** why the case waits for the caller: its next step, and/or a supervision to answer */
  waitingFor: (QueueKind | 'supervision')[];
  /** for cases waiting for dispatch: the unit today's routing table would choose, if any */
  suggestedUnitId?: string;
}

export interface QueueResponse {
  now: string;
  items: QueueItem[];
  total: number;
  page: number;
  pageSize: number;
  counts: { kind: string; label: string; count: number }[];
}

/** Next steps a centre (operator) takes, and those the assigned unit takes. */
const CENTRE_KINDS = (Object.keys(QUEUE_KINDS) as QueueKind[]).filter((k) => QUEUE_KINDS[k].who === 'centre');
const UNIT_KINDS = (Object.keys(QUEUE_KINDS) as QueueKind[]).filter((k) => QUEUE_KINDS[k].who === 'unit');

/**
 * The read side of grid-dispatch: the case board, the work queues and a case with its timeline.
 * Jurisdiction is part of every query (`jurisdictionFilter`), never applied after the fact.
 */
@ApiTags('grid-dispatch')
@ApiBearerAuth()
@Controller('grid-dispatch')
export class ReadModelsController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @Get('board')
  @RequireAction('case.list')
  @ApiOkResponse({ schema: BOARD_RESPONSE_SCHEMA, description: '一页事件，及各状态的数量 (a page of cases, and the count per status)' })
  @ApiOperation({ summary: '事件看板：按状态、类别、网格、承办单位、是否超期筛选，分页，并按状态计数' })
  async board(@Query() q: BoardQuery, @CurrentPrincipal() p: Principal): Promise<BoardResponse> {
    const store = this.cases.runtime.infra.readStore;
    const now = this.cases.clock.now();
    const nowMs = now.getTime();
    const statuses = q.status?.split(',');
    const unknown = statuses?.filter((s) => !STATUSES.includes(s as GridCaseStatus)) ?? [];
    if (unknown.length) throw new ValidationError('GRID_DISPATCH.INVALID_STATUS', `未知的状态：${unknown.join('、')}`, { field: 'status', unknown });
    const scope = jurisdictionFilter(p, 'case.list');
    const filters = and(
      scope,
      q.category !== undefined ? { category: q.category } : undefined,
      q.gridId !== undefined ? { gridId: q.gridId } : undefined,
      q.unitId !== undefined ? { unitId: q.unitId } : undefined,
      q.urgency !== undefined ? { urgency: q.urgency } : undefined,
      q.level !== undefined ? { level: q.level } : undefined,
      q.overdue === 'true'
        ? { 'timer.dueAtMs': { $lt: nowMs } }
        : q.overdue === 'false'
          ? { $or: [{ timer: null }, { 'timer.dueAtMs': { $gte: nowMs } }] }
          : undefined,
    );
    const query = and(filters, statuses ? { status: { $in: statuses } } : undefined);
    const { page, pageSize, skip } = paging(q);
    const sort: ReadSort = q.sort === 'due' ? { dueSortMs: 1 } : { updatedAtMs: -1 };
    const [docs, total, byStatus] = await Promise.all([
      store.find<GridCaseView>(GRID_CASE_VIEW, query, { sort, skip, limit: pageSize, projection: LIST_PROJECTION }),
      store.count(GRID_CASE_VIEW, query),
      store.aggregateCounts(GRID_CASE_VIEW, filters, 'status'),
    ]);
    return {
      now: now.toISOString(),
      items: docs.map((d) => item(d, nowMs) as CaseListItem),
      total,
      page,
      pageSize,
      counts: byStatus.map((c) => ({ status: String(c.key), label: GRID_CASE_STATUS_LABEL[c.key as GridCaseStatus] ?? String(c.key), count: c.count })),
    };
  }

  @Get('queue')
  @ApiOkResponse({ schema: QUEUE_RESPONSE_SCHEMA, description: '等调用者处理的事件 (the cases waiting for the caller)' })
  @RequireAction('case.list')
  @ApiOperation({
    summary:
      '我的待办：承办单位（部门、网格员）待签收、办理中、返工、待答复督办；综治中心待派单（含无法自动派单）、退单待裁定、延期待审批、待核查、待结案、待回访等',
  })
  async queue(@Query() q: QueueQuery, @CurrentPrincipal() p: Principal): Promise<QueueResponse> {
    const store = this.cases.runtime.infra.readStore;
    const now = this.cases.clock.now();
    const nowMs = now.getTime();
    const centre = p.roles.includes('operator');
    const unit = p.roles.includes('department') || p.roles.includes('grid_worker');
    const kind = q.kind;
    const parts: ReadQuery[] = [];
    if (centre && kind !== 'supervision') {
      const kinds = kind ? CENTRE_KINDS.filter((k) => k === kind) : CENTRE_KINDS;
      if (kinds.length) parts.push({ queueKind: { $in: kinds } });
    }
    if (unit) {
      const kinds = kind ? UNIT_KINDS.filter((k) => k === kind) : UNIT_KINDS;
      if (kinds.length) parts.push({ unitId: p.unitId, queueKind: { $in: kinds } });
      if (!kind || kind === 'supervision') parts.push({ unitId: p.unitId, openSupervisions: { $gt: 0 } });
    }
    const { page, pageSize, skip } = paging(q);
    if (parts.length === 0) return { now: now.toISOString(), items: [], total: 0, page, pageSize, counts: [] };
    const query = and(jurisdictionFilter(p, 'case.list'), parts.length === 1 ? parts[0] : { $or: parts });
    const [docs, total, byKind, supervisions] = await Promise.all([
      store.find<GridCaseView>(GRID_CASE_VIEW, query, { sort: { dueSortMs: 1 }, skip, limit: pageSize, projection: LIST_PROJECTION }),
      store.count(GRID_CASE_VIEW, query),
      store.aggregateCounts(GRID_CASE_VIEW, query, 'queueKind'),
      unit ? store.count(GRID_CASE_VIEW, and(query, { unitId: p.unitId, openSupervisions: { $gt: 0 } })) : Promise.resolve(0),
    ]);
    const routing = docs.some((d) => d.queueKind === 'dispatch') ? await this.cases.tables.routingRules.current() : null;
    const items = docs.map((d): QueueItem => {
      const base = item(d, nowMs) as CaseListItem;
      const waitingFor: (QueueKind | 'supervision')[] = [];
      if (d.queueKind && ((centre && QUEUE_KINDS[d.queueKind].who === 'centre') || (unit && d.unitId === p.unitId && QUEUE_KINDS[d.queueKind].who === 'unit')))
        waitingFor.push(d.queueKind);
      if (unit && d.unitId === p.unitId && d.openSupervisions > 0) waitingFor.push('supervision');
      const match = d.queueKind === 'dispatch' && routing ? resolveRoute(routing.rows, d.category, { gridId: d.gridId, path: d.jurisdiction }) : undefined;
      return { ...base, waitingFor, ...(match ? { suggestedUnitId: match.rule.unitId } : {}) };
    });
    const counts: QueueResponse['counts'] = byKind
      .filter((c) => typeof c.key === 'string' && c.key in QUEUE_KINDS && (kind === undefined || c.key === kind))
      .filter((c) => (centre && QUEUE_KINDS[c.key as QueueKind].who === 'centre') || (unit && QUEUE_KINDS[c.key as QueueKind].who === 'unit'))
      .map((c) => ({ kind: String(c.key), label: QUEUE_KINDS[c.key as QueueKind].label, count: c.count }));
    if (supervisions > 0) counts.push({ kind: 'supervision', label: '待答复督办', count: supervisions });
    return { now: now.toISOString(), items, total, page, pageSize, counts };
  }

  @Get('cases/:caseId')
  @RequireAction('case.read')
  @ApiOperation({ summary: '工单详情及全过程时间线（每一步的操作人、时间、期限、预警和超期）' })
  @ApiOkResponse({ schema: CASE_DETAIL_SCHEMA, description: 'ETag 头为工单的版本 (the ETag is the case’s revision)' })
  async detail(@Param('caseId') caseId: string, @CurrentPrincipal() p: Principal, @Res({ passthrough: true }) res: HeaderResponse): Promise<CaseDetail> {
    const doc = await this.cases.runtime.infra.readStore.get<GridCaseView & { _stream?: string }>(GRID_CASE_VIEW, caseId);
    if (!doc) throw new NotFoundError('GRID_CASE.NOT_FOUND', `工单 ${caseId} 不存在`, { caseId });
    assertInJurisdiction(p, doc.jurisdiction, 'case.read', { type: 'case', id: caseId });
    const report = await this.cases.runtime.infra.readStore.get<IntakeReportView>(INTAKE_REPORTS, caseId);
    res.setHeader('ETag', etagOf(doc._revision));
    return {
      ...(item(doc, this.cases.clock.now().getTime()) as CaseDetail),
      ...(report ? { report: { channel: report.channel, description: report.description, reportedAt: report.reportedAt } } : {}),
    };
  }
}
