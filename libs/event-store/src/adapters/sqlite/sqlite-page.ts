/**
 * A `readAll` page of the SQLite store read as ONE row (issue 15: a 1,000,000-event replay).
 *
 * Read row by row, node:sqlite hands out one JS array per row and one ArrayBuffer per row's
 * content, and the store kept each event's decoded content (UTF-16, twice the bytes) beside it: with
 * a small young generation (the services ran with 8 MB semi-spaces then; 16 MB since) garbage collection was most of
 * a replay's time. Here SQLite joins the page's columns itself (`PAGE_SQL`): every row's content back
 * to back in one BLOB, the other columns as joined text. Each event's content is decoded from its
 * slice of that buffer and parsed on its own (one `JSON.parse` per event, exactly as a row read
 * would: no content can spill into its neighbour's).
 *
 * A page's events are plain objects: `data` is what `JSON.parse` gave, and no stored bytes are kept
 * beside the event. Chain verification of a page's events (nothing in the services verifies a
 * `readAll` page: audits and evidence read streams, `eventOfRow`) re-canonicalises them from their
 * fields, which is correct and slower. Until 2026-12-07 each event kept its bytes (a Latin-1 copy)
 * and `data` was an accessor noting its first read, for verification's fast path: on 1,000,000
 * events that was about a fifth of a replay (p50 per page of 1,000: 4.33 ms with it, 3.7 ms without,
 * alternating runs of the same file). An event kept long (a consumer filtering a few events out of a
 * whole replay) pins only its own objects, never a page's buffer.
 *
 * The calling thread (`SqliteEventStore.readAll`) and the read-ahead worker (`sqlite-read-ahead.ts`)
 * run the same statement; the worker transfers the row's buffer. Any doubt about a page (a content
 * that is not a BLOB, a string column holding the separator, lists that do not line up, positions
 * not increasing) makes `unpackPage` return undefined, and the store reads that page row by row.
 */
import type { Actor } from '@fengqiao/kernel';
import type { HashedContent, StoredEvent } from '../../event-store.port';
import { attachStoredBytes, defineLazyData, parseEnvelope, parseStoredContent, type StoredBytes } from '../../integrity/stored-bytes';

/**
 * One page as one row: the page's numbers (position, revision, content length of each row) in one
 * comma-joined list, every content back to back in one BLOB, the string columns (id, stream id,
 * hash, trace context) in one newline-joined list. Every aggregate sees the rows of the subquery in
 * the same pass, so the lists line up; their order is checked (positions strictly increasing). A
 * string value holding a newline (or a number column holding a comma) makes its list too long, and
 * the page is read row by row. Fewer lists than one per column: each costs SQLite a string per row
 * and the caller a split (measured: a third of the statement's time).
 */
export const PAGE_SQL = `SELECT count(*), group_concat(global_position || ',' || revision || ',' || length(content), ','),
  CAST(group_concat(content, '') AS BLOB),
  group_concat(id || char(10) || stream_id || char(10) || hash || char(10) ||
    CASE WHEN trace_parent IS NULL THEN '' ELSE 't' || trace_parent END, char(10)),
  sum(typeof(content) <> 'blob')
FROM (SELECT global_position, id, stream_id, revision, hash, content, trace_parent FROM events
      WHERE global_position > ? ORDER BY global_position ASC LIMIT ?)`;

/** The row of `PAGE_SQL` (statement returning arrays); the lists are null when the page is empty. */
export type PageRow = [number, string | null, Uint8Array | null, string | null, number | null];

/** A page, unpacked. */
export interface Page {
  count: number;
  /** every row's content, back to back (UTF-8 canonical JSON) */
  content: Uint8Array;
  /** end offset of each row's content in `content` */
  ends: number[];
  positions: number[];
  revisions: number[];
  ids: string[];
  streamIds: string[];
  hashes: string[];
  traceParents: Array<string | null>;
}

