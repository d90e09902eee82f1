/**
 * Oversight (DESIGN §2 journey 5), action `analytics.board`, inside the caller's jurisdiction:
 *   GET /analytics/figures?by=unit|category|channel|month|grid&month=yyyy-mm
 *   GET /analytics/cases/:caseId               the facts of one case behind the figures
 *   GET /analytics/reports/monthly.csv?month=yyyy-mm&by=unit   (and monthly.xlsx)
 *   GET /analytics/warnings?status=raised|acknowledged|resolved   early warnings with rule, evidence, explanation
 *   POST /analytics/warnings/:warningId/acknowledge | resolve  {note}   (operators: action analytics.warning)
 */
import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '@fengqiao/identity';
import { NotFoundError, ValidationError } from '@fengqiao/kernel';
import { assertInJurisdiction, CurrentPrincipal, inJurisdiction, jurisdictionFilter, RequireAction, runtimeToken, type ContextRuntime } from '@fengqiao/platform';
import { handleWarning, listWarnings } from '../warnings/early-warnings';
import { CASE_FACTS, type CaseFacts } from './case-facts.projection';
import { figures, figuresCsv, type GroupBy } from './figures';
import { monthlyReportXlsx } from './monthly-report.xlsx';

const GROUPS: readonly GroupBy[] = ['unit', 'category', 'channel', 'month', 'grid'];
const GROUP_LABEL: Record<GroupBy, string> = { unit: '单位', category: '类别', channel: '渠道', month: '月份', grid: '网格' };

function groupOf(by: string | undefined): GroupBy {
  const g = (by ?? 'unit') as GroupBy;
  if (!GROUPS.includes(g)) throw new ValidationError('ANALYTICS.BAD_GROUP', `分组只能是 ${GROUPS.join('、')}`, { field: 'by' });
  return g;
}

function monthFilter(month: string | undefined): Record<string, unknown> {
  if (month === undefined) return {};
  if (!/^\d{4}-\d{2}$/.test(month)) throw new ValidationError('ANALYTICS.BAD_MONTH', '月份格式为 yyyy-mm', { field: 'month' });
  return { month };
}

export class WarningNoteDto {
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note!: string;
}

@ApiTags('analytics')
@Controller('analytics')
export class FiguresController {
  constructor(@Inject(runtimeToken('analytics')) private readonly runtime: ContextRuntime) {}

  private async facts(principal: Principal, month: string | undefined): Promise<CaseFacts[]> {
    return this.runtime.infra.readStore.find<CaseFacts>(CASE_FACTS, { $and: [jurisdictionFilter(principal, 'analytics.board'), monthFilter(month)] });
  }

  @RequireAction('analytics.board')
  @Get('figures')
  async figures(@CurrentPrincipal() principal: Principal, @Query('by') by?: string, @Query('month') month?: string) {
    const group = groupOf(by);
    return { by: group, ...(month ? { month } : {}), rows: figures(await this.facts(principal, month), group) };
  }

  /** What analytics knows of one case (the facts behind the figures). */
  @RequireAction('analytics.board')
  @Get('cases/:caseId')
  async caseFacts(@CurrentPrincipal() principal: Principal, @Param('caseId') caseId: string) {
    const facts = await this.runtime.infra.readStore.get<CaseFacts>(CASE_FACTS, caseId);
    if (!facts) throw new NotFoundError('ANALYTICS.CASE_NOT_FOUND', '统计中没有该事件');
    assertInJurisdiction(principal, facts.jurisdiction, 'analytics.board', { type: 'case', id: caseId });
    const { _id: _i, _revision: _r, applied: _a, ...rest } = facts;
    return rest;
  }

  @RequireAction('analytics.board')
  @Get('reports/monthly.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async monthlyCsv(@CurrentPrincipal() principal: Principal, @Query('month') month?: string, @Query('by') by?: string) {
    return figuresCsv(figures(await this.facts(principal, month), groupOf(by)));
  }

  @RequireAction('analytics.board')
  @Get('reports/monthly.xlsx')
  @Header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async monthlyXlsx(@CurrentPrincipal() principal: Principal, @Query('month') month?: string, @Query('by') by?: string) {
    const group = groupOf(by);
    const title = `事件办理情况月报（${month ?? '全部月份'}，按${GROUP_LABEL[group]}）`;
    const file = await monthlyReportXlsx(figures(await this.facts(principal, month), group), title);
    return new StreamableFile(file, { disposition: `attachment; filename="monthly-report-${month ?? 'all'}.xlsx"` });
  }

  @RequireAction('analytics.board')
  @Get('warnings')
  async warnings(@CurrentPrincipal() principal: Principal, @Query('status') status?: string) {
    const all = await listWarnings(this.runtime);
    return { warnings: all.filter((w) => inJurisdiction(principal, w.jurisdiction, 'analytics.board') && (status === undefined || w.status === status)) };
  }

  @RequireAction('analytics.warning')
  @Post('warnings/:warningId/acknowledge')
  @HttpCode(200)
  async acknowledge(@CurrentPrincipal() principal: Principal, @Param('warningId') warningId: string, @Body() body: WarningNoteDto) {
    return handleWarning(this.runtime, principal, warningId, 'acknowledge', body.note);
  }

  @RequireAction('analytics.warning')
  @Post('warnings/:warningId/resolve')
  @HttpCode(200)
  async resolve(@CurrentPrincipal() principal: Principal, @Param('warningId') warningId: string, @Body() body: WarningNoteDto) {
    return handleWarning(this.runtime, principal, warningId, 'resolve', body.note);
  }
}
