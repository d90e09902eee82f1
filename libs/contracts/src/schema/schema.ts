/**
 * A small, dependency-free schema language for integration events: each contract is declared
 * once here and validated at every edge (publish and consume). Errors name the field and reason.
 */
export type Schema<T> = {
  readonly kind: string;
  check(value: unknown, path: string, errors: SchemaIssue[]): value is T;
};

export interface SchemaIssue {
  path: string;
  reason: string;
}

import { TEXT_LIMITS, unsafeTextOf, type UnsafeText } from '../text/safe-text';

export type Infer<S> = S extends Schema<infer T> ? T : never;

const issue = (errors: SchemaIssue[], path: string, reason: string) => {
  errors.push({ path: path || '(root)', reason });
  return false;
};

/** The reason `safe-text` gives, in the schema's words. */
export function unsafeTextReason(found: UnsafeText): string {
  switch (found.reason) {
    case 'control_character':
      return `must not contain the control character ${found.codePoint}`;
    case 'lone_surrogate':
      return `must not contain the unpaired surrogate ${found.codePoint}`;
    case 'too_long':
      return `must have at most ${found.limit} characters`;
    case 'too_deep':
      return `must not be nested deeper than ${found.limit} levels`;
  }
}

/**
 * A string that is safe text (libs/contracts `safe-text`: no control characters but TAB, LF and
 * CR, or none at all with `lineBreaks: false`; no unpaired surrogates; at most
 * `TEXT_LIMITS.maxStringLength` characters unless `max` says otherwise).
 */
export const str = (opts: { min?: number; max?: number; pattern?: RegExp; lineBreaks?: boolean } = {}): Schema<string> => ({
  kind: 'string',
  check(v, path, errors): v is string {
    if (typeof v !== 'string') return issue(errors, path, 'must be a string');
    const unsafe = unsafeTextOf(v, path, { lineBreaks: opts.lineBreaks, maxLength: Math.max(opts.max ?? 0, TEXT_LIMITS.maxStringLength) });
    if (unsafe) return issue(errors, path, unsafeTextReason(unsafe));
    if (opts.min !== undefined && v.length < opts.min) return issue(errors, path, `must have at least ${opts.min} characters`);
    if (opts.max !== undefined && v.length > opts.max) return issue(errors, path, `must have at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(v)) return issue(errors, path, `must match ${opts.pattern}`);
    return true;
  },
});

export const isoTime = (): Schema<string> => ({
  kind: 'time',
  check(v, path, errors): v is string {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
      return issue(errors, path, 'must be an ISO-8601 time with a timezone');
    }
    return true;
  },
});

export const num = (opts: { int?: boolean; min?: number; max?: number } = {}): Schema<number> => ({
  kind: 'number',
  check(v, path, errors): v is number {
    if (typeof v !== 'number' || !Number.isFinite(v)) return issue(errors, path, 'must be a finite number');
    if (opts.int && !Number.isInteger(v)) return issue(errors, path, 'must be an integer');
    if (opts.min !== undefined && v < opts.min) return issue(errors, path, `must be ≥ ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) return issue(errors, path, `must be ≤ ${opts.max}`);
    return true;
  },
});

export const bool = (): Schema<boolean> => ({
  kind: 'boolean',
  check(v, path, errors): v is boolean {
    return typeof v === 'boolean' || issue(errors, path, 'must be true or false');
  },
});

export const oneOf = <const T extends readonly string[]>(values: T): Schema<T[number]> => ({
  kind: 'enum',
  check(v, path, errors): v is T[number] {
    return (typeof v === 'string' && values.includes(v)) || issue(errors, path, `must be one of ${values.join(', ')}`);
  },
});

export const nullable = <T>(inner: Schema<T>): Schema<T | null> => ({
  kind: `nullable ${inner.kind}`,
  check(v, path, errors): v is T | null {
    return v === null || inner.check(v, path, errors);
  },
});

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } => ({
  kind: `optional ${inner.kind}`,
  optional: true,
  check(v, path, errors): v is T | undefined {
    return v === undefined || inner.check(v, path, errors);
  },
});

export const arr = <T>(inner: Schema<T>, opts: { max?: number } = {}): Schema<T[]> => ({
  kind: `array of ${inner.kind}`,
  check(v, path, errors): v is T[] {
    if (!Array.isArray(v)) return issue(errors, path, 'must be an array');
    if (opts.max !== undefined && v.length > opts.max) return issue(errors, path, `must have at most ${opts.max} items`);
    let ok = true;
    v.forEach((item, i) => {
      ok = inner.check(item, `${path}[${i}]`, errors) && ok;
    });
    return ok;
  },
});

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** A closed object: unknown fields are an error (a contract change must be a new schema version). */
export const obj = <S extends Shape>(shape: S): Schema<ObjectOf<S>> & { shape: S } => ({
  kind: 'object',
  shape,
  check(v, path, errors): v is ObjectOf<S> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return issue(errors, path, 'must be an object');
    let ok = true;
    for (const [key, schema] of Object.entries(shape)) {
      ok = schema.check((v as Record<string, unknown>)[key], path ? `${path}.${key}` : key, errors) && ok;
    }
    for (const key of Object.keys(v)) {
      if (!(key in shape)) ok = issue(errors, path ? `${path}.${key}` : key, 'is not part of the contract');
    }
    return ok;
  },
});

export class ContractViolation extends Error {
  constructor(
    readonly contract: string,
    readonly issues: SchemaIssue[],
  ) {
    super(`${contract}: ${issues.map((i) => `${i.path} ${i.reason}`).join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function validate<T>(contract: string, schema: Schema<T>, value: unknown): T {
  const errors: SchemaIssue[] = [];
  if (!schema.check(value, '', errors)) throw new ContractViolation(contract, errors);
  return value;
}
