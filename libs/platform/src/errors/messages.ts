/**
 * The message catalogue: every Chinese message and stable code that a user or a client sees for
 * bad input, in one place. The validation pipe, the input-safety guard and the error filter take
 * their words from here; DTOs need no `message` options (a DTO that still gives one keeps it as
 * a more specific wording, and the code still comes from here).
 *
 * Keys are class-validator constraint names (`isString`, `maxLength`, … as they appear in
 * `ValidationError.constraints`), plus our own: `nullNotAllowed` (explicit null where the DTO does
 * not declare `nullable: true`) and the input-safety reasons of libs/contracts `safe-text`.
 */
import type { UnsafeText } from '@fengqiao/contracts';

/** One invalid field of a 400 `VALIDATION_FAILED` answer (`details.fields[]`). */
export interface FieldError {
  /** the field's path, e.g. `reason`, `location.point.lat`, `attachments.0.ref` */
  field: string;
  /** the rule that failed (class-validator constraint name, or one of ours) */
  constraint: string;
  /** stable code for programs, e.g. `VALIDATION.NULL_NOT_ALLOWED`, `INPUT.CONTROL_CHARACTER` */
  code: string;
  /** Chinese message for people, naming the field */
  message: string;
  /** where the field was: the body (default), the query string or the route path */
  in?: 'query' | 'path';
}

interface CatalogueEntry {
  code: string;
  message: (field: string, args: readonly unknown[]) => string;
}

const n = (args: readonly unknown[], i = 0): string => String(args[i]);
const list = (v: unknown): string => {
  const values = Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.values(v) : [v];
  return values.map(String).join('、');
};

const CONSTRAINTS: Readonly<Record<string, CatalogueEntry>> = {
  // shapes
  whitelistValidation: { code: 'VALIDATION.UNKNOWN_FIELD', message: (f) => `不接受字段 ${f}：请删除该字段` },
  nestedValidation: { code: 'VALIDATION.OBJECT_EXPECTED', message: (f) => `${f} 须为对象或对象列表` },
  unknownValue: { code: 'VALIDATION.OBJECT_EXPECTED', message: (f) => `${f} 须为对象` },
  isObject: { code: 'VALIDATION.OBJECT_EXPECTED', message: (f) => `${f} 须为对象` },
  isArray: { code: 'VALIDATION.ARRAY_EXPECTED', message: (f) => `${f} 须为列表` },
  nullNotAllowed: { code: 'VALIDATION.NULL_NOT_ALLOWED', message: (f) => `${f} 不能为 null：不填写时请省略该字段` },
  // presence
  isDefined: { code: 'VALIDATION.REQUIRED', message: (f) => `${f} 必填` },
  isNotEmpty: { code: 'VALIDATION.REQUIRED', message: (f) => `${f} 不能为空` },
  arrayNotEmpty: { code: 'VALIDATION.REQUIRED', message: (f) => `${f} 不能为空列表` },
  // types
  isString: { code: 'VALIDATION.STRING_EXPECTED', message: (f) => `${f} 须为文字` },
  isNumber: { code: 'VALIDATION.NUMBER_EXPECTED', message: (f) => `${f} 须为数字` },
  isInt: { code: 'VALIDATION.INTEGER_EXPECTED', message: (f) => `${f} 须为整数` },
  isBoolean: { code: 'VALIDATION.BOOLEAN_EXPECTED', message: (f) => `${f} 须为 true 或 false` },
  isDateString: { code: 'VALIDATION.DATE_TIME_EXPECTED', message: (f) => `${f} 须为 ISO 8601 日期时间（含时区）` },
  isISO8601: { code: 'VALIDATION.DATE_TIME_EXPECTED', message: (f) => `${f} 须为 ISO 8601 日期时间（含时区）` },
  isEmail: { code: 'VALIDATION.EMAIL_INVALID', message: (f) => `${f} 不是有效的电子邮件地址` },
  isUrl: { code: 'VALIDATION.URL_INVALID', message: (f) => `${f} 不是有效的网址` },
  isUUID: { code: 'VALIDATION.ID_INVALID', message: (f) => `${f} 不是有效的编号` },
  // values
  isIn: { code: 'VALIDATION.NOT_ALLOWED_VALUE', message: (f, a) => `${f} 须为 ${list(a[0])} 之一` },
  isEnum: { code: 'VALIDATION.NOT_ALLOWED_VALUE', message: (f, a) => `${f} 须为 ${list(a[0])} 之一` },
  matches: { code: 'VALIDATION.FORMAT_INVALID', message: (f) => `${f} 格式无效` },
  maxLength: { code: 'VALIDATION.TOO_LONG', message: (f, a) => `${f} 不能超过 ${n(a)} 字` },
  minLength: { code: 'VALIDATION.TOO_SHORT', message: (f, a) => `${f} 至少 ${n(a)} 字` },
  max: { code: 'VALIDATION.TOO_LARGE', message: (f, a) => `${f} 不能大于 ${n(a)}` },
  min: { code: 'VALIDATION.TOO_SMALL', message: (f, a) => `${f} 不能小于 ${n(a)}` },
  isPositive: { code: 'VALIDATION.TOO_SMALL', message: (f) => `${f} 须为正数` },
  arrayMaxSize: { code: 'VALIDATION.TOO_MANY_ITEMS', message: (f, a) => `${f} 不能超过 ${n(a)} 项` },
  arrayMinSize: { code: 'VALIDATION.TOO_FEW_ITEMS', message: (f, a) => `${f} 至少 ${n(a)} 项` },
  arrayUnique: { code: 'VALIDATION.DUPLICATE_ITEMS', message: (f) => `${f} 中有重复项` },
};

