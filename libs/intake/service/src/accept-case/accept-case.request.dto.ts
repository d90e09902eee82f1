import { OptionalReasonRequest } from '../application/reason.dto';

/** 受理: nothing but an optional note. */
export class AcceptCaseRequest extends OptionalReasonRequest {}
