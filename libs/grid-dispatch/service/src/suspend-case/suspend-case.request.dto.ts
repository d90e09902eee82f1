import { RequiredReasonRequest } from '@fengqiao/platform';

export class SuspendCaseRequest extends RequiredReasonRequest {}
