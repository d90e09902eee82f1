import { RequiredReasonRequest } from '@fengqiao/platform';

export class EscalateCaseRequest extends RequiredReasonRequest {}
