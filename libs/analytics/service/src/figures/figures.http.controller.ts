/**
 * Oversight (DESIGN §2 journey 5), action `analytics.board`, inside the caller's jurisdiction:
 *   GET /analytics/figures?by=unit|category|channel|month|grid&month=yyyy-mm
 *   GET /analytics/cases/:caseId               the facts of one case behind the figures
 *   GET /analytics/mediation/figures?by=unit|category|month|source|level&month=yyyy-mm   people's mediation
 *   GET /analytics/petitions/figures?by=unit|channel|month|source&month=yyyy-mm        petitions
 *   GET /analytics/mediation/cases/:caseId, /analytics/petitions/:petitionId   the facts behind them
 *   GET /analytics/reports/monthly.csv?month=yyyy-mm&by=unit&kind=cases|mediation|petitions
 *   GET /analytics/reports/monthly.xlsx?month=yyyy-mm&by=unit   three sheets: cases, mediation, petitions
 *   GET /analytics/warnings?status=raised|acknowledged|resolved   early warnings with rule, evidence, explanation
 *   POST /analytics/warnings/:warningId/acknowledge | resolve  {note}   (operators: action analytics.warning)
 */
import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@fengqiao/identity';
import { NotFoundError, ValidationError } from '@fengqiao/kernel';
import {
  assertInJurisdiction,
  CurrentPrincipal,
  inJurisdiction,
  jurisdictionFilter,
  RequireAction,
  runtimeToken,
  type ContextRuntime,
} from '@fengqiao/platform';
import { handleWarning, listWarnings } from '../warnings/early-warnings';
import { WarningListResponse, WarningResponse } from '../warnings/early-warnings.response';
import { CASE_FACTS, type CaseFacts } from './case-facts.projection';
import { MEDIATION_FACTS, PETITION_FACTS, type MediationFacts, type PetitionFacts } from './dispute-facts.projection';
import {
  MEDIATION_GROUPS,
  MEDIATION_RATE_COLUMNS,
  MEDIATION_REPORT_HEADER,
  mediationFigures,
  mediationReportCells,
  PETITION_GROUPS,
  PETITION_RATE_COLUMNS,
  PETITION_REPORT_HEADER,
  petitionFigures,
  petitionReportCells,
  type MediationGroupBy,
  type PetitionGroupBy,
} from './dispute-figures';
import { CASE_GROUPS, figures, REPORT_HEADER, REPORT_RATE_COLUMNS, reportCells, reportCsv, type GroupBy } from './figures';
import {
  CaseFactsResponse,
  CaseFiguresResponse,
  MediationFactsResponse,
  MediationFiguresResponse,
  PetitionFactsResponse,
  PetitionFiguresResponse,
} from './figures.response';
import { monthlyReportXlsx } from './monthly-report.xlsx';

const GROUP_LABEL: Record<string, string> = {
  unit: '单位',
  category: '类别',
  channel: '渠道',
  month: '月份',
  grid: '网格',
  source: '来源',
  level: '调解组织层级',
};
const KINDS = ['cases', 'mediation', 'petitions'] as const;

function groupOf<G extends string = GroupBy>(by: string | undefined, groups: readonly G[] = CASE_GROUPS as unknown as readonly G[]): G {
  const g = (by ?? 'unit') as G;
  if (!groups.includes(g)) throw new ValidationError('ANALYTICS.BAD_GROUP', `分组只能是 ${groups.join('、')}`, { field: 'by' });
  return g;
}

