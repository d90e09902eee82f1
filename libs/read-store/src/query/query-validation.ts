/**
 * The one gate every adapter passes its input through, so the embedded adapter can never accept a
 * query, option or document that MongoDB / FerretDB would treat differently, and both reject the
 * same input with the same error code. The subset is described in read-store.port.ts.
 */
import { InvalidQueryError, InvalidReadDocumentError, ReadStoreArgumentError, UnsupportedQueryOperatorError } from '../errors';
import {
  REVISION_FIELD,
  TOMBSTONE_FIELD,
  type FindOptions,
  type IndexSpec,
  type ReadDocInput,
  type ReadProjection,
  type ReadQuery,
  type ReadSort,
} from '../read-store.port';

/** Operators allowed on a field path. */
export const FIELD_OPERATORS: ReadonlySet<string> = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
/** Operators allowed at the top of a query (or of a sub-query in `$and` / `$or`). */
export const LOGICAL_OPERATORS: ReadonlySet<string> = new Set(['$and', '$or']);

const RANGE_OPERATORS: ReadonlySet<string> = new Set(['$gt', '$gte', '$lt', '$lte']);

/** MongoDB's own nesting limit is 100 levels; we stop well before (and before a cycle recurses forever). */
const MAX_DEPTH = 32;

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,119}$/;

export type JsonScalar = string | number | boolean | null;
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------------------------------------
// names, ids, revisions

export function assertCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new ReadStoreArgumentError(`集合名须以英文字母开头，只含英文字母、数字、下划线和连字符，最长 120 个字符：${JSON.stringify(name)}`, {
      collection: name,
    });
  }
}

export function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.includes('\0') || id.length > 512) {
    throw new ReadStoreArgumentError(`文档编号须为非空字符串（不含 NUL，最长 512）：${JSON.stringify(id)}`, { id });
  }
}

export function assertRevision(revision: unknown): asserts revision is number {
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new ReadStoreArgumentError(`版本号须为不小于 0 的安全整数：${String(revision)}`, { revision });
  }
}

/** `expectRevision` of an upsert (see `UpsertOptions`): absent, or a revision lower than the one written. */
export function assertExpectedRevision(expected: unknown, revision: number): asserts expected is number | undefined {
  if (expected === undefined) return;
  assertRevision(expected);
  if (expected >= revision) throw new ReadStoreArgumentError(`预期版本号须小于写入的版本号：${expected} ≥ ${revision}`, { expectRevision: expected, revision });
}

// ---------------------------------------------------------------------------------------------
// paths

/**
 * A field path: dot-separated names, none empty, none starting with `$`, none all digits (array
 * positions are outside the subset), no NUL. The internal tombstone field is not addressable.
 */
export function assertPath(path: string, at: string, make: (reason: string, at: string) => Error = invalidQuery): void {
  if (path.length === 0) throw make('字段路径不能为空', at);
  if (path.includes('\0')) throw make('字段路径不能含 NUL 字符', at);
  for (const segment of path.split('.')) {
    if (segment.length === 0) throw make(`字段路径 "${path}" 含空的段`, at);
    if (segment.startsWith('$')) throw make(`字段路径 "${path}" 的段不能以 $ 开头`, at);
    if (/^\d+$/.test(segment)) throw make(`字段路径 "${path}" 不能按数组下标访问（${segment}）`, at);
  }
  if (path === TOMBSTONE_FIELD || path.startsWith(`${TOMBSTONE_FIELD}.`)) throw make(`字段 ${TOMBSTONE_FIELD} 为内部保留字段`, at);
}

function invalidQuery(reason: string, at: string): Error {
  return new InvalidQueryError(reason, at);
}

// ---------------------------------------------------------------------------------------------
// queries

/** Throws `UnsupportedQueryOperatorError` or `InvalidQueryError` unless `query` is in the subset. */
export function validateQuery(query: unknown, at = 'query'): asserts query is ReadQuery {
  validateQueryAt(query, at, 0);
}

function validateQueryAt(query: unknown, at: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidQueryError(`嵌套超过 ${MAX_DEPTH} 层`, at);
  if (!isPlainObject(query)) throw new InvalidQueryError('查询条件须为普通对象', at);
  for (const [key, value] of Object.entries(query)) {
    const here = `${at}.${key}`;
    if (key.startsWith('$')) {
      if (!LOGICAL_OPERATORS.has(key)) throw new UnsupportedQueryOperatorError(key, at);
      if (!Array.isArray(value) || value.length === 0) throw new InvalidQueryError(`${key} 须为非空数组`, here);
      value.forEach((sub, i) => validateQueryAt(sub, `${here}[${i}]`, depth + 1));
      continue;
    }
    assertPath(key, here);
    validateCondition(value, here);
  }
}

