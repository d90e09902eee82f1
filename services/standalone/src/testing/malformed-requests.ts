/**
 * fast-check arbitraries for malformed HTTP requests to any route, steered by the app's OpenAPI
 * document (request-body schemas and query parameters), so routes added later are fuzzed with
 * their own field names without anyone listing them here. Used by `input-fuzz.spec.ts`.
 */
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// the OpenAPI document, as much of it as the generators read

export interface SchemaObject {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  nullable?: boolean;
  required?: string[];
  example?: unknown;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  schema?: SchemaObject;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** `/intake/cases/:id` → `/intake/cases/{id}` */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export function operationOf(doc: OpenApiDocument, method: string, path: string): Operation | undefined {
  return doc.paths[openApiPath(path)]?.[method.toLowerCase()];
}

export function resolve(doc: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]);
  if (schema.allOf?.length) return resolve(doc, schema.allOf[0]);
  return schema;
}

export function bodySchemaOf(doc: OpenApiDocument, method: string, path: string): SchemaObject | undefined {
  const content = operationOf(doc, method, path)?.requestBody?.content ?? {};
  const first = content['application/json'] ?? content['application/x-www-form-urlencoded'] ?? Object.values(content)[0];
  return resolve(doc, first?.schema);
}

export function queryParamsOf(doc: OpenApiDocument, method: string, path: string): Parameter[] {
  return (operationOf(doc, method, path)?.parameters ?? []).filter((p) => p.in === 'query');
}

// ---------------------------------------------------------------------------------------------
// values

/** Strings that have hurt or could hurt: controls, lone surrogates, lengths, operators, prototypes. */
export const evilString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'a\u0000b',
    '\u0000',
    'x\u0001\u0008\u000b\u000c\u001b[31m',
    'line\r\nbreak',
    'tab\there',
    '\u007f\u0085\u009f',
    'a\ud800',
    '\udc00b',
    '\udbff\udbff',
    '',
    ' ',
    '__proto__',
    'constructor',
    '$where',
    '$gt',
    'a.b',
    '../../etc/passwd',
    '%00',
    '%ED%A0%80',
    '<script>alert(1)</script>',
    '\u202e\u2066反转',
    '🚒'.repeat(100),
    'x'.repeat(20_001),
    '长'.repeat(4001),
    '0',
    '-1',
    '1e999',
    'true',
    'null',
    '2025-02-30T25:61:00+08:00',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
);

const deepValue = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** A value where a field is expected: wrong types, nulls, unsafe strings, nesting, huge numbers. */
export const evilValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: evilString },
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, -0, 1e308) },
  { weight: 1, arbitrary: fc.constantFrom({}, [], [null], { __proto__: { admin: true } }, { $gt: '' }, deepValue(40), [evilString]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/**
 * Values the demo district accepts, by field name: with them a body is often valid except for the
 * one malformed field, so the fuzz reaches the handlers, the deciders and the stores, not only the
 * validation pipe. Field names, not routes: a new route with the usual names benefits at once.
 */
const DEMO_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  category: ['fire_lane_blocked', 'garbage_overflow', 'streetlight_fault', 'street_vending'],
  service_code: ['garbage_overflow', 'streetlight_fault'],
  address: ['枫源小区3号楼北侧'],
  address_string: ['枫源小区3号楼北侧'],
  description: ['楼道堆放杂物'],
  reason: ['现场核实'],
  note: ['已到场处置'],
  summary: ['已处理完毕'],
  findings: ['现场已清理'],
  opinion: ['请尽快处理'],
  answer: ['已安排人员'],
  gridId: ['g-1-1-1', 'g-1-1-2'],
  unitId: ['dept-d-cg', 'dept-t1-cg'],
  newUnitId: ['dept-t1-cg'],
  lat: [29.701, '29.701'],
  lng: [120.165],
  long: [120.165, '120.165'],
  username: ['op.v-1-1'],
  password: ['fengqiao-demo-2025'],
  anonymous: [false],
  duration: [2],
};

/** A plausible value for a schema (so that the malformed field is often the only wrong one). */
export function plausible(doc: OpenApiDocument, schema: SchemaObject | undefined, depth = 0, name = ''): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (!s || depth > 4) return fc.jsonValue({ maxDepth: 1 });
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const known = DEMO_VALUES[name];
  if (known && s.type !== 'object' && s.type !== 'array')
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: plausible(doc, { ...s, example: undefined }, depth, '') });
  if (s.example !== undefined && s.type !== 'object')
    return fc.oneof({ weight: 3, arbitrary: fc.constant(s.example) }, { weight: 1, arbitrary: plausible(doc, { ...s, example: undefined }, depth, '') });
  switch (s.type) {
    case 'string':
      return fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('fire_lane_blocked', 'g-1-1-1', 'v-1-1', 'dept-d-cg', '2025-03-03T09:00:00+08:00', 'working_days'),
      );
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -200, max: 200 }), fc.constantFrom(29.7, 120.16));
    case 'integer':
      return fc.integer({ min: -2, max: 100 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(plausible(doc, s.items, depth + 1), { maxLength: 3 });
    default: {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      const required = new Set((s.required ?? []).filter((k) => k in (s.properties ?? {})));
      // required fields mostly present, optional ones mostly absent: each wrong optional value
      // would otherwise make almost every body fail on something other than the field under attack
      const field = (k: string, v: SchemaObject) =>
        fc.oneof(
          { weight: required.has(k) ? 8 : 1, arbitrary: plausible(doc, v, depth + 1, k) },
          { weight: required.has(k) ? 1 : 3, arbitrary: fc.constant(undefined) },
        );
      return fc
        .tuple(...props.map(([k, v]) => field(k, v)))
        .map((values) => Object.fromEntries(props.map(([k], i) => [k, values[i]]).filter(([, v]) => v !== undefined)));
    }
  }
}

