import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, etagOf, HeaderResponse, PersonalDataFields, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { DOCUMENT_KINDS, DocumentKind, documentUrl } from '../documents/document-links';
import { MediationCaseResponse } from './get-case.response';

/** Parties' personal data in mediation responses, masked for roles without personal_data.read. */
export const PARTY_MASKS = { name: 'name', idNumber: 'id_number', phone: 'phone', address: 'address' } as const;

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class GetCaseController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Get(':id')
  @RequireAction('mediation.read')
  @ApiOperation({
    summary: '调解案件详情',
    description: '案件状态、当事人（个人信息按权限脱敏）、调解记录、协议、期限和全过程记录；ETag 为下一次命令的 If-Match。',
  })
  @ApiOkResponse({ type: MediationCaseResponse })
  @PersonalDataFields(PARTY_MASKS)
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<MediationCaseResponse> {
    const view = await this.cases.viewFor(principal, id);
    const s = view.state;
    const parties = s.status === 'none' ? [] : await (await this.cases.parties()).read(id, s.parties);
    res.setHeader('ETag', etagOf(view._revision));
    const { state: _state, _id, _revision, ...rest } = view;
    return {
      ...rest,
      revision: _revision,
      parties,
      consents: s.status === 'none' ? [] : s.consents,
      mediationDeadline: s.status === 'none' ? null : (s.mediationDeadline ?? null),
      agreement: s.status === 'none' ? null : (s.agreement ?? null),
      judicialConfirmation: s.status === 'none' ? null : (s.judicialConfirmation ?? null),
      performance: s.status === 'none' ? null : s.performance,
      documents: Object.fromEntries(DOCUMENT_KINDS.map((k) => [k, documentUrl(id, k)])) as Record<DocumentKind, string>,
    };
  }
}
