import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { NotFoundError } from '@fengqiao/kernel';
import { CorrelationId, CurrentPrincipal, PersonalDataFields, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { PARTY_MASKS } from '../get-case/get-case.http.controller';
import { PartyDetailsRequest } from '../register-dispute/register-dispute.request.dto';
import { RecordPartyDetailsResponse } from './record-party-details.response';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecordPartyDetailsController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  /**
   * Who a party is, recorded or corrected: a case referred from a grid case opens with two unnamed
   * sides (the grid case holds no parties' data), which the committee identifies at registration.
   */
  @Put(':id/parties/:partyId')
  @HttpCode(200)
  @RequireAction('mediation.register')
  @ApiOperation({ summary: '登记当事人身份信息', description: '登记或更正当事人的姓名、证件号码、电话和住址（按人加密保存）。' })
  @ApiOkResponse({ type: RecordPartyDetailsResponse })
  @PersonalDataFields(PARTY_MASKS)
  async record(
    @Param('id') id: string,
    @Param('partyId') partyId: string,
    @Body() body: PartyDetailsRequest,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
  ): Promise<RecordPartyDetailsResponse> {
    const loaded = await this.cases.runner.loadFor(principal, id, 'mediation.register');
    if (loaded.state.status === 'none') throw new NotFoundError('MEDIATION.CASE_NOT_FOUND', `调解案件 ${id} 不存在`, { caseId: id });
    const ref = loaded.state.parties.find((p) => p.partyId === partyId);
    if (!ref) throw new NotFoundError('MEDIATION.PARTY_NOT_FOUND', `本案没有当事人 ${partyId}`, { partyId });
    const meta = this.cases.runner.meta(principal, 'mediation.register', correlationId);
    const details = {
      name: body.name.trim(),
      ...(body.idNumber ? { idNumber: body.idNumber } : {}),
      ...(body.phone ? { phone: body.phone } : {}),
      ...(body.address ? { address: body.address } : {}),
    };
    const parties = await this.cases.parties();
    await parties.record(id, loaded.jurisdiction, [{ partyId, role: ref.role, details }], meta);
    const [party] = await parties.read(id, [ref]);
    return { caseId: id, jurisdiction: loaded.jurisdiction, party };
  }
}
