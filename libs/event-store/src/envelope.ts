/**
 * Adapter-independent pieces of an append: input checks, the expected-revision rule, the
 * idempotency rule and the hashing of the new events. Every adapter uses these, so the contract
 * holds the same way everywhere.
 */
import { isUuidV7 } from '@fengqiao/kernel';
import canonicalize from 'canonicalize';
import type { AppendResult, ExpectedRevision, HashedContent, NewEvent, ReadStreamOptions, StoredEvent, StreamRevision } from './event-store.port';
import { DuplicateEventIdError, InvalidEventError, WrongExpectedRevisionError, type ComparedRevision } from './errors';
import { GENESIS_HASH, canonicalEnvelope, hashCanonical } from './integrity/hash-chain';

export const MAX_STREAM_ID_LENGTH = 512;

/** A bigint or number that must be a safe non-negative integer; converted to number. */
export function toSafeInteger(value: bigint | number, what: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(n) || n < 0 || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new InvalidEventError(`${what} 必须是 0 到 2^53-1 之间的整数：${String(value)}`, { field: what, value: String(value) });
  }
  return n;
}

export function assertStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidEventError('事件流编号必须是非空字符串', { field: 'streamId' });
  }
}

/** `'any'`, `'no_stream'` or a safe revision number. */
export function normaliseExpected(expected: ExpectedRevision): ComparedRevision | 'any' {
  if (expected === 'any' || expected === 'no_stream') return expected;
  if (typeof expected === 'number' || typeof expected === 'bigint') return toSafeInteger(expected, 'expectedRevision');
  throw new InvalidEventError(`无效的期望版本：${String(expected)}`, { field: 'expectedRevision' });
}

/** Throws `WrongExpectedRevisionError` when `actual` is not what the writer expected. */
export function checkExpectedRevision(streamId: string, expected: ComparedRevision | 'any', actual: StreamRevision): void {
  if (expected === 'any' || expected === actual) return;
  throw new WrongExpectedRevisionError(streamId, expected, actual);
}

export function maxCountOf(value: number | undefined, what = 'maxCount'): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidEventError(`${what} 必须是非负整数：${String(value)}`, { field: what, value });
  }
  return value;
}

export interface NormalisedReadStream {
  direction: 'forward' | 'backward';
  fromRevision: number | undefined;
  maxCount: number | undefined;
}

export function normaliseReadStream(options: ReadStreamOptions = {}): NormalisedReadStream {
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new InvalidEventError(`无效的读取方向：${String(direction)}`, { field: 'direction' });
  }
  return {
    direction,
    fromRevision: options.fromRevision === undefined ? undefined : toSafeInteger(options.fromRevision, 'fromRevision'),
    maxCount: maxCountOf(options.maxCount),
  };
}

