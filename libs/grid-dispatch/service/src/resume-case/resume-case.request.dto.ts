import { OptionalReasonRequest } from '@fengqiao/platform';

export class ResumeCaseRequest extends OptionalReasonRequest {}
