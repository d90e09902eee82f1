import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import {
  CaseCommandResponse,
  CaseCommandResult,
  CorrelationId,
  CurrentPrincipal,
  HeaderResponse,
  IF_MATCH_HEADER,
  RequireAction,
  RequiredReasonRequest,
} from '@fengqiao/platform';
import { runPetitionCommand } from '../application/petition-command';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { AssignPetitionRequest, RuleOnObjectionRequest, TransferPetitionRequest } from './route-petition.request.dto';

/** 转送、交办 within 15 days (§22), the receiving body's objection within 5 working days and the ruling on it (§23 ¶3). */
@ApiTags('petitions')
@ApiBearerAuth()
@ApiHeader(IF_MATCH_HEADER)
@Controller('petitions/:id')
export class RoutePetitionController {
  constructor(@Inject(PETITIONS_CONTEXT) private readonly ctx: PetitionsContext) {}

  @Post('transfer')
  @HttpCode(200)
  @RequireAction('petition.route')
  @ApiOperation({
    summary: '转送',
    description:
      '信访部门自收到之日起 15 日内转送有权处理的机关、单位（第二十二条）；接收单位 15 日内告知信访人，不属其职权的 5 个工作日内提出异议（第二十三条）。',
  })
  @ApiOkResponse({ type: CaseCommandResponse })
  transfer(
    @Param('id') id: string,
    @Body() body: TransferPetitionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    this.ctx.units.require(body.toUnitId, 'toUnitId');
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.route', ifMatch, correlationId, reason: body.reason, res },
      'TransferPetition',
      {
        toUnitId: body.toUnitId,
        route: body.route,
      },
    );
  }

  @Post('assign')
  @HttpCode(200)
  @RequireAction('petition.route')
  @ApiOperation({ summary: '交办', description: '交办并规定办结期限，承办单位按期报送办理结果（第二十二条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  assign(
    @Param('id') id: string,
    @Body() body: AssignPetitionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    this.ctx.units.require(body.toUnitId, 'toUnitId');
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.route', ifMatch, correlationId, reason: body.reason, res },
      'AssignPetition',
      {
        toUnitId: body.toUnitId,
        reportWithin: body.reportWithin,
      },
    );
  }

  @Post('objection')
  @HttpCode(200)
  @RequireAction('petition.accept')
  @ApiOperation({ summary: '提出异议', description: '接收单位认为不属于其职权范围的，自收到之日起 5 个工作日内提出异议并详细说明理由（第二十三条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  object(
    @Param('id') id: string,
    @Body() body: RequiredReasonRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.accept', ifMatch, correlationId, reason: body.reason, res },
      'ObjectToRouting',
      {},
    );
  }

  @Post('objection-ruling')
  @HttpCode(200)
  @RequireAction('petition.route')
  @ApiOperation({ summary: '核实异议', description: '转送、交办的信访部门核实异议：成立的退回重新转送交办，不成立的由原接收单位办理（第二十三条）。' })
  @ApiOkResponse({ type: CaseCommandResponse })
  rule(
    @Param('id') id: string,
    @Body() body: RuleOnObjectionRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    return runPetitionCommand(
      this.ctx,
      { petitionId: id, principal, action: 'petition.route', ifMatch, correlationId, reason: body.reason, res },
      'RuleOnObjection',
      {
        agreed: body.agreed,
      },
    );
  }
}