function validateCondition(condition: unknown, at: string): void {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    const operators = keys.filter((k) => k.startsWith('$'));
    // An unsupported operator is reported as such, whatever else is wrong with the object.
    for (const op of operators) if (!FIELD_OPERATORS.has(op)) throw new UnsupportedQueryOperatorError(op, at);
    if (keys.length === 0) throw new InvalidQueryError('条件不能为空对象', at);
    if (operators.length === 0) {
      throw new InvalidQueryError('不支持整体比较嵌入文档（MongoDB 按字段顺序比较）；请用点路径比较各字段，如 "address.town"', at);
    }
    if (operators.length !== keys.length) throw new InvalidQueryError('运算符不能与普通字段混用', at);
    for (const op of operators) validateOperand(op, condition[op], `${at}.${op}`);
    return;
  }
  assertScalarOperand(condition, at, '等值比较');
}

function validateOperand(op: string, operand: unknown, at: string): void {
  if (op === '$exists') {
    if (typeof operand !== 'boolean') throw new InvalidQueryError('$exists 须为 true 或 false', at);
    return;
  }
  if (op === '$in' || op === '$nin') {
    if (!Array.isArray(operand)) throw new InvalidQueryError(`${op} 须为数组`, at);
    operand.forEach((v, i) => assertScalarOperand(v, `${at}[${i}]`, op));
    return;
  }
  if (RANGE_OPERATORS.has(op)) {
    if (!(typeof operand === 'string' || isFiniteNumber(operand))) {
      throw new InvalidQueryError(`${op} 只能与数字或字符串比较`, at);
    }
    if (typeof operand === 'string') assertNoNul(operand, at, invalidQuery);
    return;
  }
  // $eq, $ne
  assertScalarOperand(operand, at, op);
}

function assertScalarOperand(v: unknown, at: string, what: string): void {
  if (v === null || typeof v === 'boolean' || isFiniteNumber(v)) return;
  if (typeof v === 'string') {
    assertNoNul(v, at, invalidQuery);
    return;
  }
  if (Array.isArray(v)) throw new InvalidQueryError(`${what}不支持整体比较数组；数组字段用单个值表示"包含"，或用 $in`, at);
  throw new InvalidQueryError(`${what}的值须为字符串、有限数字、布尔值或 null`, at);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function assertNoNul(s: string, at: string, make: (reason: string, at: string) => Error): void {
  if (s.includes('\0')) throw make('字符串不能含 NUL 字符', at);
}

// ---------------------------------------------------------------------------------------------
// find options

export interface NormalisedFind {
  /** Always ends with `_id` (ascending unless the caller sorted on `_id`). */
  sort: Array<[string, 1 | -1]>;
  skip: number;
  limit: number | undefined;
  projection: NormalisedProjection | undefined;
}

export interface NormalisedProjection {
  mode: 'include' | 'exclude';
  /** Paths named by the caller, without `_id` / `_revision` (always returned). */
  paths: string[];
}

export function normaliseFindOptions(options: FindOptions | undefined): NormalisedFind {
  if (options !== undefined && !isPlainObject(options as unknown)) throw new InvalidQueryError('查询选项须为普通对象', 'options');
  const o: FindOptions = options ?? {};
  for (const k of Object.keys(o)) {
    if (!['sort', 'limit', 'skip', 'projection'].includes(k)) throw new InvalidQueryError(`未知选项 ${k}`, 'options');
  }
  return {
    sort: normaliseSort(o.sort),
    skip: o.skip === undefined ? 0 : nonNegativeInt(o.skip, 'options.skip', 0),
    limit: o.limit === undefined ? undefined : nonNegativeInt(o.limit, 'options.limit', 1),
    projection: o.projection === undefined ? undefined : normaliseProjection(o.projection),
  };
}

function nonNegativeInt(v: unknown, at: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new InvalidQueryError(`须为不小于 ${min} 的整数`, at);
  return v;
}

export function normaliseSort(sort: ReadSort | undefined): Array<[string, 1 | -1]> {
  if (sort === undefined) return [['_id', 1]];
  if (!isPlainObject(sort)) throw new InvalidQueryError('排序须为 { 字段路径: 1 | -1 }', 'options.sort');
  const out: Array<[string, 1 | -1]> = [];
  for (const [path, dir] of Object.entries(sort)) {
    assertPath(path, `options.sort.${path}`);
    if (dir !== 1 && dir !== -1) throw new InvalidQueryError('排序方向须为 1 或 -1', `options.sort.${path}`);
    out.push([path, dir]);
  }
  if (!out.some(([p]) => p === '_id')) out.push(['_id', 1]);
  return out;
}

export function normaliseProjection(projection: ReadProjection): NormalisedProjection {
  const at = 'options.projection';
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) {
    throw new InvalidQueryError('投影须为非空的 { 字段路径: 1 } 或 { 字段路径: 0 }', at);
  }
  let mode: 'include' | 'exclude' | undefined;
  const paths: string[] = [];
  for (const [path, flag] of Object.entries(projection)) {
    if (flag !== 0 && flag !== 1) throw new InvalidQueryError('投影值须为 0 或 1', `${at}.${path}`);
    if (path === '_id' || path === REVISION_FIELD) {
      if (flag === 0) throw new InvalidQueryError(`${path} 总会返回，不能排除`, `${at}.${path}`);
      continue;
    }
    assertPath(path, `${at}.${path}`);
    const m = flag === 1 ? 'include' : 'exclude';
    if (mode !== undefined && mode !== m) throw new InvalidQueryError('投影不能同时包含与排除字段', at);
    mode = m;
    paths.push(path);
  }
  if (mode === undefined) return { mode: 'include', paths: [] };
  for (const a of paths) {
    for (const b of paths) {
      if (a !== b && b.startsWith(`${a}.`)) throw new InvalidQueryError(`投影路径冲突：${a} 与 ${b}`, at);
    }
  }
  return { mode, paths };
}

