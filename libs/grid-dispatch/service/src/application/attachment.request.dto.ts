import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AttachmentRef } from '@fengqiao/grid-dispatch-domain';

/** Longest result, findings, summary, answer or callback comment (characters). */
export const TEXT_MAX = 4000;

export class AttachmentRequest {
  @ApiProperty({ description: '附件引用（文件服务中的编号或地址）' })
  @IsString({ message: '附件引用必须是文字' })
  @IsNotEmpty({ message: '附件引用不能为空' })
  @MaxLength(500, { message: '附件引用过长' })
  ref!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: '附件类型必须是文字' })
  @MaxLength(100, { message: '附件类型过长' })
  mediaType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: '附件名称必须是文字' })
  @MaxLength(200, { message: '附件名称过长' })
  name?: string;
}

/** The `attachments` field of progress notes and feedback. */
export class WithAttachments {
  @ApiPropertyOptional({ type: [AttachmentRequest] })
  @IsOptional()
  @IsArray({ message: '附件必须是列表' })
  @ArrayMaxSize(20, { message: '附件不能超过 20 个' })
  @ValidateNested({ each: true })
  @Type(() => AttachmentRequest)
  attachments?: AttachmentRequest[];
}

/** Plain attachment refs, or nothing (DTO instances carry `undefined` for absent optional fields). */
export function attachmentsOf(list: AttachmentRequest[] | undefined): { attachments?: AttachmentRef[] } {
  if (!list) return {};
  return {
    attachments: list.map((a) => ({
      ref: a.ref,
      ...(a.mediaType !== undefined ? { mediaType: a.mediaType } : {}),
      ...(a.name !== undefined ? { name: a.name } : {}),
    })),
  };
}