/** Every property path of a body schema (`location.point.lat`), for aiming a malformed value. */
export function fieldPaths(doc: OpenApiDocument, schema: SchemaObject | undefined, prefix: string[] = [], depth = 0): string[][] {
  const s = resolve(doc, schema);
  if (!s || depth > 4) return [];
  if (s.type === 'array') return fieldPaths(doc, s.items, [...prefix, '0'], depth + 1);
  return Object.entries(s.properties ?? {}).flatMap(([k, v]) => [[...prefix, k], ...fieldPaths(doc, v, [...prefix, k], depth + 1)]);
}

/** The paths of every value in a JSON value (`reporter`, `reporter.name`, `attachments.0.ref`). */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return prefix.length ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

function setAt(target: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base = /^\d+$/.test(head)
    ? Array.isArray(target)
      ? [...target]
      : []
    : typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...target }
      : {};
  (base as Record<string, unknown>)[head] = setAt((target as Record<string, unknown> | undefined)?.[head], rest, value);
  return base;
}

// ---------------------------------------------------------------------------------------------
// request parts

export interface FuzzBody {
  contentType: string | undefined;
  text: string | Uint8Array | undefined;
  /** the JSON value sent, where the body is JSON made from a value */
  value?: unknown;
  /** what was sent, for the failure report */
  label: string;
}

const json = (value: unknown, label: string): FuzzBody => ({ contentType: 'application/json', text: JSON.stringify(value), value, label });

/** A plausible body for a route (its own schema, demo values): the part of a request that is not under attack. */
export function plausibleBody(doc: OpenApiDocument, schema: SchemaObject | undefined): fc.Arbitrary<FuzzBody> {
  return plausible(doc, schema ?? { type: 'object' }).map((v) => json(v, `plausible ${JSON.stringify(v)?.slice(0, 80)}`));
}

/**
 * A malformed body for a route: usually its own schema with one field wrong, sometimes raw junk.
 * With `bases` (bodies the route accepted), the wrong field is put into one of them, so it gets
 * past every other check of the route.
 */
