import { Body, Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Bus } from '@fengqiao/bus';
import type { Principal } from '@fengqiao/identity';
import { ValidationError } from '@fengqiao/kernel';
import { redactPersonalDataInText } from '@fengqiao/event-store';
import { actorOf } from '../auth/actions';
import { CurrentPrincipal, RequireAction } from '../auth/decorators';
import { BUS } from '../infrastructure/context-runtime';
import { privacyRegistryOf } from './subject-erasure';

export class SubjectErasureRequestDto {
  @ApiProperty({ description: '删除理由（如：本人依个人信息保护法第四十七条申请删除）', example: '本人申请删除个人信息' })
  @IsString({ message: '删除理由必须是文字' })
  @IsNotEmpty({ message: '请填写删除理由' })
  @MaxLength(500, { message: '删除理由不能超过 500 字' })
  reason!: string;
}

class ErasedContextResponse {
  @ApiProperty({ description: '业务域 (context)' }) context!: string;
  @ApiProperty({ description: '该业务域是否保存过此数据主体的密钥 (whether the context held a key of the subject)' }) held!: boolean;
}

export class SubjectErasureResponse {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ description: '删除请求编号（其他服务据此同步删除）' }) requestId!: string;
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
  @ApiProperty({ type: [ErasedContextResponse], description: '本进程中各业务域的删除结果' }) contexts!: ErasedContextResponse[];
  @ApiProperty() message!: string;
}

const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

/**
 * `POST /privacy/subjects/{subjectId}/erasure` (admin): crypto-shreds a data subject's key in
 * every context of this process and, over the bus, in every other service (个人信息保护法 §47).
 */
@ApiTags('privacy')
@Controller('privacy')
export class SubjectErasureController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Post('subjects/:subjectId/erasure')
  @HttpCode(200)
  @RequireAction('personal_data.erase')
  @ApiOkResponse({ type: SubjectErasureResponse })
  @ApiOperation({
    summary: '删除数据主体的个人信息',
    description: '销毁该数据主体（反映人、当事人、信访人）的密钥：其个人信息在所有服务中显示为“已删除”，事件哈希链仍可校验；删除本身记入审计。',
  })
  async erase(
    @Param('subjectId') subjectId: string,
    @Body() body: SubjectErasureRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ) {
    if (!SUBJECT_ID.test(subjectId)) throw new ValidationError('PRIVACY.BAD_SUBJECT_ID', '数据主体编号格式不正确', { field: 'subjectId' });
    const registry = privacyRegistryOf(this.bus);
    if (registry.contexts().length === 0)
      throw new ValidationError('PRIVACY.NO_PERSONAL_DATA_HERE', '本服务不保存个人信息，请向受理、调解或信访服务提交删除请求', { field: 'subjectId' });
    const now = new Date().toISOString();
    const result = await registry.erase({
      subjectId,
      reason: redactPersonalDataInText(body.reason.trim()),
      actor: actorOf(principal, 'personal_data.erase'),
      ...(correlationId ? { correlationId } : {}),
      now,
    });
    return {
      subjectId,
      requestId: result.requestId,
      erasedAt: now,
      contexts: result.contexts.map((c) => ({ context: c.context, held: c.held })),
      message: '已删除该数据主体的个人信息（密钥已销毁，其他服务将同步删除）',
    };
  }
}