export function assertGroupByField(field: unknown): asserts field is string {
  if (typeof field !== 'string') throw new InvalidQueryError('分组字段须为字段路径字符串', 'groupByField');
  assertPath(field, 'groupByField');
}

// ---------------------------------------------------------------------------------------------
// indexes

export function validateIndexSpecs(specs: readonly IndexSpec[]): void {
  if (!Array.isArray(specs)) throw new ReadStoreArgumentError('索引定义须为数组');
  specs.forEach((spec, i) => {
    if (!isPlainObject(spec) || !isPlainObject(spec.keys) || Object.keys(spec.keys).length === 0) {
      throw new ReadStoreArgumentError(`第 ${i + 1} 个索引须有非空的 keys`, { index: i });
    }
    for (const k of Object.keys(spec)) {
      if (k !== 'keys' && k !== 'name' && k !== 'multikey')
        throw new ReadStoreArgumentError(`索引不支持选项 ${k}（只支持 keys、name、multikey）`, { index: i });
    }
    if (spec.multikey !== undefined && typeof spec.multikey !== 'boolean')
      throw new ReadStoreArgumentError('索引选项 multikey 须为 true 或 false', { index: i });
    for (const [path, dir] of Object.entries(spec.keys)) {
      assertPath(path, `indexes[${i}].keys.${path}`, (reason) => new ReadStoreArgumentError(reason, { index: i }));
      if (dir !== 1 && dir !== -1) throw new ReadStoreArgumentError(`索引方向须为 1 或 -1：${path}`, { index: i });
    }
    if (Object.keys(spec.keys).length === 1 && '_id' in spec.keys) {
      throw new ReadStoreArgumentError('_id 总有索引，无需再建', { index: i });
    }
    if (spec.name !== undefined && (typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(spec.name))) {
      throw new ReadStoreArgumentError(`索引名无效：${String(spec.name)}`, { index: i });
    }
  });
  const names = specs.map(indexNameOf);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ReadStoreArgumentError(`索引名重复：${dup}`, { name: dup });
}

/** The name MongoDB gives an index by default (`status_1_reportedAt_-1`), or the spec's own. */
export function indexNameOf(spec: IndexSpec): string {
  return (
    spec.name ??
    Object.entries(spec.keys)
      .map(([k, d]) => `${k}_${d}`)
      .join('_')
  );
}

