import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@fengqiao/kernel';

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
 * The one place where errors become HTTP responses (STYLE "Adapters"): DomainError.kind → status,
 * code for programs, Chinese message for people. Anything unexpected is logged and becomes a
 * 500 without internals.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('DomainErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
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
    // body-parser and other middleware errors carry an exposed 4xx status (e.g. 413 entity.too.large)
    const status = clientErrorStatus(exception);
    if (status !== undefined) return { statusCode: status, code: httpCode(status), message: httpMessage(status) };
    return { statusCode: 500, code: 'INTERNAL', message: '服务器内部错误，请稍后重试' };
  }
}

function clientErrorStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('expose' in e) || e.expose !== true) return undefined;
  const status = 'statusCode' in e ? e.statusCode : 'status' in e ? e.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 429: return 'TOO_MANY_REQUESTS';
    default: return `HTTP_${status}`;
  }
}

function httpMessage(status: number): string {
  switch (status) {
    case 400: return '请求格式错误';
    case 401: return '请先登录';
    case 403: return '无权执行此操作';
    case 404: return '请求的资源不存在';
    case 413: return '请求内容过大';
    case 429: return '请求过于频繁，请稍后再试';
    default: return '请求失败';
  }
}
