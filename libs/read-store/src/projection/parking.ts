/**
 * Parking: what a projection does with an event it cannot apply. One bad event (a NUL the store
 * refuses, a shape `evolve` does not expect, a stream mismatch) must not stop the view, the
 * context or its start-up: the event is recorded in the `parked_events` collection with the
 * reason, logged, counted (`countParkedEvents`, shown on /health by the platform), and the
 * projection goes on with the next event. An operator reads the parked events, fixes the cause
 * (an upcaster, a code fix) and rebuilds the view.
 *
 * Which failures park, and which are retried (the caller's loop retries a thrown error):
 * - `DomainError` of kind `conflict` (`ReadStoreContentionError`): transient, never parked;
 * - other `DomainError`s (`InvalidReadDocumentError`, `ReadStoreArgumentError`,
 *   `ProjectionEventError`, `ProjectionStreamMismatchError`, `ProjectionEvolveError`): the event
 *   itself is the cause, a retry would fail the same way → parked at once;
 * - JavaScript's own `TypeError`, `RangeError`, `ReferenceError`, `SyntaxError`, `URIError` from a
 *   pure `evolve`: deterministic for that event → parked at once;
 * - driver and network errors (`Mongo…`, `ECONNREFUSED`, …): transient, never parked;
 * - anything else: retried, and parked after `maxAttempts` failures in a row on the same event
 *   (counted in this process).
 * If the parking write itself fails (the store is down), that error is thrown: nothing is lost,
 * the caller retries the event.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '@fengqiao/kernel';
import type { ReadStore } from '../read-store.port';

export const PARKED_EVENTS = 'parked_events';

/** What parking needs of an event: the stored envelope (`StoredEvent`) fits. */
export interface ParkableEvent {
  id?: string;
  type?: string;
  streamId: string;
  revision: number;
  globalPosition?: number;
}

export interface ParkedEvent {
  _id: string;
  projection: string;
  eventId: string | null;
  eventType: string | null;
  streamId: string;
  revision: number;
  globalPosition: number | null;
  /** the error's stable code (`READ_STORE.INVALID_DOCUMENT`) or its class name */
  code: string;
  reason: string;
  attempts: number;
  parkedAt: string;
}

export interface ParkingOptions {
  /** failures in a row of an unclassified error before the event is parked; default 5 */
  maxAttempts?: number;
  /** told about every parked event (the platform logs it); default: a warning on stderr */
  onParked?: (parked: ParkedEvent) => void;
  /** default: the system clock (the time of parking is metadata, not business time) */
  now?: () => Date;
}

export type ParkOutcome = { kind: 'parked'; parked: ParkedEvent };

const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, URIError];
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export type FailureClass = 'poison' | 'transient' | 'unknown';

/** How `applyOrPark` treats an error (see the module comment). */
export function classifyProjectionFailure(error: unknown): FailureClass {
  if (error instanceof DomainError) return error.kind === 'revision_conflict' || error.kind === 'conflict' ? 'transient' : 'poison';
  if (PROGRAMMING_ERRORS.some((type) => error instanceof type)) return 'poison';
  if (error instanceof Error) {
    if (/^Mongo/.test(error.name)) return 'transient';
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || /BUSY|LOCKED/.test(code))) return 'transient';
  }
  return 'unknown';
}

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string any read store keeps as it is: control characters and lone surrogates written as `\uXXXX`. */
function storable(text: string, max = 2000): string {
  const escaped = text.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

const keyOf = (event: ParkableEvent): string => (typeof event.id === 'string' && event.id ? event.id : `${String(event.streamId)}@${String(event.revision)}`);

const parkedIdOf = (projection: string, event: ParkableEvent): string =>
  createHash('sha256')
    .update(`${projection}\u0000${keyOf(event)}`)
    .digest('hex');

const codeOf = (error: unknown): string => (error instanceof DomainError ? error.code : error instanceof Error ? error.name : typeof error);
const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const defaultOnParked = (p: ParkedEvent): void => {
  process.emitWarning(
    `projection ${p.projection} parked event ${p.eventId ?? `${p.streamId}@${p.revision}`} (${p.eventType ?? '?'}): ${p.code} ${p.reason}`,
    'ProjectionParkedEvent',
  );
};

/** Failures in a row per (store, projection, event), for the `unknown` class. */
const attemptsByStore = new WeakMap<ReadStore, Map<string, number>>();

/** Records `event` as parked for `projection` (idempotent: parking it again keeps one record). */
export async function parkEvent(
  store: ReadStore,
  projection: string,
  event: ParkableEvent,
  error: unknown,
  options: ParkingOptions & { attempts?: number } = {},
): Promise<ParkedEvent> {
  const parked: ParkedEvent = {
    _id: parkedIdOf(projection, event),
    projection: storable(projection, 200),
    eventId: typeof event.id === 'string' ? storable(event.id, 200) : null,
    eventType: typeof event.type === 'string' ? storable(event.type, 200) : null,
    streamId: storable(String(event.streamId), 600),
    revision: Number.isSafeInteger(event.revision) ? event.revision : -1,
    globalPosition: typeof event.globalPosition === 'number' && Number.isSafeInteger(event.globalPosition) ? event.globalPosition : null,
    code: storable(codeOf(error), 200),
    reason: storable(reasonOf(error)),
    attempts: options.attempts ?? 1,
    parkedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  // revision 1 for every record: a second parking of the same event is a no-op
  await store.upsert(PARKED_EVENTS, parked, { revision: 1, expectNew: true });
  (options.onParked ?? defaultOnParked)(parked);
  return parked;
}

/**
 * Runs `apply` (one event into one view) and parks the event when it fails for a reason the event
 * itself carries; rethrows transient failures for the caller to retry.
 */
export async function applyOrPark<T>(
  store: ReadStore,
  projection: string,
  event: ParkableEvent,
  apply: () => Promise<T>,
  options: ParkingOptions = {},
): Promise<T | ParkOutcome> {
  let attempts = attemptsByStore.get(store);
  if (!attempts) {
    attempts = new Map();
    attemptsByStore.set(store, attempts);
  }
  const key = `${projection}\u0000${keyOf(event)}`;
  try {
    const result = await apply();
    attempts.delete(key);
    return result;
  } catch (error) {
    const kind = classifyProjectionFailure(error);
    if (kind === 'transient') throw error;
    const failures = (attempts.get(key) ?? 0) + 1;
    if (kind === 'unknown' && failures < (options.maxAttempts ?? 5)) {
      attempts.set(key, failures);
      throw error;
    }
    attempts.delete(key);
    return { kind: 'parked', parked: await parkEvent(store, projection, event, error, { ...options, attempts: failures }) };
  }
}

/** How many events are parked (for one projection, or all of them). */
export function countParkedEvents(store: ReadStore, projection?: string): Promise<number> {
  return store.count(PARKED_EVENTS, projection === undefined ? {} : { projection });
}

/** The parked events, oldest first. */
export function listParkedEvents(store: ReadStore, options: { projection?: string; limit?: number } = {}): Promise<ParkedEvent[]> {
  return store.find<ParkedEvent>(PARKED_EVENTS, options.projection === undefined ? {} : { projection: options.projection }, {
    sort: { parkedAt: 1 },
    limit: options.limit ?? 100,
  }) as Promise<ParkedEvent[]>;
}
