/**
 * The commit document of the MongoDB event store (layout 2, see mongodb-event-store.ts) and its
 * mapping: encoded events → commit document (`commitBody` then `placeCommit`, with the BSON copy of the data for
 * readers of the database) and commit document → stored events (`unwrap`, reading the canonical JSON
 * back, or a layout-1 commit unchanged). Also the stream head and meta hint documents.
 */
import type { Actor } from '@fengqiao/kernel';
import type { StoredEvent } from '../../event-store.port';
import { decodeData, type EncodedEvent } from '../../envelope';

export interface StoredSubEvent {
  id: string;
  type: string;
  schemaVersion: number;
  /** A BSON date (layout 2) or the ISO text (layout 1). */
  occurredAt: Date | string;
  /** The writer's text when it is not `occurredAt.toISOString()`. */
  occurredAtText?: string;
  recordedAt: Date | string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  jurisdiction: string[];
  legalBasis?: string;
  /**
   * Layout 2: the data as a BSON document (for readers of the database; keys made storable), and
   * what is read back when `json` is absent. Layout 1: the canonical JSON.
   */
  data: Record<string, unknown> | string;
  /**
   * Layout 2: RFC 8785 JSON of the data (the bytes the hash covers), stored only when the BSON copy
   * would not read back as the same JSON value (see `storedData`); then it is what is read back.
   */
  json?: string;
  hash: string;
  /** W3C trace context of the append (metadata, not hashed) */
  traceparent?: string;
}

export interface CommitDoc {
  _id: number;
  lastPosition: number;
  /** floor(_id / PAGE_POSITIONS): read-all asks for a page of commits by equality. */
  page?: number;
  streamId: string;
  firstRevision: number;
  lastRevision: number;
  /** Hash of the commit's last event (absent on the oldest commits: read `events`). */
  lastHash?: string;
  eventIds: string[];
  events: StoredSubEvent[];
}

export interface HeadDoc {
  _id: string;
  revision: number;
  hash: string;
  firstRevision: number;
  position: number;
}

export interface MetaDoc {
  _id: string;
  position?: number;
  version?: number;
  /** Layout 3: whether the claims live beside the commits (see mongodb-id-claims.ts). */
  claimsBeside?: boolean;
}

export const PAGE_POSITIONS = 1000;
/** The server's code for an insert refused by a unique index. */
export const DUPLICATE_KEY = 11000;
/**
 * Most documents in one `insertMany`: FerretDB splits a larger insert into batches of 100 and, in
 * 1.24, goes on with the next batch after a refused document even when the insert is ordered. Up to
 * this many, "ordered" holds there too (asked of the server on start, see mongodb-layout.ts).
 */
export const MAX_INSERT_DOCS = 100;

export function pageOf(position: number): number {
  return Math.floor(position / PAGE_POSITIONS);
}

export function lastHashOf(doc: CommitDoc): string {
  return doc.lastHash ?? doc.events[doc.events.length - 1].hash;
}

/** Field names a MongoDB-protocol server refuses (`.`, a leading `$`, NUL) get look-alike characters. */
function storableKey(key: string): string {
  if (!/[.\0]|^\$/.test(key)) return key;
  return key.replace(/\./g, '\uFF0E').replace(/^\$/, '\uFF04').replace(/\0/g, '\u2400');
}

/**
 * The data as a BSON document for readers of the database. Keys are made storable (and NULs in strings
 * get a look-alike, which PostgreSQL under FerretDB would refuse), an array directly
 * inside an array becomes `{ items: [...] }` (FerretDB 1.24 refuses nested arrays), and BSON keeps JS
 * numbers as int32 or double.
 */
export function bsonCopy(value: unknown): unknown {
  return copyForBson(value, false, { exact: true });
}

/**
 * What a commit stores of an event's data (canonical JSON `dataJson`): the BSON copy, plus the JSON
 * itself only when the copy would not read back as the same JSON value. The copy reads back exactly
 * (same keys, strings, numbers, nesting) unless a key had to be changed (`.`, a leading `$`, NUL;
 * `__proto__`, which a plain object cannot hold as its own key), an array sits directly inside an
 * array, a string holds a NUL (replaced), or a string is not well-formed UTF-16 (BSON stores UTF-8: a lone surrogate comes back as
 * U+FFFD). Numbers read back exactly: a JSON number is a double, stored as int32 when it is an
 * integer in that range and as a double otherwise, and read back as the same double (−0 as 0, which
 * canonical JSON writes as `0` too). Storing the JSON only where needed halves what most commits
 * hold (FerretDB's cost per insert grows with the fields it converts).
 */
