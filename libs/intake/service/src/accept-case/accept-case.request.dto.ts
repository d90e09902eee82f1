import { OptionalReasonRequest } from '@fengqiao/platform';

/** 受理: nothing but an optional note. */
export class AcceptCaseRequest extends OptionalReasonRequest {}
