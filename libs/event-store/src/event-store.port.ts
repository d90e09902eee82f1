/**
 * The EventStore port (DESIGN §3, §4). Every adapter (sqlite, mongodb, kurrentdb) passes the one
 * contract suite in `testing/event-store.contract.ts`.
 *
 * Numbers, not bigints: `revision` and `globalPosition` are JS numbers everywhere (read and write).
 * They are exact up to 2^53 − 1 (≈ 9·10^15): a store appending 100 000 events per second for
 * 2 800 years stays below it, and a KurrentDB commit position (a byte offset in its log) reaches it
 * only after 9 PB of log. Numbers serialise to JSON, sort in MongoDB and bind in SQLite without
 * conversion, which bigints do not. Inputs accept `bigint | number` (KurrentDB's client hands out
 * bigints) and are checked to be safe integers; an unsafe value is a ValidationError, never a
 * silent rounding.
 */
import type { Actor } from '@fengqiao/kernel';

/** Revision of the last event of a stream, or `'no_stream'` when it has no event. */
export type StreamRevision = number | 'no_stream';

/**
 * What the writer expects the stream to be before its append:
 * - a revision (the revision of the stream's last event; the first event of a stream is revision 0),
 * - `'no_stream'`: the stream has no event yet,
 * - `'any'`: no check (the store still chains the hash to the true last event).
 */
export type ExpectedRevision = bigint | number | 'no_stream' | 'any';

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

/** The envelope fields the writer provides (DESIGN §4); the store adds the rest. */
export interface NewEvent<Type extends string = string, Data extends object = Record<string, unknown>> {
  /** UUIDv7, chosen by the writer: retrying an append with the same ids stores nothing twice. */
  id: string;
  type: Type;
  /** Version of `data`'s schema for this `type`, a positive integer; see `upcasting/`. */
  schemaVersion: number;
  /** Business time, ISO-8601 with timezone. */
  occurredAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** Unit path from the district down, e.g. `['district-1', 'town-3', 'village-12']`. */
  jurisdiction: string[];
  /** Rule applied, where one applied, e.g. `信访工作条例§34`. */
  legalBasis?: string;
  /**
   * A JSON object (plain objects, arrays, strings, finite numbers, booleans, null). Keys may be
   * anything, including `.` and `$`; every adapter stores it so that it reads back exactly.
   */
  data: Data;
  /**
   * W3C `traceparent` of the span that appended the event (observability metadata): stored with
   * the event so the relay continues the request's trace when it publishes, even after a restart.
   * Not part of the hashed content (it says how the event was traced, not what happened), so it
   * neither changes the chain nor makes a retried append differ.
   */
  traceparent?: string;
}

/** An event as stored and read back: the full envelope of DESIGN §4. */
export interface StoredEvent<Type extends string = string, Data extends object = Record<string, unknown>> extends NewEvent<Type, Data> {
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /**
   * Position in the store-wide order read by `readAll`: strictly increasing in that order, so a
   * reader's checkpoint is the last `globalPosition` it handled. Not necessarily dense (KurrentDB
   * uses its log's commit position). Not covered by `hash`: see `integrity/hash-chain.ts`.
   */
  globalPosition: number;
  /** Store time (ISO-8601, UTC), set by the store when the event is appended. */
  recordedAt: string;
  /** SHA-256 hex, chained per stream: see `integrity/hash-chain.ts`. */
  hash: string;
}

/** A stored event without the fields the store assigns after hashing. */
export type HashedContent = Omit<StoredEvent, 'hash' | 'globalPosition' | 'traceparent'>;

export interface AppendResult {
  streamId: string;
  /** Revision of the first event of this append. */
  firstRevision: number;
  /** Revision of the last event of this append: the expected revision for the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event of this append. */
  lastPosition: number;
}

export type ReadDirection = 'forward' | 'backward';

export interface ReadStreamOptions {
  /** Default `'forward'`. */
  direction?: ReadDirection;
  /** Inclusive. Default: the first event (forward) or the last event (backward). */
  fromRevision?: bigint | number;
  /** Default: no limit. */
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive checkpoint: events with a greater `globalPosition`. Default 0: from the start. */
  afterPosition?: bigint | number;
  /** Default 1000. */
  maxCount?: number;
}

export const DEFAULT_READ_ALL_MAX_COUNT = 1000;

export interface EventStore {
  /**
   * Appends `events` atomically (all or none) at the end of `streamId`.
   *
   * Concurrency: when `expectedRevision` is not the stream's current revision, throws
   * `WrongExpectedRevisionError` (kind `conflict`) and writes nothing.
   *
   * Idempotency by event id:
   * - if every id of `events` is already stored in `streamId`, in the same order at consecutive
   *   revisions, with the same type, schema version and data, and at the revisions this call would
   *   have written (`expectedRevision` + 1 …, or 0 … for `'no_stream'`, anything for `'any'`),
   *   the call writes nothing and returns the same result as the append that stored them;
   * - if only some of the ids are stored, or they are stored elsewhere (another stream, other
   *   revisions, other content), throws `DuplicateEventIdError` (kind `conflict`) and writes nothing.
   */
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;

  /** Events of one stream in revision order (or reverse order for `'backward'`); `[]` if none. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /**
   * Events of all streams after a checkpoint, in increasing `globalPosition`. Never skips: an event
   * appended concurrently is either in this result or after its last position.
   */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;

  /**
   * Optional: how many events have a `globalPosition` greater than `afterPosition`, counted up to
   * `limit`, without reading them (the relay's lag gauge, scraped every few seconds). A store
   * without it is counted with `readAll`, which reads and builds every event it counts.
   */
  countAfter?(afterPosition: number, limit: number): Promise<number>;

  streamRevision(streamId: string): Promise<StreamRevision>;

  close(): Promise<void>;
}