/** The page of a `PAGE_SQL` row, or undefined when it is empty or in doubt (read it row by row). */
export function unpackPage(row: PageRow | undefined): Page | undefined {
  if (!row) return undefined;
  const [count, numberList, content, stringList, notBlob] = row;
  if (!count || notBlob || !(content instanceof Uint8Array) || numberList === null || stringList === null) return undefined;
  const numbers = numberList.split(',');
  const strings = stringList.split('\n');
  if (numbers.length !== 3 * count || strings.length !== 4 * count) return undefined;
  const positions = new Array<number>(count);
  const revisions = new Array<number>(count);
  const ends = new Array<number>(count);
  const ids = new Array<string>(count);
  const streamIds = new Array<string>(count);
  const hashes = new Array<string>(count);
  const traceParents = new Array<string | null>(count);
  let end = 0;
  let previous = -Infinity;
  for (let i = 0; i < count; i++) {
    const position = Number(numbers[3 * i]);
    if (!(position > previous)) return undefined;
    previous = position;
    positions[i] = position;
    revisions[i] = Number(numbers[3 * i + 1]);
    end += Number(numbers[3 * i + 2]);
    ends[i] = end;
    ids[i] = strings[4 * i];
    streamIds[i] = strings[4 * i + 1];
    hashes[i] = strings[4 * i + 2];
    const t = strings[4 * i + 3];
    traceParents[i] = t === '' ? null : t.slice(1);
  }
  if (end !== content.byteLength) return undefined;
  return { count, content, ends, positions, revisions, ids, streamIds, hashes, traceParents };
}

/** The events of a page: plain objects, built from each row's content (see the header). */
export function eventsOfPage(page: Page): StoredEvent[] {
  const c = page.content;
  const buf = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  const out = new Array<StoredEvent>(page.count);
  let start = 0;
  for (let i = 0; i < page.count; i++) {
    const end = page.ends[i];
    const position = page.positions[i];
    const id = page.ids[i];
    let p: HashedContent;
    try {
      p = parseEnvelope(buf.toString('utf8', start, end));
    } catch (error) {
      throw contentError(position, id, error);
    }
    const event = envelopeOf(p, position, id, page.streamIds[i], page.revisions[i], p.jurisdiction);
    event.data = p.data;
    event.hash = page.hashes[i];
    if (p.legalBasis !== undefined) event.legalBasis = p.legalBasis;
    const traceParent = page.traceParents[i];
    if (traceParent !== null) event.traceparent = traceParent;
    out[i] = event;
    start = end;
  }
  return out;
}

const UTF8 = new TextDecoder();

/**
 * The event of one row read on its own (a stream read, a page in doubt): its content is a BLOB
 * (kept as node:sqlite handed it out) or, written by hand, text.
 */
export function eventOfRow(
  position: number,
  id: string,
  streamId: string,
  revision: number,
  hash: string,
  content: Uint8Array | string,
  traceParent: string | null | undefined,
): StoredEvent {
  let bytes: StoredBytes;
  try {
    bytes = typeof content === 'string' ? parseStoredContent(content) : parseStoredContent(UTF8.decode(content), content, 'utf8');
  } catch (error) {
    throw contentError(position, id, error);
  }
  return eventOf(position, id, streamId, revision, hash, bytes, traceParent);
}

/**
 * An event's fields up to `jurisdiction`, in the key order of every event read (`data`, `hash` and
 * the optional fields follow); `id`, `streamId` and `revision` from the indexed columns.
 */
function envelopeOf(p: Omit<HashedContent, 'data'>, position: number, id: string, streamId: string, revision: number, jurisdiction: string[]): StoredEvent {
  const pa = p.actor;
  const actor: Actor = { userId: pa.userId, role: pa.role, unitId: pa.unitId };
  if (pa.directoryVersion !== undefined) actor.directoryVersion = pa.directoryVersion;
  return {
    id,
    type: p.type,
    schemaVersion: p.schemaVersion,
    streamId,
    revision,
    globalPosition: position,
    occurredAt: p.occurredAt,
    recordedAt: p.recordedAt,
    actor,
    correlationId: p.correlationId,
    causationId: p.causationId,
    jurisdiction,
  } as StoredEvent;
}

function contentError(position: number, id: string, error: unknown): Error {
  return new Error(`event at position ${position} (${id}): stored content is not an event envelope: ${(error as Error).message}`);
}

/**
 * The event built from its parsed content; `data` is an accessor that notes its first read. The
 * bytes are attached for chain verification only when the indexed columns agree with them.
 */
function eventOf(
  position: number,
  id: string,
  streamId: string,
  revision: number,
  hash: string,
  bytes: StoredBytes,
  traceParent: string | null | undefined,
): StoredEvent {
  const p = bytes.envelope;
  const event = envelopeOf(p, position, id, streamId, revision, p.jurisdiction.slice());
  defineLazyData(event, bytes); // `data` in its place in the key order; verification notes whether it was read
  event.hash = hash;
  if (p.legalBasis !== undefined) event.legalBasis = p.legalBasis;
  if (traceParent !== null && traceParent !== undefined) event.traceparent = traceParent;
  if (id === p.id && streamId === p.streamId && revision === p.revision) attachStoredBytes(event, bytes);
  return event;
}