/** Applies direction, fromRevision and maxCount to a stream's events given in revision order. */
export function sliceStream(events: readonly StoredEvent[], options: NormalisedReadStream): StoredEvent[] {
  const { direction, fromRevision, maxCount } = options;
  let out =
    direction === 'forward'
      ? events.filter((e) => fromRevision === undefined || e.revision >= fromRevision)
      : events.filter((e) => fromRevision === undefined || e.revision <= fromRevision).reverse();
  if (maxCount !== undefined) out = out.slice(0, maxCount);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Input checks

function fail(index: number, field: string, message: string): never {
  throw new InvalidEventError(`第 ${index + 1} 个事件的 ${field} 无效：${message}`, { index, field });
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** W3C trace context, version 00 (https://www.w3.org/TR/trace-context/#traceparent-header). */
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A JSON value as JSON.parse would give it back: no undefined, Date, Map, bigint, NaN, cycles. */
function jsonProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} 不是有限数字`;
  if (typeof value !== 'object') return `${path} 的类型 ${typeof value} 不能存为 JSON`;
  if (seen.has(value)) return `${path} 含循环引用`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return `${path}[${i}] 为空位`;
        const p = jsonProblem(value[i], `${path}[${i}]`, seen);
        if (p) return p;
      }
      return undefined;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path} 不是普通对象（如 Date、Map）`;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) return `${path}.${k} 为 undefined`;
      const p = jsonProblem(v, `${path}.${k}`, seen);
      if (p) return p;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

/** Checks every envelope field of the new events; throws `InvalidEventError` on the first problem. */
export function validateNewEvents(streamId: string, events: readonly NewEvent[]): void {
  assertStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventError('追加的事件列表不能为空', { field: 'events' });
  }
  const ids = new Set<string>();
  events.forEach((e, i) => {
    if (e === null || typeof e !== 'object') fail(i, 'event', '不是对象');
    if (!nonEmptyString(e.id) || !isUuidV7(e.id)) fail(i, 'id', '必须是 UUIDv7');
    if (ids.has(e.id)) fail(i, 'id', `同一次追加中重复：${e.id}`);
    ids.add(e.id);
    if (!nonEmptyString(e.type)) fail(i, 'type', '必须是非空字符串');
    if (!Number.isSafeInteger(e.schemaVersion) || e.schemaVersion < 1) fail(i, 'schemaVersion', '必须是正整数');
    if (!nonEmptyString(e.occurredAt) || !ISO_INSTANT.test(e.occurredAt) || Number.isNaN(Date.parse(e.occurredAt))) {
      fail(i, 'occurredAt', '必须是带时区的 ISO-8601 时间');
    }
    const a = e.actor as unknown as Record<string, unknown> | null;
    if (a === null || typeof a !== 'object' || !nonEmptyString(a.userId) || !nonEmptyString(a.role) || !nonEmptyString(a.unitId)) {
      fail(i, 'actor', '必须含 userId、role、unitId');
    } else if (a.directoryVersion !== undefined && !(Number.isSafeInteger(a.directoryVersion) && (a.directoryVersion as number) >= 0)) {
      fail(i, 'actor.directoryVersion', '必须是非负整数');
    }
    if (!nonEmptyString(e.correlationId)) fail(i, 'correlationId', '必须是非空字符串');
    if (!nonEmptyString(e.causationId)) fail(i, 'causationId', '必须是非空字符串');
    if (!Array.isArray(e.jurisdiction) || !e.jurisdiction.every(nonEmptyString)) fail(i, 'jurisdiction', '必须是单位编号数组');
    if (e.legalBasis !== undefined && !nonEmptyString(e.legalBasis)) fail(i, 'legalBasis', '必须是非空字符串或不填');
    if (e.traceparent !== undefined && (typeof e.traceparent !== 'string' || !TRACEPARENT.test(e.traceparent))) {
      fail(i, 'traceparent', '必须是 W3C traceparent（00-<trace-id>-<span-id>-<flags>）或不填');
    }
    const d: unknown = e.data;
    if (d === null || typeof d !== 'object' || Array.isArray(d)) fail(i, 'data', '必须是 JSON 对象');
    const problem = jsonProblem(d, 'data', new Set());
    if (problem) fail(i, 'data', problem);
  });
}

// ---------------------------------------------------------------------------------------------
// Building the stored events

export interface StreamHead {
  revision: StreamRevision;
  /** Hash of the last event, or GENESIS_HASH when the stream has none. */
  hash: string;
}

export const EMPTY_HEAD: StreamHead = { revision: 'no_stream', hash: GENESIS_HASH };

/** A built event and the RFC 8785 JSON of its `data`, produced once and used both for the hash and for storage. */
export interface EncodedEvent {
  /**
   * The stored event without `globalPosition`. Its `data` is the caller's object itself (not a
   * copy): adapters store `dataJson`, which was taken at the same moment as the hash input.
   */
  event: HashedContent & { hash: string; traceparent?: string };
  dataJson: string;
  /** RFC 8785 JSON of the whole hashed content (`canonicalEnvelope`): the bytes `hash` covers. */
  canonical: string;
}

/**
 * The new events with revision, recordedAt and hash, each with the canonical JSON of its data.
 * Each event's data is serialised exactly once: that string is spliced into the canonical JSON of
 * the envelope (`canonicalEnvelope`, byte-identical to `canonicalContent`) for the hash, and is what
 * the adapters store.
 */
