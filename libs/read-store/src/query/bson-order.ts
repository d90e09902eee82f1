/**
 * MongoDB's comparison order for the JSON values a read model holds, shared by the adapters that
 * order in JavaScript (the embedded adapter's sort, every adapter's `aggregateCounts` result):
 *   (empty array as a sort key) < null / missing < numbers < strings < objects < arrays < booleans.
 * Strings compare by Unicode code point, which is MongoDB's binary (UTF-8) order without collation.
 */

const EMPTY_ARRAY_KEY: unique symbol = Symbol('empty array sort key');
export type SortKey = unknown;

function rank(v: unknown): number {
  if (v === EMPTY_ARRAY_KEY) return 0;
  if (v === null || v === undefined) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'object') return 4;
  if (typeof v === 'boolean') return 6;
  return 7;
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // UTF-16 order equals code-point order except that surrogates (D800–DFFF, the astral planes)
      // must rank above E000–FFFF: shift them up and the rest of the high range down.
      const dx = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
      const dy = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
      return dx < dy ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Total order over JSON values (and `undefined`, equal to `null`), as MongoDB compares them. */
export function compareValues(a: unknown, b: unknown): number {
  // fast paths for the common sort keys
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return compareStrings(a as string, b as string);
    case 4: {
      const ea = Object.entries(a as object);
      const eb = Object.entries(b as object);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const d = compareValues(ea[i][1], eb[i][1]) || compareStrings(ea[i][0], eb[i][0]);
        if (d !== 0) return d;
      }
      return Math.sign(ea.length - eb.length);
    }
    case 5: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const d = compareValues(xa[i], xb[i]);
        if (d !== 0) return d;
      }
      return Math.sign(xa.length - xb.length);
    }
    case 6:
      return a === b ? 0 : a === false ? -1 : 1;
    default:
      return 0;
  }
}

/** Every value a dotted path reaches, walking into arrays of embedded documents as MongoDB does. */
function valuesAt(value: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) return [value];
  if (Array.isArray(value)) return value.flatMap((el) => (typeof el === 'object' && el !== null && !Array.isArray(el) ? valuesAt(el, segments) : []));
  if (typeof value !== 'object' || value === null) return [undefined];
  const next = (value as Record<string, unknown>)[segments[0]];
  return valuesAt(next, segments.slice(1));
}

/**
 * The key MongoDB sorts a document by for one path: the value itself, or for an array the smallest
 * element ascending / the largest descending (an empty array sorts before null).
 */
export function sortKeyOf(doc: object, path: string, direction: 1 | -1): SortKey {
  if (!path.includes('.')) {
    const v = (doc as Record<string, unknown>)[path];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object') return v;
  }
  const reached = valuesAt(doc, path.split('.'));
  const candidates: unknown[] = [];
  let sawEmptyArray = false;
  for (const v of reached) {
    if (Array.isArray(v)) {
      if (v.length === 0) sawEmptyArray = true;
      candidates.push(...v);
    } else candidates.push(v);
  }
  if (candidates.length === 0) return sawEmptyArray ? EMPTY_ARRAY_KEY : null;
  let best = candidates[0];
  for (const c of candidates.slice(1)) {
    const d = compareValues(c, best);
    if (direction === 1 ? d < 0 : d > 0) best = c;
  }
  return best === undefined ? null : best;
}

/** Sorts documents by `sort` (already ending with `_id`) in MongoDB order. Returns a new array. */
export function sortDocuments<T extends object>(docs: readonly T[], sort: ReadonlyArray<readonly [string, 1 | -1]>): T[] {
  const keyed = docs.map((doc) => ({ doc, keys: sort.map(([path, dir]) => sortKeyOf(doc, path, dir)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < sort.length; i++) {
      const d = compareValues(x.keys[i], y.keys[i]);
      if (d !== 0) return sort[i][1] === 1 ? d : -d;
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}
