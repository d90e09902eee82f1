import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@fengqiao/kernel';
import { httpMessage } from '@fengqiao/platform';
import { errorsXml, XML_CONTENT_TYPE } from './open311.xml';

/** One Open311 error, as the spec shows them: `[{ "code": 404, "description": "…" }]`. */
export interface Open311Error {
  code: number;
  description: string;
}

interface ErrorResponse {
  status(code: number): { json(body: unknown): void; send(body: string): void };
  setHeader(name: string, value: string): unknown;
}

interface ErrorRequest {
  path?: string;
  url?: string;
}

const STATUS: Record<DomainErrorKind, number> = { validation: 400, not_found: 404, illegal_state: 409, conflict: 409, revision_conflict: 412, forbidden: 403 };

const GENERIC: Readonly<Record<number, string>> = {
  400: '请求格式错误',
  401: '需要 api_key',
  403: '无权执行此操作',
  404: '请求的资源不存在',
  413: '请求内容过大',
  429: '请求过于频繁，请稍后再试',
};

interface FieldError {
  field: string;
  message: string;
}

function fieldsOf(details: unknown): FieldError[] {
  if (typeof details !== 'object' || details === null || !('fields' in details)) return [];
  const fields = (details as { fields: unknown }).fields;
  return Array.isArray(fields)
    ? fields.filter((f): f is FieldError => typeof f === 'object' && f !== null && typeof f.field === 'string' && typeof f.message === 'string')
    : [];
}

/**
 * One error per failing field (the first of its messages: a field that breaks several
 * constraints is named once), prefixed with the field unless the message names it already, and
 * the same message never twice.
 */
export function fieldErrors(status: number, fields: readonly FieldError[]): Open311Error[] {
  const seenFields = new Set<string>();
  const seenMessages = new Set<string>();
  const errors: Open311Error[] = [];
  for (const f of fields) {
    if (seenFields.has(f.field)) continue;
    seenFields.add(f.field);
    const description = f.message.includes(f.field) ? f.message : `${f.field}: ${f.message}`;
    // a rule about several fields (lat with long) fails once for each: said once
    if (seenMessages.has(description)) continue;
    seenMessages.add(description);
    errors.push({ code: status, description });
  }
  return errors;
}

/** The format the client asked for: XML for a `.xml` route, JSON otherwise. */
export function wantsXml(req: ErrorRequest): boolean {
  const path = (req.path ?? req.url ?? '').split('?')[0] ?? '';
  return path.endsWith('.xml');
}

/**
 * The Open311 routes answer errors in the spec's shape (a list of `{code, description}`, the
 * code being the HTTP status), instead of the platform's `{statusCode, code, message}`: one
 * entry per invalid field for a validation failure, the Chinese message otherwise.
 */
@Catch()
export class Open311ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Open311');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ErrorResponse>();
    const { status, errors } = this.toErrors(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (wantsXml(host.switchToHttp().getRequest<ErrorRequest>())) {
      res.setHeader('Content-Type', XML_CONTENT_TYPE);
      res.status(status).send(errorsXml(errors));
    } else res.status(status).json(errors);
  }

  private toErrors(exception: unknown): { status: number; errors: Open311Error[] } {
    if (exception instanceof DomainError) {
      const status = STATUS[exception.kind];
      const fields = fieldsOf(exception.details);
      return { status, errors: fields.length ? fieldErrors(status, fields) : [{ code: status, description: exception.message }] };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const details = typeof body === 'object' && body !== null && 'details' in body ? (body as { details: unknown }).details : undefined;
      const fields = fieldsOf(details);
      if (fields.length) return { status, errors: fieldErrors(status, fields) };
      const message =
        typeof body === 'object' && body !== null && 'code' in body && 'message' in body ? String((body as { message: unknown }).message) : undefined;
      return { status, errors: [{ code: status, description: message ?? GENERIC[status] ?? httpMessage(status) }] };
    }
    const exposed = exposedStatus(exception);
    if (exposed !== undefined) return { status: exposed, errors: [{ code: exposed, description: GENERIC[exposed] ?? httpMessage(exposed) }] };
    return { status: 500, errors: [{ code: 500, description: '服务器内部错误，请稍后重试' }] };
  }
}

/** body-parser errors (malformed JSON or form, too large) carry an exposed 4xx status. */
function exposedStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('expose' in e) || e.expose !== true) return undefined;
  const status = 'statusCode' in e ? e.statusCode : 'status' in e ? e.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
