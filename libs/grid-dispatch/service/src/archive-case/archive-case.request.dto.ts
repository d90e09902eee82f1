import { OptionalReasonRequest } from '@fengqiao/platform';

export class ArchiveCaseRequest extends OptionalReasonRequest {}
