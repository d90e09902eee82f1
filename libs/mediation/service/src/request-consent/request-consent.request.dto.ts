import { OptionalReasonRequest } from '@fengqiao/platform';

/** 征求当事人意见 */
export class RequestConsentRequest extends OptionalReasonRequest {}
