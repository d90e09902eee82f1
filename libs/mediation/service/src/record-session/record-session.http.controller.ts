import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { newId } from '@fengqiao/kernel';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { RecordSessionRequest } from './record-session.request.dto';

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RecordSessionController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post(':id/sessions')
  @HttpCode(200)
  @RequireAction('mediation.session')
  @ApiOperation({ summary: '记录调解', description: '记录一次调解：时间、调解员、到场当事人、经当事人同意邀请的人员（第二十条）、调解情况（第二十七条）。' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: CaseCommandResponse })
  handle(
    @Param('id') id: string,
    @Body() body: RecordSessionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return this.cases.command({
      caseId: id,
      principal,
      action: 'mediation.session',
      ifMatch,
      correlationId,
      reason: body.reason,
      res,
      command: (loaded, meta) => {
        return {
          type: 'RecordSession',
          data: {
            sessionId: body.sessionId ?? newId(),
            heldAt: body.heldAt,
            mediatorIds: body.mediatorIds,
            attendingPartyIds: body.attendingPartyIds,
            ...(body.invitedParticipants
              ? {
                  invitedParticipants: body.invitedParticipants.map((p) => ({
                    participantId: p.participantId,
                    relation: p.relation,
                    partiesConsented: p.partiesConsented,
                  })),
                }
              : {}),
            summary: body.summary,
            ...(body.recordRef ? { recordRef: body.recordRef } : {}),
            ...(body.place ? { place: body.place } : {}),
            ...(body.openToPublic !== undefined ? { openToPublic: body.openToPublic } : {}),
          },
          meta,
        };
      },
    });
  }
}
