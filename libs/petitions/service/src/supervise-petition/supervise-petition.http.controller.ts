import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { ForbiddenError } from '@fengqiao/kernel';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, HeaderResponse, IF_MATCH_HEADER, RequireAction } from '@fengqiao/platform';
import { runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { SupervisePetitionRequest } from './supervise-petition.request.dto';

/** 督办 by a higher petition office (§40): only from above the unit where the petition now is. */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class SupervisePetitionController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Post('supervision')
  @HttpCode(200)
  @RequireAction('petition.supervise')
  @ApiOperation({ summary: '督办', description: '上级信访部门对推诿、敷衍、拖延等情形督办或挂牌督办（第四十条）；只能由信访事项所在单位的上级督办。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  supervise(
    @Param('id') id: string,
    @Body() body: SupervisePetitionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.supervise', ifMatch, correlationId, reason: body.reason, res },
      'SupervisePetition',
      (p) => {
        const here = p.status === 'routed' ? p.routing.toUnitId : (p.handlingUnitId ?? p.receivingUnitId);
        if (here === principal.unitId || !this.ctx.units.pathOf(here).includes(principal.unitId)) {
          throw new ForbiddenError('PETITIONS.NOT_A_HIGHER_OFFICE', '只有信访事项所在单位的上级信访部门可以督办', { unitId: here });
        }
        return { supervisingUnitId: principal.unitId, form: body.form, grounds: body.grounds };
      },
    );
  }
}
