/**
 * Oversight (DESIGN §2 journey 5), action `analytics.board`, inside the caller's jurisdiction:
 *   GET /analytics/figures?by=unit|category|channel|month|grid&month=yyyy-mm
 *   GET /analytics/reports/monthly.csv?month=yyyy-mm&by=unit
 *   GET /analytics/warnings                     early warnings with rule, evidence and explanation
 */
import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '@fengqiao/identity';
import { ValidationError } from '@fengqiao/kernel';
import { CurrentPrincipal, jurisdictionFilter, RequireAction, runtimeToken, type ContextRuntime } from '@fengqiao/platform';
import { WARNING_STREAM_PREFIX } from './analytics.consumer';
import { CASE_FACTS, type CaseFacts } from './case-facts.projection';
import { figures, figuresCsv, type GroupBy } from './figures';

const GROUPS: readonly GroupBy[] = ['unit', 'category', 'channel', 'month', 'grid'];

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

  @RequireAction('analytics.board')
  @Get('reports/monthly.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async monthlyCsv(@CurrentPrincipal() principal: Principal, @Query('month') month?: string, @Query('by') by?: string) {
    return figuresCsv(figures(await this.facts(principal, month), groupOf(by)));
  }

  @RequireAction('analytics.board')
  @Get('warnings')
  async warnings(@CurrentPrincipal() principal: Principal) {
    const scope = jurisdictionFilter(principal, 'analytics.board').jurisdiction.$in;
    const out: Record<string, unknown>[] = [];
    for (let after = 0; ; ) {
      const page = await this.runtime.infra.events.readAll({ afterPosition: after, maxCount: 1000 });
      if (page.length === 0) break;
      after = page[page.length - 1].globalPosition;
      for (const e of page) {
        if (!e.streamId.startsWith(WARNING_STREAM_PREFIX) || !e.jurisdiction.some((u) => scope.includes(u))) continue;
        const d = e.data as Record<string, unknown>;
        const status = e.type === 'EarlyWarningRaised' ? 'raised' : e.type === 'EarlyWarningAcknowledged' ? 'acknowledged' : 'resolved';
        const existing = out.find((w) => w.warningId === e.streamId);
        if (existing) existing.status = status;
        else out.push({ ...d, warningId: e.streamId, status, raisedAt: e.occurredAt, eventId: e.id });
      }
    }
    return { warnings: out };
  }
}
