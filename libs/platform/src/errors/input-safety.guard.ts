import { CanActivate, ExecutionContext, HttpException, Injectable, SetMetadata } from '@nestjs/common';
import { findUnsafeText, TEXT_LIMITS } from '@fengqiao/contracts';
import { httpCode, httpMessage, unsafeTextFieldError } from './messages';
import { validationFailed } from './validation.pipe';

interface EdgeRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
  query?: unknown;
  body?: unknown;
  is(types: string[]): string | false | null;
}

/** Route parameters are ids and codes: no line breaks, and no longer than the read store's ids. */
export const PATH_PARAM_MAX_LENGTH = 512;
/** Query values are filters and paging: no line breaks. */
export const QUERY_VALUE_MAX_LENGTH = 2000;

const BODY_TYPES = ['application/json', 'application/*+json', 'application/x-www-form-urlencoded'];

export const BINARY_BODY = 'fengqiao:edge:binary-body';
/**
 * A route that takes a file as its raw body (e.g. `image/jpeg`): these media types pass the edge's
 * body-type check as well as JSON and forms; the handler reads the stream itself, with its own
 * limits and content checks.
 */
export const BinaryBody = (mediaTypes: readonly string[]): MethodDecorator => SetMetadata(BINARY_BODY, mediaTypes);

const hasBody = (req: EdgeRequest): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * The HTTP edge's input check, on every route, before any pipe or handler sees the request
 * (registered globally by the platform bootstrap, after the token guard):
 * - a body must be JSON or a form, or a file of a type its route names with `@BinaryBody` (415 `UNSUPPORTED_MEDIA_TYPE` otherwise, instead of a handler
 *   running with no body);
 * - every string and key of the body, the query string and the route parameters must be safe
 *   text (libs/contracts `safe-text`: no NUL or other control characters, no unpaired surrogates,
 *   bounded lengths and nesting), else 400 `VALIDATION_FAILED` naming the field.
 * Nothing unsafe can therefore reach a decider, the event store or a read model through HTTP.
 * It throws inside the route's context, so a controller's own exception filter (Open311) still
 * shapes the answer.
 */
@Injectable()
export class InputSafetyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<EdgeRequest>();
    const binary = Reflect.getMetadata(BINARY_BODY, context.getHandler()) as readonly string[] | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD' && hasBody(req) && !req.is(binary ? [...BODY_TYPES, ...binary] : BODY_TYPES)) {
      throw new HttpException({ code: httpCode(415), message: httpMessage(415) }, 415);
    }
    const inPath = findUnsafeText(req.params ?? {}, { lineBreaks: false, maxLength: PATH_PARAM_MAX_LENGTH, maxDepth: 2 });
    if (inPath) throw validationFailed([unsafeTextFieldError(inPath, 'path')]);
    const inQuery = findUnsafeText(req.query ?? {}, { lineBreaks: false, maxLength: QUERY_VALUE_MAX_LENGTH, maxDepth: 4 });
    if (inQuery) throw validationFailed([unsafeTextFieldError(inQuery, 'query')]);
    const inBody = findUnsafeText(req.body, { maxDepth: TEXT_LIMITS.maxDepth });
    if (inBody) throw validationFailed([unsafeTextFieldError(inBody)]);
    return true;
  }
}
