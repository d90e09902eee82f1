import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@fengqiao/kernel';

/** A case's ETag: its stream revision, quoted (RFC 9110 strong validator). */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/**
 * The expected revision from an If-Match header: `"3"` (or `W/"3"`, `3`) → 3; absent or `*` →
 * undefined (no precondition: a concurrent change makes the handler decide again). Anything that
 * is not one of our ETags cannot match the current one: 412, as RFC 9110 §13.1.1 says.
 */
export function expectedRevisionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '' || value === '*') return undefined;
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!m) {
    throw new DomainError('INTAKE.IF_MATCH_INVALID', `If-Match 无法识别：${value}（应为 GET 返回的 ETag，例如 "3"）`, 'revision_conflict', { ifMatch: value });
  }
  return Number(m[1]);
}

/** The request's correlation id (set by the logging middleware from x-correlation-id or made up). */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const req = ctx.switchToHttp().getRequest<{ id?: unknown; headers?: Record<string, unknown> }>();
  if (typeof req.id === 'string' && req.id) return req.id;
  const header = req.headers?.['x-correlation-id'];
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : undefined;
});

export interface HeaderResponse {
  setHeader(name: string, value: string): void;
}
