import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@fengqiao/kernel';
import { bodyError, httpCode, httpMessage, unsafeTextFieldError, validationSummary, type FieldError } from './messages';

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

const statusOf: Record<DomainErrorKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  illegal_state: HttpStatus.CONFLICT,
  conflict: HttpStatus.CONFLICT,
  revision_conflict: HttpStatus.PRECONDITION_FAILED,
  forbidden: HttpStatus.FORBIDDEN,
};

export interface ErrorBody {
  statusCode: number;
  /** stable code for programs */
  code: string;
  /** Chinese message for people */
  message: string;
  details?: unknown;
}

/**
 * A family of routes that answers errors in a shape of its own (Open311 GeoReport v2's error list).
 * Its controllers use `filter` through `@UseFilters`; errors raised before any route is chosen (the
 * body parser's: malformed JSON, a body that is not UTF-8, too deep, an unsupported content type)
 * reach only the global filter, which hands those under `prefix` to `filter` as well, so a client of
 * that family always gets its own shape. A context module provides its list as `PREFIX_ERROR_FILTERS`.
 */
export interface PrefixErrorFilter {
  readonly prefix: string;
  readonly filter: ExceptionFilter;
}

/** Provider token of a context's `PrefixErrorFilter[]` (found by `configureHttpEdge` in any module). */
export const PREFIX_ERROR_FILTERS = Symbol.for('fengqiao.PREFIX_ERROR_FILTERS');

interface PathRequest {
  path?: string;
  url?: string;
}

/**
 * The one place where errors become HTTP responses (STYLE "Adapters"): DomainError.kind → status,
 * code for programs, Chinese message for people. Anything unexpected is logged and becomes a
 * 500 without internals.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('DomainErrorFilter');

  constructor(private readonly prefixed: readonly PrefixErrorFilter[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    if (this.prefixed.length > 0) {
      const req = host.switchToHttp().getRequest<PathRequest>();
      const path = req.path ?? req.url?.split('?')[0] ?? '';
      const own = this.prefixed.find((p) => path.startsWith(p.prefix));
      if (own) return own.filter.catch(exception, host);
    }
    const res = host.switchToHttp().getResponse<JsonResponse>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return { statusCode: statusOf[exception.kind], code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) {
        return { statusCode: status, ...(response as Omit<ErrorBody, 'statusCode'>) };
      }
      return { statusCode: status, code: httpCode(status), message: httpMessage(status) };
    }
    // body-parser and other middleware errors: a known `type`, or at least an exposed 4xx status
    const parsed = bodyParserError(exception);
    if (parsed) return parsed;
    const status = clientErrorStatus(exception);
    if (status !== undefined) return { statusCode: status, code: httpCode(status), message: httpMessage(status) };
    return { statusCode: 500, code: 'INTERNAL', message: httpMessage(500) };
  }
}

/** The body parser refused the body: too deep (our `verify`), malformed, too large, a charset it cannot read. */
function bodyParserError(e: unknown): ErrorBody | undefined {
  if (typeof e !== 'object' || e === null || !('type' in e) || typeof e.type !== 'string') return undefined;
  if (e.type === 'entity.too.deep') {
    const limit = 'limit' in e && typeof e.limit === 'number' ? e.limit : undefined;
    const fields: FieldError[] = [unsafeTextFieldError({ path: 'body', reason: 'too_deep', limit })];
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: validationSummary(fields), details: { fields } };
  }
  const known = bodyError(e.type);
  return known && known.status < 500 ? { statusCode: known.status, code: known.code, message: known.message } : undefined;
}

function clientErrorStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('expose' in e) || e.expose !== true) return undefined;
  const status = 'statusCode' in e ? e.statusCode : 'status' in e ? e.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
