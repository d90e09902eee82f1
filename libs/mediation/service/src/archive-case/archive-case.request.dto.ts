import { OptionalReasonRequest } from '@fengqiao/platform';

/** 卷宗归档 */
export class ArchiveCaseRequest extends OptionalReasonRequest {}
