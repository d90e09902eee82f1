import { Body, Controller, Get, Headers, Inject, Param, ParseIntPipe, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadlineRuleEntry } from '@fengqiao/grid-dispatch-domain';
import type { Principal } from '@fengqiao/identity';
import { newId, ValidationError } from '@fengqiao/kernel';
import { actorOf, assertInJurisdiction, CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { GRID_DISPATCH, GridDispatchContext } from '../grid-dispatch.context';
import { HeaderResponse, revisionFromIfMatch } from '../http/etag';
import { PublishDeadlineRulesRequest, PublishRoutingRulesRequest } from './reference-data.request.dto';
import { RoutingRule } from './routing-rules';
import { TableVersion, TableVersionSummary, VersionedTable } from './versioned-table';

export interface TableResponse<R> {
  /** the version in force (null before the first publication) */
  current: TableVersion<R> | null;
  /** every version, oldest first: who published it and when */
  versions: TableVersionSummary[];
}

const versionTag = (v: number): string => `"${v}"`;
const versionParam = new ParseIntPipe({
  exceptionFactory: () => new ValidationError('GRID_DISPATCH.INVALID_VERSION', '版本号必须是正整数', { field: 'version' }),
});

async function list<R>(table: VersionedTable<R>, res: HeaderResponse): Promise<TableResponse<R>> {
  const [current, versions] = [await table.current(), await table.history()];
  res.setHeader('ETag', versionTag(current?.version ?? 0));
  return { current, versions };
}

/**
 * Publishes a new version. The table is district-wide, so only a district-level admin may
 * publish it; `If-Match` names the version the admin edited (0: none yet), 412 when another was
 * published meanwhile.
 */
async function publish<R>(
  table: VersionedTable<R>,
  rules: R[],
  note: string | undefined,
  principal: Principal,
  ifMatch: string | undefined,
  at: string,
  req: { id?: unknown },
  res: HeaderResponse,
): Promise<TableVersion<R>> {
  assertInJurisdiction(principal, principal.unitPath.slice(0, 1), 'config.manage', { type: table.streamId });
  const expectedVersion = revisionFromIfMatch(ifMatch);
  const published = await table.publish(
    rules,
    { actor: actorOf(principal, 'config.manage'), jurisdiction: [...principal.unitPath] },
    at,
    { ...(expectedVersion !== undefined ? { expectedVersion } : {}), ...(note ? { note } : {}), correlationId: typeof req.id === 'string' ? req.id : newId() },
  );
  res.setHeader('ETag', versionTag(published.version));
  return published;
}

@ApiTags('grid-dispatch configuration')
@ApiBearerAuth()
@Controller('grid-dispatch/routing-rules')
export class RoutingRulesController {
  constructor(@Inject(GRID_DISPATCH) private readonly gd: GridDispatchContext) {}

  @Get()
  @RequireAction('directory.read')
  @ApiOperation({ summary: '派单规则（类别 × 网格 → 承办单位）：现行版本和历史版本' })
  list(@Res({ passthrough: true }) res: HeaderResponse): Promise<TableResponse<RoutingRule>> {
    return list(this.gd.routingRules, res);
  }

  @Put()
  @RequireAction('config.manage')
  @ApiHeader({ name: 'If-Match', required: false, description: '所编辑的版本号（尚无版本时为 0）' })
  @ApiOperation({ summary: '发布派单规则新版本（整表替换，校验后生效）' })
  put(
    @Body() body: PublishRoutingRulesRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<TableVersion<RoutingRule>> {
    const rules: RoutingRule[] = body.rules.map((r) => ({ category: r.category, scope: { ...r.scope }, unitId: r.unitId }));
    return publish(this.gd.routingRules, rules, body.note, p, ifMatch, this.gd.clock.now().toISOString(), req, res);
  }

  @Get('versions/:version')
  @RequireAction('directory.read')
  @ApiOperation({ summary: '派单规则的某一历史版本' })
  version(@Param('version', versionParam) version: number): Promise<TableVersion<RoutingRule>> {
    return this.gd.routingRules.version(version);
  }
}

@ApiTags('grid-dispatch configuration')
@ApiBearerAuth()
@Controller('grid-dispatch/deadline-rules')
export class DeadlineRulesController {
  constructor(@Inject(GRID_DISPATCH) private readonly gd: GridDispatchContext) {}

  @Get()
  @RequireAction('directory.read')
  @ApiOperation({ summary: '期限配置（类别 × 紧急程度 × 环节 → 期限规则）：现行版本和历史版本' })
  list(@Res({ passthrough: true }) res: HeaderResponse): Promise<TableResponse<DeadlineRuleEntry>> {
    return list(this.gd.deadlineRules, res);
  }

  @Put()
  @RequireAction('config.manage')
  @ApiHeader({ name: 'If-Match', required: false, description: '所编辑的版本号（尚无版本时为 0）' })
  @ApiOperation({ summary: '发布期限配置新版本（整表替换，校验后对此后开始的环节生效）' })
  put(
    @Body() body: PublishDeadlineRulesRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<TableVersion<DeadlineRuleEntry>> {
    const rules = body.rules.map((e) => ({ ...e, rule: { ...e.rule } })) as DeadlineRuleEntry[];
    return publish(this.gd.deadlineRules, rules, body.note, p, ifMatch, this.gd.clock.now().toISOString(), req, res);
  }

  @Get('versions/:version')
  @RequireAction('directory.read')
  @ApiOperation({ summary: '期限配置的某一历史版本' })
  version(@Param('version', versionParam) version: number): Promise<TableVersion<DeadlineRuleEntry>> {
    return this.gd.deadlineRules.version(version);
  }
}