export function encodeEvents(streamId: string, events: readonly NewEvent[], head: StreamHead, recordedAt: string): EncodedEvent[] {
  let prevHash = head.hash;
  let revision = head.revision === 'no_stream' ? 0 : head.revision + 1;
  return events.map((e) => {
    const content: HashedContent = {
      id: e.id,
      type: e.type,
      schemaVersion: e.schemaVersion,
      streamId,
      revision,
      occurredAt: e.occurredAt,
      recordedAt,
      actor: {
        userId: e.actor.userId,
        role: e.actor.role,
        unitId: e.actor.unitId,
        ...(e.actor.directoryVersion !== undefined ? { directoryVersion: e.actor.directoryVersion } : {}),
      },
      correlationId: e.correlationId,
      causationId: e.causationId,
      jurisdiction: [...e.jurisdiction],
      data: e.data,
    };
    if (e.legalBasis !== undefined) content.legalBasis = e.legalBasis;
    const dataJson = encodeData(e.data);
    const canonical = canonicalEnvelope(content, dataJson);
    const hash = hashCanonical(prevHash, canonical);
    prevHash = hash;
    revision += 1;
    // the trace context rides along outside the hashed content
    return { event: { ...content, hash, ...(e.traceparent !== undefined ? { traceparent: e.traceparent } : {}) }, dataJson, canonical };
  });
}

/** The new events with revision, recordedAt and hash (and a deep copy of `data`); `globalPosition` is the adapter's to add. */
export function buildEvents(
  streamId: string,
  events: readonly NewEvent[],
  head: StreamHead,
  recordedAt: string,
): Array<HashedContent & { hash: string; traceparent?: string }> {
  return encodeEvents(streamId, events, head, recordedAt).map(({ event }) => ({
    ...event,
    data: structuredClone(event.data) as Record<string, unknown>,
  }));
}

/** Canonical JSON of `data`: how the adapters store it (MongoDB keys may not contain `.` or start with `$`). */
export function encodeData(data: object): string {
  const json = canonicalize(data);
  if (json === undefined) throw new InvalidEventError('data 不能存为 JSON', { field: 'data' });
  return json;
}

export function decodeData(json: string): Record<string, unknown> {
  return JSON.parse(json) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Idempotency

/**
 * The idempotency rule of `EventStore.append`. `stored` are the events already stored with any of
 * the ids of `events` (from any stream, in any order). Returns `undefined` when none is stored (a
 * normal append), the original result when all are stored as this very append, and throws
 * `DuplicateEventIdError` otherwise.
 */
export function matchIdempotentAppend(
  streamId: string,
  events: readonly NewEvent[],
  expected: ComparedRevision | 'any',
  stored: readonly StoredEvent[],
): AppendResult | undefined {
  if (stored.length === 0) return undefined;
  const byId = new Map(stored.map((e) => [e.id, e]));
  const found = events.map((e) => byId.get(e.id));
  const storedIds = events.filter((e) => byId.has(e.id)).map((e) => e.id);
  const duplicate = (reason: string): never => {
    throw new DuplicateEventIdError(streamId, storedIds, reason);
  };
  if (found.some((e) => e === undefined)) duplicate('部分事件已存在');
  const matches = found as StoredEvent[];
  const first = matches[0].revision;
  matches.forEach((s, i) => {
    const e = events[i];
    if (s.streamId !== streamId) duplicate(`已存在于事件流 ${s.streamId}`);
    if (s.revision !== first + i) duplicate('已存事件的版本不连续或顺序不同');
    if (s.type !== e.type || s.schemaVersion !== e.schemaVersion || encodeData(s.data) !== encodeData(e.data)) {
      duplicate('已存事件的类型或内容不同');
    }
  });
  if (expected === 'no_stream' && first !== 0) duplicate('已存事件不在流的开头');
  if (typeof expected === 'number' && first !== expected + 1) duplicate(`已存事件不在期望版本 ${expected} 之后`);
  const last = matches[matches.length - 1];
  return { streamId, firstRevision: first, nextExpectedRevision: last.revision, lastPosition: last.globalPosition };
}