/** Raised by both adapters when an index's name or keys clash with an existing index. */
export function indexConflict(collection: string, spec: IndexSpec, existing: string): ReadStoreArgumentError {
  return new ReadStoreArgumentError(`集合 ${collection} 的索引 ${indexNameOf(spec)} 与已有索引 ${existing} 冲突（同名不同字段，或同字段不同名）`, {
    collection,
    index: indexNameOf(spec),
    existing,
  });
}

// ---------------------------------------------------------------------------------------------
// documents

export interface NormalisedDocument {
  id: string;
  /** A fresh copy holding JSON values only; `_id` first, no `_revision`. */
  doc: JsonObject & { _id: string };
}

/**
 * Checks a document against what MongoDB and FerretDB 1.24 both store unchanged and returns a
 * deep copy: `undefined` properties dropped, `-0` as `0`, `_revision` removed (the store sets it).
 */
export function normaliseDocument(input: ReadDocInput<object>): NormalisedDocument {
  if (!isPlainObject(input)) throw new InvalidReadDocumentError('文档须为普通对象', 'doc');
  const id = input._id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 512 || id.includes('\0')) {
    throw new InvalidReadDocumentError('_id 须为非空字符串（不含 NUL，最长 512）', 'doc._id');
  }
  const doc: JsonObject & { _id: string } = { _id: id };
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key === '_id' || key === REVISION_FIELD) continue;
    if (key === TOMBSTONE_FIELD) throw new InvalidReadDocumentError(`字段 ${TOMBSTONE_FIELD} 为内部保留字段`, `doc.${key}`);
    assertKey(key, 'doc');
    const value = fields[key];
    if (value === undefined) continue;
    doc[key] = copyValue(value, 'doc', key, 1, false);
  }
  return { id, doc };
}

function assertKey(key: string, at: Path): void {
  if (key.length === 0) throw new InvalidReadDocumentError('字段名不能为空', pathText(at));
  if (key.charCodeAt(0) === 36 /* $ */) throw new InvalidReadDocumentError(`字段名不能以 $ 开头：${key}`, pathText(at));
  if (key.includes('.')) throw new InvalidReadDocumentError(`字段名不能含 "."：${key}`, pathText(at));
  if (key.includes('\0')) throw new InvalidReadDocumentError('字段名不能含 NUL 字符', pathText(at));
  // a plain object cannot hold it as its own field: the copy would take it as its prototype (the
  // field lost on write, its members showing through on every read of the copy)
  if (key === '__proto__') throw new InvalidReadDocumentError('字段名不能为 __proto__', pathText(at));
}

/**
 * Where a value sits in the document (`doc.a.b[2]`), spelt out only when it is refused: building
 * the text for every value copied was a third of the copy's time (issue 15).
 */
type Path = string | { up: Path; key: string | number };

function pathText(path: Path): string {
  if (typeof path === 'string') return path;
  const up = pathText(path.up);
  return typeof path.key === 'number' ? `${up}[${path.key}]` : `${up}.${path.key}`;
}

function refuse(message: string, up: Path, key: string | number): never {
  throw new InvalidReadDocumentError(message, pathText({ up, key }));
}

/** `value`, the `key` of the container at `up`, copied; a container's own path is made only for its children. */
function copyValue(value: unknown, up: Path, key: string | number, depth: number, inArray: boolean): JsonValue {
  if (depth > MAX_DEPTH) refuse(`嵌套超过 ${MAX_DEPTH} 层（或含循环引用）`, up, key);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (value.includes('\0')) refuse('字符串不能含 NUL 字符（FerretDB 不支持）', up, key);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(`数字须为有限值：${String(value)}`, up, key);
    return value === 0 ? 0 : value; // -0 → 0, as FerretDB stores it
  }
  if (Array.isArray(value)) {
    if (inArray) refuse('数组不能直接嵌套数组（FerretDB 不支持）', up, key);
    const at: Path = { up, key };
    const out = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined) throw new InvalidReadDocumentError('数组元素不能为 undefined', pathText({ up: at, key: i }));
      out[i] = copyValue(v, at, i, depth + 1, true);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const at: Path = { up, key };
    const out: JsonObject = {};
    for (const k of Object.keys(value)) {
      assertKey(k, at);
      const v = value[k];
      if (v === undefined) continue;
      out[k] = copyValue(v, at, k, depth + 1, false);
    }
    return out;
  }
  const kind = value instanceof Date ? 'Date（请存 ISO-8601 字符串）' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return refuse(`只能存 JSON 值，不能存 ${kind}`, up, key);
}
