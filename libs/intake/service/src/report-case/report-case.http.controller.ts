import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CaseCommandResponse, CorrelationId, CurrentPrincipal, etagOf, HeaderResponse, RateLimit, RequireAction } from '@fengqiao/platform';
import { ReportCaseHandler, ReportResult } from './report-case.handler';
import { ReportCaseRequest } from './report-case.request.dto';

export class ReportCaseResponse extends CaseCommandResponse {
  @ApiPropertyOptional({ type: String, nullable: true, description: '所在网格；null 表示未能定位，进入“待定位”队列' })
  gridId!: string | null;

  @ApiProperty({ enum: ['point', 'address'], nullable: true, description: '网格的来源：坐标落点、地址表，或未定位（null）' })
  locatedBy!: 'point' | 'address' | null;

  @ApiProperty({ description: '是否未定位（待综治中心立案时指定网格）' })
  unlocated!: boolean;

  @ApiProperty({ type: [String], description: '管辖路径：区 → 街镇 → 村居 → 网格（未定位时为受理中心的路径）' })
  jurisdiction!: string[];
}

@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/cases')
export class ReportCaseController {
  constructor(@Inject(ReportCaseHandler) private readonly handler: ReportCaseHandler) {}

  @Post()
  @HttpCode(201)
  @RequireAction('case.report')
  @RateLimit('intake')
  @ApiOperation({
    summary: '上报事件',
    description:
      '网格员在本网格或本村居内上报，综治中心在管辖范围内登记热线、来访、网上和视频发现的事件。按坐标落入的网格边界定位，' +
      '没有坐标或坐标不在任何网格内时按地址表查找；都找不到时事件进入“待定位”队列（gridId 为 null），由综治中心立案时指定网格。',
  })
  @ApiCreatedResponse({ type: ReportCaseResponse, description: 'ETag 头为事件流版本' })
  async report(
    @Body() body: ReportCaseRequest,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<ReportResult> {
    const result = await this.handler.handle(body, { kind: 'user', principal }, correlationId);
    res.setHeader('ETag', etagOf(result.revision));
    res.setHeader('Location', `/intake/cases/${result.caseId}`);
    return result;
  }
}