export function malformedBody(doc: OpenApiDocument, schema: SchemaObject | undefined, bases: readonly unknown[] = []): fc.Arbitrary<FuzzBody> {
  // aim at the fields the accepted bodies have (all of them, nested), else at the schema's
  const paths = bases.length ? [...new Map(bases.flatMap((b) => leafPaths(b)).map((p) => [p.join('.'), p])).values()] : fieldPaths(doc, schema);
  const base = bases.length ? fc.constantFrom(...bases) : plausible(doc, schema);
  const aimed: fc.Arbitrary<FuzzBody> =
    paths.length > 0
      ? fc
          .tuple(base, fc.constantFrom(...paths), evilValue)
          .map(([b, path, evil]) => json(setAt(b, path, evil), `${path.join('.')}=${JSON.stringify(evil)?.slice(0, 60)}`))
      : evilValue.map((v) => json({ field: v }, 'field'));
  const explicitNulls: fc.Arbitrary<FuzzBody> =
    paths.length > 0
      ? fc.tuple(base, fc.subarray(paths, { minLength: 1 })).map(([b, ps]) =>
          json(
            ps.reduce((acc, p) => setAt(acc, p, null), b),
            `nulls ${ps.map((p) => p.join('.')).join(',')}`,
          ),
        )
      : fc.constant(json({ reason: null }, 'null'));
  const raw: fc.Arbitrary<FuzzBody> = fc.oneof(
    fc.constantFrom(
      { contentType: 'application/json', text: '['.repeat(5000) + ']'.repeat(5000), label: 'array 5000 deep' },
      { contentType: 'application/json', text: `{"reason":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`, label: 'object 3000 deep' },
      { contentType: 'application/json', text: '{"reason":', label: 'truncated' },
      { contentType: 'application/json', text: '{"reason":1e999}', label: 'infinity' },
      { contentType: 'application/json', text: '{"reason":"a","reason":null}', label: 'duplicate key' },
      { contentType: 'application/json', text: '"just a string"', label: 'string body' },
      { contentType: 'application/json', text: 'null', label: 'null body' },
      { contentType: 'application/json', text: '[{"reason":"x"}]', label: 'array body' },
      { contentType: 'application/json', text: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}', label: 'prototype keys' },
      { contentType: 'application/json', text: '', label: 'empty json' },
      { contentType: 'application/json; charset=latin1', text: '{"reason":"x"}', label: 'latin1' },
      { contentType: 'application/json; charset=utf-16', text: '{"reason":"x"}', label: 'utf-16 label' },
      { contentType: 'text/plain', text: 'reason=x', label: 'text/plain' },
      { contentType: 'multipart/form-data; boundary=x', text: '--x\r\nContent-Disposition: form-data; name="reason"\r\n\r\nx\r\n--x--', label: 'multipart' },
      { contentType: 'application/x-www-form-urlencoded', text: `a${'[b]'.repeat(40)}=1&reason=%00&reason=x`, label: 'deep form' },
      { contentType: 'application/x-www-form-urlencoded', text: 'description=%ED%A0%80&service_code=%00&lat=NaN&long=Infinity', label: 'form junk' },
      { contentType: undefined, text: '{"reason":"x"}', label: 'no content type' },
    ),
    fc
      .uint8Array({ maxLength: 64 })
      .map((bytes) => ({ contentType: 'application/json', text: bytes, label: `bytes ${Buffer.from(bytes).toString('hex').slice(0, 40)}` })),
    fc.jsonValue({ maxDepth: 4 }).map((v) => json(v, 'random json')),
  );
  return fc.oneof(
    { weight: 5, arbitrary: aimed },
    { weight: 2, arbitrary: explicitNulls },
    { weight: 3, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant({ contentType: undefined, text: undefined, label: 'no body' }) },
  );
}

/** Percent-encodes any string, lone surrogates included (as the CESU bytes a lax client would send). */
export function percentEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** A route parameter: a real id sometimes, junk otherwise (already encoded for the URL). */
export function pathValue(realIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: realIds.length ? fc.constantFrom(...realIds).map(percentEncode) : fc.uuid() },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: evilString.filter((s) => s.length > 0 && s.length < 3000).map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%80', '%FF', '..', '.', 'x'.repeat(600), '1', '-1', '0') },
  );
}

/** A query string (without `?`) for a route: its own parameters with junk values, and unknown ones. */
export function malformedQuery(params: readonly { name: string }[]): fc.Arbitrary<string> {
  const names = params.length ? fc.constantFrom(...params.map((p) => p.name)) : fc.constantFrom('page', 'status');
  const pair = fc.oneof(
    fc
      .tuple(
        names,
        evilString.filter((s) => s.length < 3000),
      )
      .map(([k, v]) => `${k}=${percentEncode(v)}`),
    fc.tuple(names, fc.constantFrom('%', '%zz', '%ED%A0%80', '%00', '1e999', '-1', '99999999999999999999', 'true', '')).map(([k, v]) => `${k}=${v}`),
    fc.constantFrom('a[b][c][d][e][f][g]=1', '__proto__[admin]=1', 'constructor[prototype][x]=1', 'page=1&page=2', '=x', '&&', 'x'),
  );
  return fc.array(pair, { minLength: 0, maxLength: 4 }).map((pairs) => pairs.join('&'));
}

/** Header values fetch can send (Latin-1, no CR/LF/NUL): If-Match, correlation ids, Accept. */
const headerText = fc
  .string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 60,
  })
  .map((s) => s.trim());

export const malformedHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'if-match': fc.oneof(headerText, fc.constantFrom('"0"', 'W/"1"', '*', '"-1"', '"99999999999999999999"', '"1", "2"', 'W/', '""')),
    'x-correlation-id': fc.oneof(headerText, fc.constantFrom('x'.repeat(129), 'a b', 'ok-id')),
    accept: fc.constantFrom('application/xml', 'text/html', '*/*', 'application/json'),
    'accept-language': headerText,
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
  },
  { requiredKeys: [] },
);