export function storedData(dataJson: string): { data: Record<string, unknown>; json?: string } {
  const state = { exact: true };
  const data = copyForBson(JSON.parse(dataJson), false, state) as Record<string, unknown>;
  return state.exact ? { data } : { data, json: dataJson };
}

/** `String.prototype.isWellFormed` (ES2024, in Node ≥ 20; the compiler's lib predates it): no lone surrogate. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function copyForBson(value: unknown, inArray: boolean, state: { exact: boolean }): unknown {
  if (typeof value === 'string') {
    if (value.includes('\0')) {
      // PostgreSQL (under FerretDB) refuses a NUL in a JSON string: the copy gets a look-alike
      state.exact = false;
      return value.replace(/\0/g, '\u2400');
    }
    if (state.exact && !isWellFormed(value)) state.exact = false;
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => copyForBson(v, true, state));
    if (!inArray) return items;
    state.exact = false;
    return { items };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = storableKey(k);
      if (key !== k || k === '__proto__') state.exact = false;
      // defineProperty: a key `__proto__` stays a plain field instead of setting the prototype
      Object.defineProperty(out, key, { value: copyForBson(v, false, state), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** A commit without its positions: everything an append can build before it knows where it goes. */
export type CommitBody = Omit<CommitDoc, '_id' | 'lastPosition' | 'page'>;

/**
 * The commit of `built` without its positions (the BSON copies of the data, the instants as dates):
 * built while the append's claims are on their way, placed by `placeCommit` at insert time.
 */
export function commitBody(streamId: string, built: EncodedEvent[]): CommitBody {
  const first = built[0].event;
  const last = built[built.length - 1].event;
  return {
    streamId,
    firstRevision: first.revision,
    lastRevision: last.revision,
    lastHash: last.hash,
    eventIds: built.map(({ event }) => event.id),
    events: built.map(({ event: e, dataJson }) => {
      const occurredAt = new Date(e.occurredAt);
      const sub: StoredSubEvent = {
        id: e.id,
        type: e.type,
        schemaVersion: e.schemaVersion,
        occurredAt,
        recordedAt: new Date(e.recordedAt),
        actor: {
          userId: e.actor.userId,
          role: e.actor.role,
          unitId: e.actor.unitId,
          ...(e.actor.directoryVersion !== undefined ? { directoryVersion: e.actor.directoryVersion } : {}),
        },
        correlationId: e.correlationId,
        causationId: e.causationId,
        jurisdiction: e.jurisdiction,
        ...storedData(dataJson),
        hash: e.hash,
      };
      if (occurredAt.toISOString() !== e.occurredAt) sub.occurredAtText = e.occurredAt;
      if (new Date(e.recordedAt).toISOString() !== e.recordedAt) throw new Error(`recordedAt is not a UTC ISO instant: ${e.recordedAt}`);
      if (e.legalBasis !== undefined) sub.legalBasis = e.legalBasis;
      if (e.traceparent !== undefined) sub.traceparent = e.traceparent;
      return sub;
    }),
  };
}

/** The commit document of `body` at `position` (its first event's global position). */
export function placeCommit(body: CommitBody, position: number): CommitDoc {
  return { _id: position, lastPosition: position + body.events.length - 1, page: pageOf(position), ...body };
}

function instant(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

export function unwrap(doc: CommitDoc): StoredEvent[] {
  return doc.events.map((s, i) => {
    const event: StoredEvent = {
      id: s.id,
      type: s.type,
      schemaVersion: s.schemaVersion,
      streamId: doc.streamId,
      revision: doc.firstRevision + i,
      globalPosition: doc._id + i,
      occurredAt: s.occurredAtText ?? instant(s.occurredAt),
      recordedAt: instant(s.recordedAt),
      actor: {
        userId: s.actor.userId,
        role: s.actor.role,
        unitId: s.actor.unitId,
        ...(s.actor.directoryVersion !== undefined ? { directoryVersion: s.actor.directoryVersion } : {}),
      },
      correlationId: s.correlationId,
      causationId: s.causationId,
      jurisdiction: [...s.jurisdiction],
      // layout 2 reads `json` when stored, else the BSON copy (exact then); layout 1 holds the JSON in `data`
      data: typeof s.json === 'string' ? decodeData(s.json) : typeof s.data === 'string' ? decodeData(s.data) : s.data,
      hash: s.hash,
    };
    if (s.legalBasis !== undefined && s.legalBasis !== null) event.legalBasis = s.legalBasis;
    if (typeof s.traceparent === 'string') event.traceparent = s.traceparent;
    return event;
  });
}
