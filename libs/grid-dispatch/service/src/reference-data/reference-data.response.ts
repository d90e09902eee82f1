/** The reference tables as the API shows them (`RulesVersion`, `TableResponse`): rows in the shape the PUT routes take. */
import { ApiProperty } from '@nestjs/swagger';
import { TableVersionFieldsResponse, TableVersionSummaryResponse } from '@fengqiao/platform';
import { DeadlineRuleEntryRequest, RoutingRuleRequest } from './reference-data.request.dto';

export class RoutingRulesVersionResponse extends TableVersionFieldsResponse {
  @ApiProperty({ type: [RoutingRuleRequest], description: '本版的派单规则' }) rules!: RoutingRuleRequest[];
}

export class RoutingRulesResponse {
  @ApiProperty({ type: RoutingRulesVersionResponse, nullable: true, description: '现行版本（尚未发布时为 null）' })
  current!: RoutingRulesVersionResponse | null;
  @ApiProperty({ type: [TableVersionSummaryResponse], description: '全部版本，由旧到新' }) versions!: TableVersionSummaryResponse[];
}

export class DeadlineRulesVersionResponse extends TableVersionFieldsResponse {
  @ApiProperty({ type: [DeadlineRuleEntryRequest], description: '本版的期限规则' }) rules!: DeadlineRuleEntryRequest[];
}

export class DeadlineRulesResponse {
  @ApiProperty({ type: DeadlineRulesVersionResponse, nullable: true, description: '现行版本（尚未发布时为 null）' })
  current!: DeadlineRulesVersionResponse | null;
  @ApiProperty({ type: [TableVersionSummaryResponse], description: '全部版本，由旧到新' }) versions!: TableVersionSummaryResponse[];
}
