import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { DECLINE_REASONS, DeclineReason } from '@fengqiao/intake-domain';
import { MAX_REASON_LENGTH } from '@fengqiao/platform';

export class DeclineCaseRequest {
  @ApiProperty({ enum: DECLINE_REASONS, description: '不予受理原因：即时答复、告知法定途径、重复反映' })
  @IsIn(DECLINE_REASONS, { message: `不予受理原因须为 ${DECLINE_REASONS.join('、')} 之一` })
  declineReason!: DeclineReason;

  @ApiProperty({ description: '向反映人答复或告知的内容（必填，记入事件）', maxLength: MAX_REASON_LENGTH })
  @IsString({ message: '请填写向反映人答复或告知的内容' })
  @IsNotEmpty({ message: '请填写向反映人答复或告知的内容' })
  @MaxLength(MAX_REASON_LENGTH, { message: `答复内容不能超过 ${MAX_REASON_LENGTH} 字` })
  reason!: string;

  @ApiPropertyOptional({ description: '告知的法定途径（原因为 told_legal_route 时必填），如“向人民法院起诉”' })
  @ValidateIf((o: DeclineCaseRequest) => o.declineReason === 'told_legal_route' || o.legalRoute !== undefined)
  @IsString({ message: '告知法定途径时须写明所告知的途径' })
  @IsNotEmpty({ message: '告知法定途径时须写明所告知的途径' })
  @MaxLength(200, { message: '法定途径不能超过 200 字' })
  legalRoute?: string;

  @ApiPropertyOptional({ description: '重复反映时，原事件编号' })
  @ValidateIf((o: DeclineCaseRequest) => o.declineReason === 'duplicate' || o.duplicateOf !== undefined)
  @IsString({ message: '重复反映须写明原事件编号' })
  @IsNotEmpty({ message: '重复反映须写明原事件编号' })
  @MaxLength(64, { message: '事件编号不能超过 64 字' })
  duplicateOf?: string;
}
