/**
 * The API's error body, as every Fengqiao service answers it: `{statusCode, code, message, details}`
 * with a Chinese `message` for people and a stable `code` for programs. Validation errors name the
 * field in `details` (today `details.fields[]`; a single `details.field` or an array also reads).
 */
export interface FieldError {
  /** dotted path of the request field, e.g. `location.address` */
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldsOf(details: unknown): FieldError[] {
  const list = Array.isArray(details)
    ? details
    : isRecord(details)
      ? Array.isArray(details.fields)
        ? details.fields
        : Array.isArray(details.errors)
          ? details.errors
          : [details]
      : [];
  const out: (FieldError & { rank: number })[] = [];
  for (const d of list) {
    if (!isRecord(d)) continue;
    const field = typeof d.field === 'string' ? d.field : typeof d.property === 'string' ? d.property : typeof d.path === 'string' ? d.path : undefined;
    const message = typeof d.message === 'string' ? d.message : Array.isArray(d.messages) && typeof d.messages[0] === 'string' ? d.messages[0] : undefined;
    if (!field || !message) continue;
    // one message per field: "missing" says more than a length or type check on the same empty field
    const rank = d.constraint === 'isDefined' || d.constraint === 'isNotEmpty' ? 0 : 1;
    const seen = out.findIndex((f) => f.field === field);
    if (seen < 0) out.push({ field, message, rank });
    else if (rank < out[seen].rank) out[seen] = { field, message, rank };
  }
  return out.map(({ field, message }) => ({ field, message }));
}

/** Reads an error answer (any status ≥ 400) into an ApiError, whatever the body is. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body) && typeof body.message === 'string') {
    const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : `HTTP_${status}`;
    return new ApiError(status, code, body.message, fieldsOf(body.details), body.details);
  }
  if (isRecord(body) && Array.isArray(body.message)) {
    return new ApiError(status, `HTTP_${status}`, String(body.message[0] ?? `请求失败（${status}）`));
  }
  return new ApiError(status, `HTTP_${status}`, statusMessage(status));
}

export function statusMessage(status: number): string {
  if (status === 0) return '无法连接服务器，请检查网络后重试';
  if (status === 401) return '登录已过期，请重新登录';
  if (status === 403) return '没有权限进行此操作';
  if (status === 404) return '没有找到要访问的内容';
  if (status === 409) return '当前状态下不能进行此操作，请刷新后再试';
  if (status === 412) return '内容已被他人更新，请刷新后再试';
  if (status === 429) return '操作过于频繁，请稍后再试';
  if (status >= 500) return `服务暂时不可用（${status}），请稍后再试`;
  return `请求失败（${status}）`;
}

/** Field path for an Ant Design form: `location.address` → ['location', 'address']. */
export function namePath(field: string): (string | number)[] {
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
