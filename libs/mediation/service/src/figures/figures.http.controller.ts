import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, jurisdictionFilter, NoPersonalData, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { ReadQuery, ReadStore } from '@fengqiao/read-store';
import { MEDIATION_CASE_VIEW } from '../case-view/mediation-case.view';

export class MediationFigures {
  @ApiProperty({ type: 'integer', description: '登记数' }) registered!: number;
  @ApiProperty({ type: 'integer', description: '受理数' }) taken!: number;
  @ApiProperty({ type: 'integer', description: '调解成功数（协议生效）' }) settled!: number;
  @ApiProperty({ type: 'integer', description: '不予调解数' }) declined!: number;
  @ApiProperty({ type: 'integer', description: '终止数' }) terminated!: number;
  /** settled ÷ taken, in percent with two decimals; null before anything was taken */
  @ApiProperty({ type: Number, nullable: true, description: '调解成功率（%，两位小数）；尚无受理时为 null' }) successRate!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: '各状态的案件数' }) byStatus!: Record<string, number>;
}

/**
 * The figures a district reports upwards (DESIGN §2 journey 5: "7,735 disputes taken, 7,666
 * settled: 99.11%"): cases taken = accepted for mediation (受理), settled = an agreement took
 * effect (调解成功), success rate = settled / taken; with registered, declined, terminated and
 * open counts beside them. Counted in the desk view, inside the caller's jurisdiction.
 */
@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation')
export class FiguresController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Get('figures')
  @RequireAction('mediation.list')
  @NoPersonalData()
  @ApiOkResponse({ type: MediationFigures })
  @ApiOperation({ summary: '调解统计', description: '受理数、调解成功数、调解成功率（成功数 ÷ 受理数），以及登记、不予调解、终止和在办数。' })
  async figures(@CurrentPrincipal() principal: Principal) {
    return mediationFigures(this.cases.runtime.infra.readStore, jurisdictionFilter(principal, 'mediation.list'));
  }
}

/** The figures inside `scope` (a jurisdiction filter), with queries MongoDB, FerretDB and mingo share. */
export async function mediationFigures(store: ReadStore, scope: ReadQuery): Promise<MediationFigures> {
  const count = (q: ReadQuery) => store.count(MEDIATION_CASE_VIEW, { $and: [scope, q] });
  const [registered, taken, settled, declined, terminated, byStatus] = await Promise.all([
    count({}),
    count({ acceptedAtMs: { $ne: null } }),
    count({ settled: true }),
    count({ 'state.declined': { $exists: true } }),
    count({ 'state.termination': { $exists: true } }),
    store.aggregateCounts(MEDIATION_CASE_VIEW, scope, 'status'),
  ]);
  return {
    registered,
    taken,
    settled,
    declined,
    terminated,
    successRate: taken === 0 ? null : Math.round((settled / taken) * 10_000) / 100,
    byStatus: Object.fromEntries(byStatus.map((g) => [String(g.key), g.count])),
  };
}
