import { IntersectionType } from '@nestjs/swagger';
import { NoteRequest, OptionalReasonRequest } from '@fengqiao/platform';
import { WithAttachments } from '../application/attachment.request.dto';

/** 处置进展: the note (at most 2000 characters), attachments, an optional reason. */
export class NoteProgressRequest extends IntersectionType(NoteRequest, WithAttachments, OptionalReasonRequest) {}
