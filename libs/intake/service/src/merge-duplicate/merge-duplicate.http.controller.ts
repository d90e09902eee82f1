import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { CaseCommandResponse, IF_MATCH_HEADER } from '../application/command.response';
import { CorrelationId, etagOf, expectedRevisionOf, HeaderResponse } from '../application/http';
import { CaseCommandResult } from '../application/intake-cases';
import { MergeDuplicateHandler } from './merge-duplicate.handler';
import { MergeDuplicateRequest } from './merge-duplicate.request.dto';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class MergeDuplicateController {
  constructor(@Inject(MergeDuplicateHandler) private readonly handler: MergeDuplicateHandler) {}

  @Post(':id/merge')
  @HttpCode(200)
  @RequireAction('case.merge')
  @ApiOperation({ summary: '合并重复事件', description: '把尚未立案的事件合并到较早的原事件；两者都须在操作人的管辖范围内。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  async merge(
    @Param('id') id: string,
    @Body() body: MergeDuplicateRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    const result = await this.handler.handle(id, principal, body, expectedRevisionOf(ifMatch), correlationId);
    res.setHeader('ETag', etagOf(result.revision));
    return result;
  }
}