/** The grouping of a report sheet: the one asked for where the sheet has it, else by unit. */
const sheetGroup = <G extends string>(by: string, groups: readonly G[]): G => (groups.includes(by as G) ? (by as G) : ('unit' as G));

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
    return this.inScope<CaseFacts>(CASE_FACTS, principal, month);
  }

  private inScope<T extends object>(collection: string, principal: Principal, month: string | undefined): Promise<T[]> {
    return this.runtime.infra.readStore.find<T>(collection, { $and: [jurisdictionFilter(principal, 'analytics.board'), monthFilter(month)] });
  }

  /** People's mediation: registered, taken, settled, success rate … per unit, category, month, source or committee level. */
  @RequireAction('analytics.board')
  @Get('mediation/figures')
  @ApiOperation({ summary: '人民调解统计：登记、受理、调解成功率等' })
  @ApiOkResponse({ type: MediationFiguresResponse })
  async mediationFigures(
    @CurrentPrincipal() principal: Principal,
    @Query('by') by?: string,
    @Query('month') month?: string,
  ): Promise<MediationFiguresResponse> {
    const group = groupOf<MediationGroupBy>(by, MEDIATION_GROUPS);
    return { by: group, ...(month ? { month } : {}), rows: mediationFigures(await this.inScope<MediationFacts>(MEDIATION_FACTS, principal, month), group) };
  }

  /** What analytics knows of one mediation case (the facts behind the figures). */
  @RequireAction('analytics.board')
  @Get('mediation/cases/:caseId')
  @ApiOperation({ summary: '一件调解案件的统计事实' })
  @ApiOkResponse({ type: MediationFactsResponse })
  async mediationFacts(@CurrentPrincipal() principal: Principal, @Param('caseId') caseId: string): Promise<MediationFactsResponse> {
    return this.factsOf<MediationFacts>(principal, MEDIATION_FACTS, caseId, 'mediation_case', '统计中没有该调解案件');
  }

  private async factsOf<T extends { jurisdiction: string[] }>(principal: Principal, collection: string, id: string, type: string, missing: string) {
    const facts = await this.runtime.infra.readStore.get<T & { applied: string[] }>(collection, id);
    if (!facts) throw new NotFoundError('ANALYTICS.CASE_NOT_FOUND', missing);
    assertInJurisdiction(principal, facts.jurisdiction, 'analytics.board', { type, id });
    const { _id: _i, _revision: _r, applied: _a, ...rest } = facts;
    return rest;
  }

  /** Petitions: registered, accepted, answered on time, reviews, group visits, repeats … per unit, channel, month or source. */
  @RequireAction('analytics.board')
  @Get('petitions/figures')
  @ApiOperation({ summary: '信访统计：登记、受理、按期答复、复查复核等' })
  @ApiOkResponse({ type: PetitionFiguresResponse })
  async petitionFigures(@CurrentPrincipal() principal: Principal, @Query('by') by?: string, @Query('month') month?: string): Promise<PetitionFiguresResponse> {
    const group = groupOf<PetitionGroupBy>(by, PETITION_GROUPS);
    return { by: group, ...(month ? { month } : {}), rows: petitionFigures(await this.inScope<PetitionFacts>(PETITION_FACTS, principal, month), group) };
  }

  @RequireAction('analytics.board')
  @Get('figures')
  @ApiOperation({ summary: '网格事件统计：上报、立案、按期办结、超期等' })
  @ApiOkResponse({ type: CaseFiguresResponse })
  async figures(@CurrentPrincipal() principal: Principal, @Query('by') by?: string, @Query('month') month?: string): Promise<CaseFiguresResponse> {
    const group = groupOf(by);
    return { by: group, ...(month ? { month } : {}), rows: figures(await this.facts(principal, month), group) };
  }

  /** What analytics knows of one case (the facts behind the figures). */
  @RequireAction('analytics.board')
  @Get('cases/:caseId')
  @ApiOperation({ summary: '一件网格事件的统计事实' })
  @ApiOkResponse({ type: CaseFactsResponse })
  async caseFacts(@CurrentPrincipal() principal: Principal, @Param('caseId') caseId: string): Promise<CaseFactsResponse> {
    return this.factsOf<CaseFacts>(principal, CASE_FACTS, caseId, 'case', '统计中没有该事件');
  }

  // declared after petitions/figures: Express matches routes in declaration order
  /** What analytics knows of one petition (the facts behind the figures). */
  @RequireAction('analytics.board')
  @Get('petitions/:petitionId')
  @ApiOperation({ summary: '一件信访事项的统计事实' })
  @ApiOkResponse({ type: PetitionFactsResponse })
  async petitionFacts(@CurrentPrincipal() principal: Principal, @Param('petitionId') petitionId: string): Promise<PetitionFactsResponse> {
    return this.factsOf<PetitionFacts>(principal, PETITION_FACTS, petitionId, 'petition', '统计中没有该信访事项');
  }

  @RequireAction('analytics.board')
  @Get('reports/monthly.csv')
  @ApiOperation({ summary: '月度报表（CSV）' })
  @Header('content-type', 'text/csv; charset=utf-8')
  async monthlyCsv(@CurrentPrincipal() principal: Principal, @Query('month') month?: string, @Query('by') by?: string, @Query('kind') kind?: string) {
    const k = kind ?? 'cases';
    if (!(KINDS as readonly string[]).includes(k)) throw new ValidationError('ANALYTICS.BAD_KIND', `报表种类只能是 ${KINDS.join('、')}`, { field: 'kind' });
    if (k === 'mediation') {
      return reportCsv(
        MEDIATION_REPORT_HEADER,
        mediationFigures(await this.inScope<MediationFacts>(MEDIATION_FACTS, principal, month), groupOf<MediationGroupBy>(by, MEDIATION_GROUPS)).map(
          mediationReportCells,
        ),
      );
    }
    if (k === 'petitions') {
      return reportCsv(
        PETITION_REPORT_HEADER,
        petitionFigures(await this.inScope<PetitionFacts>(PETITION_FACTS, principal, month), groupOf<PetitionGroupBy>(by, PETITION_GROUPS)).map(
          petitionReportCells,
        ),
      );
    }
    return reportCsv(REPORT_HEADER, figures(await this.facts(principal, month), groupOf(by)).map(reportCells));
  }

  @RequireAction('analytics.board')
  @Get('reports/monthly.xlsx')
  @ApiOperation({ summary: '月度报表（Excel，含各分表）' })
  @Header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async monthlyXlsx(@CurrentPrincipal() principal: Principal, @Query('month') month?: string, @Query('by') by?: string) {
    const group = groupOf(by);
    const period = month ?? '全部月份';
    const mg = sheetGroup<MediationGroupBy>(group, MEDIATION_GROUPS);
    const pg = sheetGroup<PetitionGroupBy>(group, PETITION_GROUPS);
    const file = await monthlyReportXlsx([
      {
        name: '事件办理',
        title: `事件办理情况月报（${period}，按${GROUP_LABEL[group]}）`,
        header: REPORT_HEADER,
        rows: figures(await this.facts(principal, month), group).map(reportCells),
        rateColumns: REPORT_RATE_COLUMNS,
      },
      {
        name: '矛盾纠纷调解',
        title: `人民调解工作月报（${period}，按${GROUP_LABEL[mg]}）`,
        header: MEDIATION_REPORT_HEADER,
        rows: mediationFigures(await this.inScope<MediationFacts>(MEDIATION_FACTS, principal, month), mg).map(mediationReportCells),
        rateColumns: MEDIATION_RATE_COLUMNS,
      },
      {
        name: '信访',
        title: `信访工作月报（${period}，按${GROUP_LABEL[pg]}）`,
        header: PETITION_REPORT_HEADER,
        rows: petitionFigures(await this.inScope<PetitionFacts>(PETITION_FACTS, principal, month), pg).map(petitionReportCells),
        rateColumns: PETITION_RATE_COLUMNS,
      },
    ]);
    return new StreamableFile(file, { disposition: `attachment; filename="monthly-report-${month ?? 'all'}.xlsx"` });
  }

  @RequireAction('analytics.board')
  @Get('warnings')
  @ApiOperation({ summary: '预警列表' })
  @ApiOkResponse({ type: WarningListResponse })
  async warnings(@CurrentPrincipal() principal: Principal, @Query('status') status?: string): Promise<WarningListResponse> {
    const all = await listWarnings(this.runtime);
    return { warnings: all.filter((w) => inJurisdiction(principal, w.jurisdiction, 'analytics.board') && (status === undefined || w.status === status)) };
  }

  @RequireAction('analytics.warning')
  @Post('warnings/:warningId/acknowledge')
  @ApiOperation({ summary: '签收预警' })
  @HttpCode(200)
  @ApiOkResponse({ type: WarningResponse })
  async acknowledge(@CurrentPrincipal() principal: Principal, @Param('warningId') warningId: string, @Body() body: WarningNoteDto): Promise<WarningResponse> {
    return handleWarning(this.runtime, principal, warningId, 'acknowledge', body.note);
  }

  @RequireAction('analytics.warning')
  @Post('warnings/:warningId/resolve')
  @ApiOperation({ summary: '处置完毕预警' })
  @HttpCode(200)
  @ApiOkResponse({ type: WarningResponse })
  async resolve(@CurrentPrincipal() principal: Principal, @Param('warningId') warningId: string, @Body() body: WarningNoteDto): Promise<WarningResponse> {
    return handleWarning(this.runtime, principal, warningId, 'resolve', body.note);
  }
}
