import { RequiredReasonRequest } from '@fengqiao/platform';

export class ReopenCaseRequest extends RequiredReasonRequest {}
