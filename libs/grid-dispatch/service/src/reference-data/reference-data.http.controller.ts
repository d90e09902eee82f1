import { Body, Controller, Get, Inject, Param, ParseIntPipe, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadlineRuleEntry } from '@fengqiao/grid-dispatch-domain';
import { ValidationError } from '@fengqiao/kernel';
import {
  actorOf,
  assertInJurisdiction,
  CommandRequest,
  etagOf,
  HeaderResponse,
  ReferenceTable,
  RequireAction,
  TableVersion,
  TableVersionSummary,
} from '@fengqiao/platform';
import { GRID_DISPATCH_OPTIONS } from '../application/grid-dispatch.tokens';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { GridDispatchDirectory } from '../directory/grid-dispatch-directory';
import { PublishDeadlineRulesRequest, PublishRoutingRulesRequest } from './reference-data.request.dto';
import { DeadlineRulesResponse, DeadlineRulesVersionResponse, RoutingRulesResponse, RoutingRulesVersionResponse } from './reference-data.response';
import { ReferenceTables } from './reference-tables';
import { assertNoRoutingGaps, RoutingRule, routingGaps } from './routing-rules';

/** A version as the API has always shown it: the table's rows are its `rules`. */
export type RulesVersion<R> = Omit<TableVersion<R>, 'rows'> & { rules: R[] };

function asRules<R>({ rows, ...rest }: TableVersion<R>): RulesVersion<R> {
  return { ...rest, rules: rows };
}

export interface TableResponse<R> {
  /** the version in force (null before the first publication) */
  current: RulesVersion<R> | null;
  /** every version, oldest first: who published it and when */
  versions: TableVersionSummary[];
}

const versionParam = new ParseIntPipe({
  exceptionFactory: () => new ValidationError('GRID_DISPATCH.INVALID_VERSION', '版本号必须是正整数', { field: 'version' }),
});

const IF_MATCH_VERSION = {
  name: 'If-Match',
  required: true,
  description: '所编辑的版本号（GET 返回的 ETag；尚无版本时为 "0"）；缺少时 412 COMMAND.IF_MATCH_REQUIRED，已有新版本时 412',
} as const;

async function list<R>(table: ReferenceTable<R>, res: HeaderResponse): Promise<TableResponse<R>> {
  const [current, versions] = [await table.current(), await table.history()];
  res.setHeader('ETag', etagOf(current?.version ?? 0));
  return { current: current && asRules(current), versions };
}

/**
 * Publishes a new version. The table is district-wide, so only a district-level admin may
 * publish it; `If-Match` (required) names the version the admin edited (0: none yet), 412 when
 * another was published meanwhile.
 */
async function publish<R>(
  table: ReferenceTable<R>,
  rules: R[],
  note: string | undefined,
  request: CommandRequest,
  at: string,
  res: HeaderResponse,
  check?: (clean: R[], current: TableVersion<R> | null) => void,
): Promise<RulesVersion<R>> {
  const { principal } = request;
  assertInJurisdiction(principal, principal.unitPath.slice(0, 1), 'config.manage', { type: table.streamId });
  const published = await table.publish(rules, { actor: actorOf(principal, 'config.manage'), jurisdiction: [...principal.unitPath] }, at, {
    expectedVersion: request.expectedRevision,
    requireExpectedVersion: true,
    ...(note ? { note } : {}),
    ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    ...(check ? { check } : {}),
  });
  res.setHeader('ETag', etagOf(published.version));
  return asRules(published);
}

@ApiTags('grid-dispatch configuration')
@ApiBearerAuth()
@Controller('grid-dispatch/routing-rules')
export class RoutingRulesController {
  constructor(
    @Inject(ReferenceTables) private readonly tables: ReferenceTables,
    @Inject(GridDispatchDirectory) private readonly directory: GridDispatchDirectory,
    @Inject(GRID_DISPATCH_OPTIONS) private readonly options: ResolvedGridDispatchOptions,
  ) {}

