import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { DuplicatesHandler, DuplicatesResponse } from './duplicates.handler';
import { DuplicatesQuery } from './duplicates.request.dto';
import { DuplicatesAnswer } from './duplicates.response';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class DuplicatesController {
  constructor(@Inject(DuplicatesHandler) private readonly handler: DuplicatesHandler) {}

  @Get(':id/duplicates')
  @RequireAction('case.read')
  @ApiOperation({
    summary: '疑似重复事件',
    description: '同一类别、一定半径和时间窗内、调用人可查看的事件，由近到远；仅为建议，由综治中心决定是否合并（POST /intake/cases/{id}/merge）。',
  })
  @ApiOkResponse({ type: DuplicatesAnswer })
  list(@Param('id') id: string, @Query() query: DuplicatesQuery, @CurrentPrincipal() principal: Principal): Promise<DuplicatesResponse> {
    return this.handler.handle(id, principal, query);
  }
}
