import { RequiredReasonRequest } from '@fengqiao/platform';

/** 不予调解 */
export class DeclineMediationRequest extends RequiredReasonRequest {}
