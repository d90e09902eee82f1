import { RequiredReasonRequest } from '@fengqiao/platform';

export class ObjectToDispatchRequest extends RequiredReasonRequest {}
