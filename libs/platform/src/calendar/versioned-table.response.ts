import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The fields every published version of a reference table has (`TableVersion` without its rows), as the OpenAPI document describes them. */
export class TableVersionFieldsResponse {
  @ApiProperty({ type: 'integer', description: '版本号 1, 2, 3 …' }) version!: number;
  @ApiProperty({ description: '发布人 (user id)' }) by!: string;
  @ApiProperty({ format: 'date-time', description: '发布时间' }) at!: string;
  @ApiPropertyOptional({ description: '本版说明' }) note?: string;
  @ApiProperty({ description: '发布事件的编号' }) eventId!: string;
}

/** A version in a table's history: who published it, when, and how many rows it has (`TableVersionSummary`). */
export class TableVersionSummaryResponse extends TableVersionFieldsResponse {
  @ApiProperty({ type: 'integer', description: '行数' }) count!: number;
}
