import { ApiProperty } from '@nestjs/swagger';
import { INTAKE_STATUSES } from '../case-view/case-view';

/** What every intake command answers; the ETag header carries `revision` too. */
export class CaseCommandResponse {
  @ApiProperty({ description: '事件编号' })
  caseId!: string;

  @ApiProperty({ enum: INTAKE_STATUSES, description: '受理环节状态' })
  status!: string;

  @ApiProperty({ description: '事件流版本：新的 ETag，下一次命令的 If-Match' })
  revision!: number;

  @ApiProperty({ type: [String], description: '本次记录的事件', example: ['CaseAccepted'] })
  events!: string[];
}

/** OpenAPI description of the If-Match header every command takes. */
export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'GET 返回的 ETag（例如 "3"）；事件已被他人修改时返回 412，刷新后重试',
} as const;
