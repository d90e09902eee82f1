/**
 * What counts as safe text anywhere a string enters the system: an HTTP body, query string or
 * route parameter (checked by libs/platform before any handler runs) and every string field of an
 * integration event (checked by `str()` in the contract schemas). One definition, so the edge and
 * the contracts cannot drift apart.
 *
 * Refused:
 * - C0 control characters U+0000–U+001F, except TAB, LF and CR where free text allows line breaks;
 *   DEL U+007F and the C1 controls U+0080–U+009F. NUL is the one that hurts most: MongoDB-wire
 *   stores and read models refuse it, so a NUL that got into an event would stop a projection.
 * - lone (unpaired) UTF-16 surrogates: they have no UTF-8 encoding, so they cannot be stored,
 *   hashed as canonical JSON or sent to Kafka without being silently altered, and some libraries
 *   throw on them (`encodeURI` in validator.js's `isEmail`).
 * - strings over a length limit and values nested deeper than a depth limit (a deep value costs
 *   every recursive walker a stack frame per level).
 */

export type UnsafeTextReason = 'control_character' | 'lone_surrogate' | 'too_long' | 'too_deep';

export interface UnsafeText {
  /** where, e.g. `reporter.name`, `attachments.2.ref`, `(root)` */
  path: string;
  reason: UnsafeTextReason;
  /** the offending code point as `U+0000` (control characters and surrogates) */
  codePoint?: string;
  /** the limit that was passed (too_long, too_deep) */
  limit?: number;
}

export interface SafeTextOptions {
  /** allow TAB, LF and CR (free text); default true */
  lineBreaks?: boolean;
  /** longest string, in UTF-16 code units; default `TEXT_LIMITS.maxStringLength` */
  maxLength?: number;
}

export interface SafeValueOptions extends SafeTextOptions {
  /** deepest nesting of objects and arrays (the root object is depth 1); default `TEXT_LIMITS.maxDepth` */
  maxDepth?: number;
  /** longest object key; default `TEXT_LIMITS.maxKeyLength` */
  maxKeyLength?: number;
}

export const TEXT_LIMITS = Object.freeze({
  /** no field of ours is longer (descriptions stop at 4,000); a generous cap for fields without a rule */
  maxStringLength: 20_000,
  maxKeyLength: 200,
  maxDepth: 32,
});

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePointOf = (s: string, index: number): string => `U+${s.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` is not safe, or `undefined` when it is. `path` is copied into the answer. */
export function unsafeTextOf(text: string, path = '(root)', options: SafeTextOptions = {}): UnsafeText | undefined {
  const maxLength = options.maxLength ?? TEXT_LIMITS.maxStringLength;
  if (text.length > maxLength) return { path, reason: 'too_long', limit: maxLength };
  const control = (options.lineBreaks === false ? CONTROL_ANY : CONTROL_EXCEPT_LINE_BREAKS).exec(text);
  if (control) return { path, reason: 'control_character', codePoint: codePointOf(text, control.index) };
  const lone = LONE_SURROGATE.exec(text);
  if (lone) return { path, reason: 'lone_surrogate', codePoint: codePointOf(text, lone.index) };
  return undefined;
}

export function isSafeText(text: string, options: SafeTextOptions = {}): boolean {
  return unsafeTextOf(text, '', options) === undefined;
}

/** `reporter.name`, `attachments.0.ref` (the paths the HTTP validation errors use). */
const childPath = (parent: string, key: string | number): string => (parent === '(root)' ? String(key) : `${parent}.${key}`);

/**
 * The first unsafe string, key or nesting in a JSON-like value (objects, arrays, strings,
 * numbers, booleans, null), or `undefined`. Iterative: a value nested thousands deep is reported
 * as too deep without using a stack frame per level.
 */
export function findUnsafeText(value: unknown, options: SafeValueOptions = {}, rootPath = '(root)'): UnsafeText | undefined {
  const maxDepth = options.maxDepth ?? TEXT_LIMITS.maxDepth;
  const keyOptions: SafeTextOptions = { lineBreaks: false, maxLength: options.maxKeyLength ?? TEXT_LIMITS.maxKeyLength };
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: rootPath, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: v, path, depth } = next;
    if (typeof v === 'string') {
      const found = unsafeTextOf(v, path, options);
      if (found) return found;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth) return { path, reason: 'too_deep', limit: maxDepth };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: childPath(path, i), depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v).reverse()) {
      const keyProblem = unsafeTextOf(key, childPath(path, key), keyOptions);
      if (keyProblem) return keyProblem;
      stack.push({ value: (v as Record<string, unknown>)[key], path: childPath(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The nesting depth of a JSON text, read from its bytes without parsing (brackets outside
 * strings), stopping as soon as it passes `limit`. Lets a body parser refuse a deep body before
 * `JSON.parse` and every recursive walker after it see it.
 */
export function jsonDepthExceeds(json: string | Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  const length = json.length;
  const at = typeof json === 'string' ? (i: number) => json.charCodeAt(i) : (i: number) => json[i];
  for (let i = 0; i < length; i++) {
    const c = at(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
