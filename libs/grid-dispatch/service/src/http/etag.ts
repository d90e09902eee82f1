import { ValidationError } from '@fengqiao/kernel';

export interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/** ETag of a stream revision (strong: the revision identifies the representation's source exactly). */
export function etagOf(revision: number | 'no_stream'): string {
  return `"${revision === 'no_stream' ? -1 : revision}"`;
}

/**
 * The revision an `If-Match` header names: `"3"`, `W/"3"` or `3`; undefined when absent or `*`.
 * Anything else is a 400 (a client that sends a precondition we cannot read must not have its
 * write go through unchecked).
 */
export function revisionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(-?\d{1,15})"?\s*$/.exec(header);
  if (!m) throw new ValidationError('GRID_DISPATCH.INVALID_IF_MATCH', 'If-Match 请求头格式无效，应为 ETag 中的版本号，例如 "3"', { ifMatch: header });
  return Number(m[1]);
}
