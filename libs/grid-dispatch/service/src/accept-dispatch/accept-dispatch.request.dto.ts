import { OptionalReasonRequest } from '@fengqiao/platform';

export class AcceptDispatchRequest extends OptionalReasonRequest {}
