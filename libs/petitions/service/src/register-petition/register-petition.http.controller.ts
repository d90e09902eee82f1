import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CorrelationId, CurrentPrincipal, etagOf, HeaderResponse, RequireAction } from '@fengqiao/platform';
import { PetitionRegistration, RegistrationResult } from '../application/registration';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { RegisterPetitionRequest } from './register-petition.request.dto';
import { RegistrationResponse } from './register-petition.response';

@ApiTags('petitions')
@ApiBearerAuth()
@Controller('petitions')
export class RegisterPetitionController {
  private readonly registration: PetitionRegistration;
  constructor(@Inject(PETITIONS_CONTEXT) ctx: PetitionsContext) {
    this.registration = new PetitionRegistration(ctx);
  }

  @Post()
  @HttpCode(201)
  @RequireAction('petition.register')
  @ApiOperation({
    summary: '登记信访事项',
    description:
      '信访工作人员登记来信、来电、传真、走访和网上信访（第十七条）；多人走访推选代表不超过 5 人（第二十条）。' +
      '系统按身份证件号码的密钥散列查找同一信访人同一事项：正在下级办理又向上级提出的不予受理（第十九条），复核终结的不再受理（第三十六条）；' +
      '工作人员可说明理由不采纳提示。',
  })
  @ApiCreatedResponse({ type: RegistrationResponse, description: 'ETag 头为事件流版本' })
  async register(
    @Body() body: RegisterPetitionRequest,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<RegistrationResult> {
    const result = await this.registration.register(body, { kind: 'user', principal, ...(correlationId ? { correlationId } : {}) });
    res.setHeader('ETag', etagOf(result.revision));
    res.setHeader('Location', `/petitions/${result.petitionId}`);
    return result;
  }
}