/** Safe-text reasons (libs/contracts) as constraint names and entries. */
const UNSAFE_TEXT: Readonly<Record<UnsafeText['reason'], { constraint: string; code: string; message: (f: string, u: UnsafeText) => string }>> = {
  control_character: { constraint: 'controlCharacter', code: 'INPUT.CONTROL_CHARACTER', message: (f, u) => `${f} 含有不允许的控制字符 ${u.codePoint}` },
  lone_surrogate: { constraint: 'loneSurrogate', code: 'INPUT.LONE_SURROGATE', message: (f, u) => `${f} 含有无效的字符（不成对的代理码位 ${u.codePoint}）` },
  too_long: { constraint: 'tooLong', code: 'INPUT.TOO_LONG', message: (f, u) => `${f} 过长：最多 ${u.limit} 字` },
  too_deep: { constraint: 'tooDeep', code: 'INPUT.TOO_DEEP', message: (f, u) => `${f} 嵌套过深：最多 ${u.limit} 层` },
};

/** How a field is named in a message: the request parts get Chinese names. */
export function fieldLabel(field: string): string {
  switch (field) {
    case 'body':
    case '(root)':
      return '请求体';
    case 'query':
      return '查询参数';
    case 'param':
      return '路径参数';
    default:
      return field;
  }
}

const upperSnake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The stable code of a constraint (`VALIDATION.<NAME>` for one the catalogue does not list). */
export function constraintCode(constraint: string): string {
  return CONSTRAINTS[constraint]?.code ?? `VALIDATION.${upperSnake(constraint)}`;
}

/** The catalogue's Chinese message for a failed constraint on `field`, with the rule's arguments. */
export function constraintMessage(constraint: string, field: string, args: readonly unknown[] = []): string {
  const entry = CONSTRAINTS[constraint];
  return entry ? entry.message(fieldLabel(field), args) : `${fieldLabel(field)} 无效`;
}

/** The field error for unsafe text found by libs/contracts `findUnsafeText`. */
export function unsafeTextFieldError(found: UnsafeText, where?: 'query' | 'path'): FieldError {
  const entry = UNSAFE_TEXT[found.reason];
  return {
    field: found.path,
    constraint: entry.constraint,
    code: entry.code,
    message: entry.message(fieldLabel(found.path), found),
    ...(where ? { in: where } : {}),
  };
}

/** The summary message of a 400 `VALIDATION_FAILED`, naming the fields. */
export function validationSummary(fields: readonly FieldError[]): string {
  const names = [...new Set(fields.map((f) => fieldLabel(f.field)))];
  if (names.length === 0) return '提交的内容有误';
  const shown = names.slice(0, 5).join('、');
  return `提交的内容有误，请检查：${shown}${names.length > 5 ? ` 等 ${names.length} 项` : ''}`;
}

/** Codes and Chinese messages of HTTP-level failures that carry no domain code. */
const HTTP: Readonly<Record<number, { code: string; message: string }>> = {
  400: { code: 'BAD_REQUEST', message: '请求格式错误' },
  401: { code: 'UNAUTHENTICATED', message: '请先登录' },
  403: { code: 'FORBIDDEN', message: '无权执行此操作' },
  404: { code: 'NOT_FOUND', message: '请求的资源不存在' },
  405: { code: 'METHOD_NOT_ALLOWED', message: '不支持该请求方法' },
  406: { code: 'NOT_ACCEPTABLE', message: '无法以所要求的格式答复' },
  408: { code: 'REQUEST_TIMEOUT', message: '请求超时，请重试' },
  409: { code: 'CONFLICT', message: '当前状态不允许此操作' },
  411: { code: 'LENGTH_REQUIRED', message: '请求须注明内容长度' },
  412: { code: 'PRECONDITION_FAILED', message: '内容已被他人修改，请刷新后重试' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' },
  414: { code: 'URI_TOO_LONG', message: '请求地址过长' },
  415: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: '不支持的请求内容类型：请以 UTF-8 编码的 JSON（application/json）或表单（application/x-www-form-urlencoded）提交',
  },
  422: { code: 'UNPROCESSABLE_ENTITY', message: '提交的内容无法处理' },
  429: { code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试' },
  431: { code: 'HEADERS_TOO_LARGE', message: '请求头过大' },
};

export function httpCode(status: number): string {
  return HTTP[status]?.code ?? `HTTP_${status}`;
}

export function httpMessage(status: number): string {
  return HTTP[status]?.message ?? (status >= 500 ? '服务器内部错误，请稍后重试' : '请求无法处理');
}

/**
 * body-parser's error `type`s (what the JSON and form parsers throw before any route runs) → the
 * status, code and message we answer. Unknown types fall back to their status.
 */
const BODY_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  'entity.parse.failed': { status: 400, code: 'BODY.MALFORMED', message: '请求体不是有效的 JSON（或表单）' },
  'entity.verify.failed': { status: 400, code: 'BODY.MALFORMED', message: '请求体不是有效的 JSON（或表单）' },
  'entity.encoding.invalid': { status: 400, code: 'BODY.INVALID_UTF8', message: '请求体不是有效的 UTF-8 文本' },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: '表单字段过多' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的字符集：请以 UTF-8 编码提交' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的内容压缩方式（Content-Encoding）' },
  'request.aborted': { status: 400, code: 'BODY.ABORTED', message: '请求在传输中断开' },
  'request.size.invalid': { status: 400, code: 'BODY.MALFORMED', message: '请求体长度与 Content-Length 不符' },
  'stream.encoding.set': { status: 500, code: 'INTERNAL', message: '服务器内部错误，请稍后重试' },
};

export function bodyError(type: string): { status: number; code: string; message: string } | undefined {
  return BODY_ERRORS[type];
}
