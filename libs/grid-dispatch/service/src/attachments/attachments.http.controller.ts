import { createHash, randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, HttpException, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@fengqiao/identity';
import { NotFoundError, ValidationError } from '@fengqiao/kernel';
import { assertInJurisdiction, BinaryBody, CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { GRID_CASE_VIEW, GridCaseView } from '../read-models/grid-case-view.projection';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MEDIA_TYPES, declaredType, GRID_ATTACHMENTS, sniffImage, StoredAttachment } from './attachment-files';

interface RawRequest extends AsyncIterable<Buffer> {
  headers: Record<string, string | string[] | undefined>;
}
interface FileResponse {
  setHeader(name: string, value: string | number): void;
  end(body: Buffer): void;
}

export interface AttachmentAnswer {
  /** what a progress note or feedback names in `attachments[].ref` */
  ref: string;
  attachmentId: string;
  mediaType: string;
  name?: string;
  size: number;
  sha256: string;
}

class AttachmentAnswerResponse implements AttachmentAnswer {
  @ApiProperty({ description: '填入办结反馈或进展的 attachments[].ref', example: '/grid-dispatch/cases/{caseId}/attachments/{attachmentId}' }) ref!: string;
  @ApiProperty() attachmentId!: string;
  @ApiProperty({ enum: [...ATTACHMENT_MEDIA_TYPES] }) mediaType!: string;
  @ApiPropertyOptional({ description: '文件名（X-File-Name 请求头）' }) name?: string;
  @ApiProperty({ type: 'integer', description: '字节数' }) size!: number;
  @ApiProperty({ description: 'SHA-256 (hex)' }) sha256!: string;
}

const header = (req: RawRequest, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const tooLarge = () => new HttpException({ code: 'ATTACHMENT.TOO_LARGE', message: `图片不能超过 ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB` }, 413);

/**
 * Photos of a work order (feedback, progress): `POST /grid-dispatch/cases/:caseId/attachments` with
 * the image as the raw body (`Content-Type` image/jpeg, image/png or image/webp, at most 5 MB, the
 * bytes must be of the declared type), by someone who may give feedback on the case, inside its
 * jurisdiction; stored in the read store; answered with the `ref` that the feedback or progress
 * note then names. `GET …/attachments/:attachmentId` serves the file to whoever may read the case.
 */
@ApiTags('grid-dispatch')
@ApiBearerAuth()
@Controller('grid-dispatch/cases/:caseId/attachments')
export class AttachmentsController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  private async caseIn(caseId: string, principal: Principal, action: 'case.feedback' | 'case.read'): Promise<GridCaseView> {
    const doc = await this.cases.runtime.infra.readStore.get<GridCaseView>(GRID_CASE_VIEW, caseId);
    if (!doc) throw new NotFoundError('GRID_CASE.NOT_FOUND', `工单 ${caseId} 不存在`, { caseId });
    assertInJurisdiction(principal, doc.jurisdiction, action, { type: 'case', id: caseId });
    return doc;
  }

  @Post()
  @HttpCode(201)
  @RequireAction('case.feedback')
  @BinaryBody(ATTACHMENT_MEDIA_TYPES)
  @ApiOperation({
    summary: '上传工单照片',
    description: '请求体为图片本身（JPEG、PNG 或 WebP，不超过 5 MB，按文件头核对类型）；返回的 ref 填入办结反馈或进展的 attachments。',
  })
  @ApiCreatedResponse({ type: AttachmentAnswerResponse })
  async upload(@Param('caseId') caseId: string, @CurrentPrincipal() principal: Principal, @Req() req: RawRequest): Promise<AttachmentAnswer> {
    const mediaType = declaredType(header(req, 'content-type'));
    if (!mediaType) throw new ValidationError('ATTACHMENT.TYPE_NOT_ALLOWED', '只能上传 JPEG、PNG 或 WebP 图片', { field: 'file' });
    if (Number(header(req, 'content-length') ?? 0) > ATTACHMENT_MAX_BYTES) throw tooLarge();
    await this.caseIn(caseId, principal, 'case.feedback');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > ATTACHMENT_MAX_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    if (bytes.length === 0) throw new ValidationError('ATTACHMENT.EMPTY', '没有收到图片内容', { field: 'file' });
    const actual = sniffImage(bytes);
    if (actual !== mediaType)
      throw new ValidationError(
        'ATTACHMENT.CONTENT_MISMATCH',
        actual ? `文件内容是 ${actual}，与声明的 ${mediaType} 不符` : '文件内容不是 JPEG、PNG 或 WebP 图片',
        { field: 'file' },
      );
    const rawName = header(req, 'x-file-name');
    let name: string | undefined;
    try {
      name = rawName ? decodeURIComponent(rawName).slice(0, 200) : undefined;
    } catch {
      name = undefined; // a malformed name is only a label: the file is kept without one
    }
    const attachmentId = randomUUID();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const doc: StoredAttachment = {
      _id: attachmentId,
      caseId,
      mediaType,
      name: name ?? null,
      size: bytes.length,
      sha256,
      data: bytes.toString('base64'),
      uploadedBy: { userId: principal.userId, role: principal.roles[0] ?? 'unknown', unitId: principal.unitId },
      uploadedAt: this.cases.clock.now().toISOString(),
    };
    await this.cases.runtime.infra.readStore.upsert(GRID_ATTACHMENTS, doc, { revision: 0 });
    return {
      ref: `/grid-dispatch/cases/${caseId}/attachments/${attachmentId}`,
      attachmentId,
      mediaType,
      ...(name ? { name } : {}),
      size: bytes.length,
      sha256,
    };
  }

  @Get(':attachmentId')
  @RequireAction('case.read')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOperation({ summary: '查看工单照片', description: '按上传时核对过的类型返回图片。' })
  async file(
    @Param('caseId') caseId: string,
    @Param('attachmentId') attachmentId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() res: FileResponse,
  ): Promise<void> {
    await this.caseIn(caseId, principal, 'case.read');
    const doc = await this.cases.runtime.infra.readStore.get<StoredAttachment>(GRID_ATTACHMENTS, attachmentId);
    if (!doc || doc.caseId !== caseId) throw new NotFoundError('ATTACHMENT.NOT_FOUND', '没有该附件', { attachmentId });
    const body = Buffer.from(doc.data, 'base64');
    res.setHeader('Content-Type', doc.mediaType);
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `inline; filename="${attachmentId}"`);
    res.end(body);
  }
}
