import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { NotFoundError } from '@fengqiao/kernel';
import { CurrentPrincipal, etagOf, HeaderResponse, PersonalDataFields, RequireAction } from '@fengqiao/platform';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { PETITION_VIEW, PetitionView } from '../read-models/petition-view';
import { PetitionDesk } from './petition-desk.handler';
import { ClocksQuery, ListPetitionsQuery } from './petition-desk.request.dto';
import { PetitionClocksResponse, PetitionDetailResponse, PetitionListResponse, RelatedPetitionsResponse } from './petition-desk.response';

const PETITIONER_FIELDS = { name: 'name', idNumber: 'id_number', phone: 'phone', address: 'address' } as const;

/** The petition office's desk: petitions by state, the legal clocks, one petition, related petitions. */
@ApiTags('petitions')
@ApiBearerAuth()
@Controller('petitions')
export class PetitionDeskController {
  private readonly desk: PetitionDesk;
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {
    this.desk = new PetitionDesk(ctx);
  }

  @Get()
  @RequireAction('petition.list')
  @ApiOperation({ summary: '信访事项列表', description: '本单位管辖范围内的信访事项，按状态统计；可筛选临期（3 日内）、超期、重复信访、集体访、督办。' })
  @ApiOkResponse({ type: PetitionListResponse })
  list(@Query() q: ListPetitionsQuery, @CurrentPrincipal() principal: Principal) {
    return this.desk.list(principal, q);
  }

  @Get('clocks')
  @RequireAction('petition.list')
  @ApiOperation({ summary: '法定期限', description: '每个正在计算的法定期限：剩余天数、临期和超期清单，含规则编号和法律依据。' })
  @ApiOkResponse({ type: PetitionClocksResponse })
  clocks(@Query() q: ClocksQuery, @CurrentPrincipal() principal: Principal) {
    return this.desk.clocks(principal, q.within);
  }

  @Get(':id')
  @RequireAction('petition.read')
  @PersonalDataFields(PETITIONER_FIELDS)
  @ApiOperation({
    summary: '信访事项详情',
    description: '状态、各法定期限（剩余天数、依据）、办理经过、文书和信访人（无个人信息权限的角色看到的是遮盖后的信息）。ETag 为事件流版本。',
  })
  @ApiOkResponse({ type: PetitionDetailResponse })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: HeaderResponse) {
    const view = await this.viewFor(principal, id);
    res.setHeader('ETag', etagOf(view.revision));
    return this.desk.detail(view);
  }

  @Get(':id/related')
  @RequireAction('petition.read')
  @ApiOperation({ summary: '同一信访人、同一地址的信访事项' })
  @ApiOkResponse({ type: RelatedPetitionsResponse })
  async related(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.desk.related(principal, await this.viewFor(principal, id));
  }

  /** The view of a petition the principal may read (404 / 403 from the petition's own stream). */
  private async viewFor(principal: Principal, id: string): Promise<PetitionView> {
    const loaded = await this.ctx.runner.loadFor(principal, id, 'petition.read');
    let view = await this.ctx.runtime.infra.readStore.get<PetitionView>(PETITION_VIEW, id);
    if (!view || view.revision < loaded.revision) {
      await this.ctx.projector.catchUp();
      view = await this.ctx.runtime.infra.readStore.get<PetitionView>(PETITION_VIEW, id);
    }
    if (!view) throw new NotFoundError('PETITIONS.CASE_NOT_FOUND', `信访事项 ${id} 不存在`, { caseId: id });
    return view;
  }
}
