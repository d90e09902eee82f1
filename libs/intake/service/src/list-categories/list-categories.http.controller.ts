import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { RequireAction } from '@fengqiao/platform';
import { IntakeCases } from '../application/intake-cases';
import { serviceCodeOf } from '../reference/intake-reference';

export class CategoryResponse {
  @ApiProperty({ description: '类别编码' }) code!: string;
  /** the Open311 service code (the same list's shape as `/open311/v2/services.json` for the console) */
  @ApiProperty({ description: 'Open311 服务编码' }) service_code!: string;
  @ApiProperty() service_name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() group!: string;
  @ApiProperty({ description: '逗号分隔' }) keywords!: string;
  /** offered and listed through public Open311 (disputes and public-security leads are not) */
  @ApiProperty({ description: '是否经 Open311 公开（矛盾纠纷、治安线索类不公开）' }) public!: boolean;
}

/**
 * Every category, for signed-in staff: the public Open311 list leaves out the categories that name
 * people and places (disputes, public-security leads), which centre operators and grid workers
 * still report through `POST /intake/cases`. Reference data, like the directory.
 */
@ApiTags('intake')
@ApiBearerAuth()
@Controller('intake/categories')
export class ListCategoriesController {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  @Get()
  @RequireAction('directory.read')
  @ApiOkResponse({ type: [CategoryResponse] })
  @ApiOperation({ summary: '事件类别', description: '全部事件类别（含不通过 Open311 公开的矛盾纠纷、治安线索类别），供工作人员上报与显示。' })
  list(): CategoryResponse[] {
    return this.cases.reference.categories().map((c) => ({
      code: c.code,
      service_code: serviceCodeOf(c),
      service_name: c.name,
      description: c.description ?? c.name,
      group: c.group ?? '',
      keywords: (c.keywords ?? []).join(','),
      public: c.open311 !== false,
    }));
  }
}
