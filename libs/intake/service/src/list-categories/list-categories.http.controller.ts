import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAction } from '@fengqiao/platform';
import { IntakeCases } from '../application/intake-cases';
import { serviceCodeOf } from '../reference/intake-reference';

export interface CategoryResponse {
  code: string;
  /** the Open311 service code (the same list's shape as `/open311/v2/services.json` for the console) */
  service_code: string;
  service_name: string;
  description: string;
  group: string;
  keywords: string;
  /** offered and listed through public Open311 (disputes and public-security leads are not) */
  public: boolean;
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
