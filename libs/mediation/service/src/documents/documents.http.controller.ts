import { Controller, Get, Header, Inject, Param, ParseEnumPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { NotFoundError } from '@fengqiao/kernel';
import { CurrentPrincipal, mayReadPersonalData, maskPersonalData, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { PARTY_MASKS } from '../get-case/get-case.http.controller';
import { DOCUMENT_KINDS, DocumentKind } from './document-links';
import { renderDocument } from './documents.render';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class DocumentsController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  /** Printable A4 pages rendered from the case's events; parties' data masked for roles that may not read it. */
  @Get(':id/documents/:document')
  @RequireAction('mediation.read')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({ summary: '可打印文书', description: '调解申请（受理登记）表、权利义务告知书、调解协议书、卷宗目录（A4，HTML，打印样式）。' })
  async document(
    @Param('id') id: string,
    @Param('document', new ParseEnumPipe(DOCUMENT_KINDS)) document: DocumentKind,
    @CurrentPrincipal() principal: Principal,
  ): Promise<string> {
    const view = await this.cases.viewFor(principal, id);
    const state = view.state;
    if (state.status === 'none') throw new NotFoundError('MEDIATION.CASE_NOT_FOUND', `调解案件 ${id} 不存在`, { caseId: id });
    const opened = await (await this.cases.parties()).read(id, state.parties);
    const parties = mayReadPersonalData(principal, view.jurisdiction) ? opened : maskPersonalData(opened, { principal, fields: PARTY_MASKS, maskAll: true });
    return renderDocument(document, {
      view,
      state,
      parties,
      committeeName: this.cases.options.committees.committee(state.committeeId)?.name ?? state.committeeId,
      staffName: (userId) => this.cases.staffName(userId),
    });
  }
}
