import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { CaseCommandResponse, IF_MATCH_HEADER } from '../application/command.response';
import { CorrelationId, etagOf, expectedRevisionOf, HeaderResponse } from '../application/http';
import { CaseCommandResult } from '../application/intake-cases';
import { FileCaseHandler } from './file-case.handler';
import { FileCaseRequest } from './file-case.request.dto';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class FileCaseController {
  constructor(@Inject(FileCaseHandler) private readonly handler: FileCaseHandler) {}

  @Post(':id/file')
  @HttpCode(200)
  @RequireAction('case.file')
  @ApiOperation({ summary: '立案', description: '综治中心在管辖范围内立案（未受理的同时受理），可更正类别、紧急程度和网格；“待定位”的事件在此指定网格。立案后事件转入派单环节。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  async file(
    @Param('id') id: string,
    @Body() body: FileCaseRequest,
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
