import { Controller, Get, Header, Inject, Param, ParseEnumPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, maskName, mayReadPersonalData, RequireAction } from '@fengqiao/platform';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { DOCUMENT_KINDS, DocumentKind, PETITION_VIEW, PetitionView } from '../read-models/petition-view';
import { renderDocument } from './petition-documents';

/** The office prints the documents of a petition (A4 HTML): names masked for readers without personal-data rights. */
@ApiTags('petitions')
@ApiBearerAuth()
@Controller('petitions/:id/documents')
export class PetitionDocumentsController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Get(':kind')
  @RequireAction('petition.read')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: '打印文书',
    description: '受理告知书、不予受理告知书、转送（交办）函、信访处理意见书、复查和复核意见书：A4 打印页，写明所依据的条款和信访人可以采取的途径。',
  })
  async document(
    @Param('id') id: string,
    @Param('kind', new ParseEnumPipe(DOCUMENT_KINDS)) kind: DocumentKind,
    @CurrentPrincipal() principal: Principal,
  ): Promise<string> {
    await this.ctx.runner.loadFor(principal, id, 'petition.read');
    await this.ctx.projector.catchUp();
    const view = (await this.ctx.runtime.infra.readStore.get<PetitionView>(PETITION_VIEW, id)) as PetitionView;
    const people = await this.ctx.petitioners.openAll(this.ctx.runtime.infra.readStore, view.petitionerIds);
    const visible = mayReadPersonalData(principal, view.jurisdiction);
    const names = people.map((p) => (visible ? p.name : maskName(p.name)));
    return renderDocument(kind, { view, addressee: names.length ? names.join('、') : '信访人', unitName: (u) => this.ctx.units.nameOf(u) });
  }
}
