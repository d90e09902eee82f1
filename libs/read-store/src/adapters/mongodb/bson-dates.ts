/**
 * Instants as real BSON Dates in MongoDB read models (issue 14 §3): a BI tool's
 * `{ reportedAt: { $gte: ISODate("2025-01-01T00:00:00Z") } }` must find cases.
 *
 * Views keep instants as ISO-8601 strings (`Date#toISOString()`: `2025-03-01T08:00:00.000Z`); the
 * MongoDB adapter stores every string in exactly that canonical UTC form as a BSON Date, and turns
 * every Date back into the same string on read, so the round trip is exact and API responses keep
 * ISO strings. Strings in any other form (a date `2025-03-01`, an offset `+08:00`, text) stay
 * strings: converting them would not read back byte for byte. The same conversion applies to the
 * operands of a query, so the application's string comparisons on instants keep working. The
 * embedded adapter (SQLite + mingo) keeps strings; both sort instants in time order.
 */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True for a string that is an instant in `toISOString()` form and reads back identically. */
export function isCanonicalInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !CANONICAL_INSTANT.test(value)) return false;
  const t = Date.parse(value);
  return Number.isFinite(t) && new Date(t).toISOString() === value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A copy with canonical instant strings replaced by Dates (documents and query operands). */
export function instantsToDates<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (isCanonicalInstant(v)) return new Date(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, el] of Object.entries(v)) out[k] = walk(el);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** A copy with Dates replaced by their ISO strings (what the views and the API see). */
export function datesToInstants<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, el] of Object.entries(v)) out[k] = walk(el);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
