import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalReasonRequest } from '@fengqiao/platform';
import { LEGAL_PROCEDURES, LegalProcedure } from '@fengqiao/petitions-domain';

export class NotifyAcceptanceRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '受理告知书编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  noticeRef!: string;
}

export class RedirectPetitionerRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '告知信访人向其提出的有权处理机关' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  toldToApplyTo!: string;
}

export class LegalProcedureRequest extends OptionalReasonRequest {
  @ApiProperty({ enum: LEGAL_PROCEDURES, description: '诉讼、仲裁、行政复议或其他法定程序' })
  @IsIn(LEGAL_PROCEDURES)
  procedure!: LegalProcedure;

  @ApiProperty({ description: '受理机关，如“枫桥区人民法院”' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  body!: string;
}

export class RejectAsRepeatRequest extends OptionalReasonRequest {
  @ApiProperty({ description: '正在下级办理的同一信访事项编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  relatedPetitionId!: string;
}