  @Get()
  @RequireAction('directory.read')
  @ApiOperation({ summary: '派单规则（类别 × 网格 → 承办单位）：现行版本和历史版本' })
  @ApiOkResponse({ type: RoutingRulesResponse, description: 'ETag 头为现行版本号' })
  list(@Res({ passthrough: true }) res: HeaderResponse): Promise<TableResponse<RoutingRule>> {
    return list(this.tables.routingRules, res);
  }

  @Put()
  @RequireAction('config.manage')
  @ApiHeader(IF_MATCH_VERSION)
  @ApiOperation({
    summary: '发布派单规则新版本（整表替换，校验后生效）',
    description: '新版本若使某些“类别 × 网格”无法自动派单（现行版本能派的），须带 "allowUnroutable": true，否则 400 GRID_DISPATCH.ROUTING_GAPS 并列出缺口。',
  })
  @ApiOkResponse({ type: RoutingRulesVersionResponse, description: 'ETag 头为新版本号' })
  put(
    @Body() body: PublishRoutingRulesRequest,
    @CommandRequest() request: CommandRequest,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<RulesVersion<RoutingRule>> {
    const rules: RoutingRule[] = body.rules.map((r) => ({ category: r.category, scope: { ...r.scope }, unitId: r.unitId }));
    const check =
      body.allowUnroutable === true
        ? undefined
        : (clean: RoutingRule[], current: TableVersion<RoutingRule> | null) =>
            assertNoRoutingGaps(routingGaps(current?.rows ?? null, clean, this.directory.current()));
    return publish(this.tables.routingRules, rules, body.note, request, this.options.clock.now().toISOString(), res, check);
  }

  @Get('versions/:version')
  @RequireAction('directory.read')
  @ApiOperation({ summary: '派单规则的某一历史版本' })
  @ApiOkResponse({ type: RoutingRulesVersionResponse })
  async version(@Param('version', versionParam) version: number): Promise<RulesVersion<RoutingRule>> {
    return asRules(await this.tables.routingRules.version(version));
  }
}

@ApiTags('grid-dispatch configuration')
@ApiBearerAuth()
@Controller('grid-dispatch/deadline-rules')
export class DeadlineRulesController {
  constructor(
    @Inject(ReferenceTables) private readonly tables: ReferenceTables,
    @Inject(GRID_DISPATCH_OPTIONS) private readonly options: ResolvedGridDispatchOptions,
  ) {}

  @Get()
  @RequireAction('directory.read')
  @ApiOperation({ summary: '期限配置（类别 × 紧急程度 × 环节 → 期限规则）：现行版本和历史版本' })
  @ApiOkResponse({ type: DeadlineRulesResponse, description: 'ETag 头为现行版本号' })
  list(@Res({ passthrough: true }) res: HeaderResponse): Promise<TableResponse<DeadlineRuleEntry>> {
    return list(this.tables.deadlineRules, res);
  }

  @Put()
  @RequireAction('config.manage')
  @ApiHeader(IF_MATCH_VERSION)
  @ApiOperation({ summary: '发布期限配置新版本（整表替换，校验后对此后开始的环节生效）' })
  @ApiOkResponse({ type: DeadlineRulesVersionResponse, description: 'ETag 头为新版本号' })
  put(
    @Body() body: PublishDeadlineRulesRequest,
    @CommandRequest() request: CommandRequest,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<RulesVersion<DeadlineRuleEntry>> {
    const rules = body.rules.map((e) => ({ ...e, rule: { ...e.rule } })) as DeadlineRuleEntry[];
    return publish(this.tables.deadlineRules, rules, body.note, request, this.options.clock.now().toISOString(), res);
  }

  @Get('versions/:version')
  @RequireAction('directory.read')
  @ApiOperation({ summary: '期限配置的某一历史版本' })
  @ApiOkResponse({ type: DeadlineRulesVersionResponse })
  async version(@Param('version', versionParam) version: number): Promise<RulesVersion<DeadlineRuleEntry>> {
    return asRules(await this.tables.deadlineRules.version(version));
  }
}
