import { OptionalReasonRequest } from '@fengqiao/platform';

/** 重新调解 */
export class ResumeMediationRequest extends OptionalReasonRequest {}
