/**
 * The hashed bytes an adapter read an event from, remembered beside the event object so that chain
 * verification can hash those bytes instead of re-canonicalising the object (issue 15).
 *
 * An adapter that stores the canonical JSON of the hashed content (`canonicalContent`, RFC 8785)
 * builds each read event FROM those bytes with `defineLazyData` and attaches them with
 * `attachStoredBytes`. The event object stays a plain, mutable `StoredEvent`; the bytes sit in a
 * private class field added to it (nothing a spread, `JSON.stringify` or `toEqual` sees), and
 * `data` is an enumerable accessor whose getter and setter are shared by every event (one hidden
 * class for all events, no closures per event: a WeakMap entry and two closures per event made
 * garbage collection a third of a replay's time). `verifyStreamChain` takes the fast
 * path only for an event whose every hashed field still equals what was parsed from the bytes
 * (`matchesStoredBytes`):
 * - the envelope fields are compared with a private snapshot of the parse (strings and numbers by
 *   value; `actor` and `jurisdiction` field by field, so an in-place edit of the event is seen);
 * - `data` is parsed with the envelope (one `JSON.parse` of the content) but kept out of sight:
 *   while nobody has read (or replaced) `event.data`, the bytes are the only copy anyone could have
 *   changed and need no comparison; once it has been read, it may have been edited in place, so it
 *   is re-canonicalised and compared with the stored data bytes (the slow path, for that event).
 * When the comparison fails the event is hashed the slow way, from its fields, exactly as before:
 * an event edited in memory, or read from a row whose indexed columns disagree with its bytes
 * (the adapter then does not attach them), fails verification as it always did.
 *
 * Non-canonical bytes. The store only ever writes canonical bytes. Someone editing the file could
 * write non-canonical bytes with a recomputed hash; that is a consistent rewrite of the chain,
 * which no chain check can see (with or without this shortcut) and only a signed checkpoint
 * catches, because the stored hash changed.
 */
import canonicalize from 'canonicalize';
import type { HashedContent, StoredEvent } from '../event-store.port';

/** The hashed envelope fields except `data`, as parsed from the stored bytes. */
export type EnvelopeSnapshot = Omit<HashedContent, 'data'>;

/**
 * How the stored bytes are kept: the UTF-8 bytes themselves, or the decoded text (content that was
 * stored as text).
 */
export type StoredForm = 'utf8' | 'text';

export class StoredBytes {
  /** True once `event.data` was read or assigned: the object may differ from the bytes. */
  dataExposed = false;
  /** True when the event's indexed fields agree with the bytes, so verification may hash them. */
  attached = false;
  /** `[start, end)` of the data JSON inside `content`, found when first needed. */
  private span: [number, number] | undefined = undefined;
  private text: string | undefined;

  constructor(
    /** The envelope as parsed from the content; never handed out (the event has its own copies). */
    readonly envelope: EnvelopeSnapshot,
    /** `event.data`: parsed together with the envelope, or assigned since. */
    public data: Record<string, unknown>,
    /** The stored content (RFC 8785 JSON of the hashed content), in the form `form` says. */
    readonly stored: Uint8Array | string,
    readonly form: StoredForm,
  ) {
    if (form === 'text') this.text = stored as string;
  }

  /** RFC 8785 JSON of the hashed content (decoded): the text the stored hash covers. */
  get content(): string {
    if (this.text === undefined) {
      const s = this.stored as Uint8Array; // (form 'utf8': text is set for 'text')
      this.text = Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('utf8');
    }
    return this.text;
  }

  /** The canonical JSON of `data` inside `content` (only the slow path of verification asks). */
  dataJson(): string {
    this.span ??= dataSpan(this.content);
    if (!this.span) throw new Error('stored event content has no data member');
    return this.content.slice(this.span[0], this.span[1]);
  }
}

/**
 * Gives an object a private field holding its StoredBytes. A class whose base constructor returns
 * the object it is given adds its private field to that object (the "return override"): the field
 * is invisible to spreads, `JSON.stringify`, `Object.keys`, symbol listings and deep equality, like
 * the non-enumerable property it replaces, and it is a plain field store for V8 where
 * `Object.defineProperty` was a runtime call per event (a replay builds a million events).
 */
class Carrier {
  constructor(target: object) {
    return target;
  }
}

class BytesCarrier extends (Carrier as new (target: object) => object) {
  #bytes: StoredBytes;

  private constructor(target: object, bytes: StoredBytes) {
    super(target);
    this.#bytes = bytes;
  }

  /** Puts `bytes` on `target` (adds the field, or replaces what it held). */
  static put(target: object, bytes: StoredBytes): void {
    if (#bytes in target) (target as BytesCarrier).#bytes = bytes;
    else new BytesCarrier(target, bytes);
  }

  static get(target: object): StoredBytes | undefined {
    return #bytes in target ? (target as BytesCarrier).#bytes : undefined;
  }
}

function getData(this: object): Record<string, unknown> {
  const b = BytesCarrier.get(this) as StoredBytes;
  b.dataExposed = true;
  return b.data;
}

function setData(this: object, value: Record<string, unknown>): void {
  const b = BytesCarrier.get(this) as StoredBytes;
  b.dataExposed = true;
  b.data = value;
}

const DATA_DESCRIPTOR: PropertyDescriptor = { get: getData, set: setData, enumerable: true, configurable: true };

/**
 * Gives `event` its `data` (an accessor that notes the first read) and keeps the bytes beside it;
 * call it where `data` belongs in the key order. The bytes serve verification only after
 * `attachStoredBytes`.
 */
export function defineLazyData(event: object, bytes: StoredBytes): void {
  BytesCarrier.put(event, bytes);
  Object.defineProperty(event, 'data', DATA_DESCRIPTOR);
}

export function attachStoredBytes(event: StoredEvent, bytes: StoredBytes): void {
  if (BytesCarrier.get(event) !== bytes) BytesCarrier.put(event, bytes);
  bytes.attached = true;
}

export function storedBytesOf(event: object): StoredBytes | undefined {
  const b = BytesCarrier.get(event);
  return b !== undefined && b.attached ? b : undefined;
}

/** Where the `data` member's value sits in canonical content: `[start, end)`, or undefined. */
export function dataSpan(content: string): [number, number] | undefined {
  // In canonical content the keys before "data" are actor, causationId and correlationId, whose
  // values hold only strings and numbers; the keys after it (id, jurisdiction, legalBasis,
  // occurredAt, …) likewise. A quote inside a JSON string is always escaped, so `,"data":` and
  // `,"id":` cannot occur inside those values: the first is the data key, the last the id key.
  const key = content.indexOf(',"data":');
  const after = content.lastIndexOf(',"id":');
  if (key < 0 || after < key + 8) return undefined;
  return [key + 8, after];
}

/**
 * Parses canonical content into the envelope snapshot and its `data`; throws when the bytes are not
 * an envelope. One `JSON.parse` of the whole content: cheaper than parsing the envelope without
 * `data` and `data` apart (the slicing and the second parse cost more than the parse they save, and a
 * projection reads `data` anyway). `text` is the decoded content; `stored` and `form` what is kept
 * of it for verification (by default the text itself). Given bytes, the text is not kept beside
 * them: events holding their bytes and their decoded text (with one ArrayBuffer per row as well) made
 * garbage collection most of a replay's time with a small young generation (issue 15).
 */
export function parseStoredContent(text: string, stored: Uint8Array | string = text, form: StoredForm = 'text'): StoredBytes {
  const parsed = parseEnvelope(text);
  return new StoredBytes(parsed, parsed.data, stored, form);
}

/** Stored content parsed (one `JSON.parse`); throws when it is not an event envelope. */
export function parseEnvelope(text: string): HashedContent {
  const parsed = JSON.parse(text) as HashedContent | null;
  if (parsed === null || typeof parsed !== 'object') throw new Error('stored event content is not an object');
  const data = parsed.data;
  if (data === null || typeof data !== 'object') throw new Error('stored event content has no data member');
  if (typeof parsed.actor !== 'object' || parsed.actor === null || !Array.isArray(parsed.jurisdiction)) {
    throw new Error('stored event content lacks actor or jurisdiction');
  }
  return parsed;
}

/** True when every hashed field of `event` equals what its stored bytes hold (see the header). */
export function matchesStoredBytes(event: StoredEvent, bytes: StoredBytes): boolean {
  const p = bytes.envelope;
  if (
    event.id !== p.id ||
    event.type !== p.type ||
    event.schemaVersion !== p.schemaVersion ||
    event.streamId !== p.streamId ||
    event.revision !== p.revision ||
    event.occurredAt !== p.occurredAt ||
    event.recordedAt !== p.recordedAt ||
    event.correlationId !== p.correlationId ||
    event.causationId !== p.causationId ||
    event.legalBasis !== p.legalBasis
  ) {
    return false;
  }
  const a = event.actor;
  const pa = p.actor;
  if (a === null || typeof a !== 'object') return false;
  if (a.userId !== pa.userId || a.role !== pa.role || a.unitId !== pa.unitId || a.directoryVersion !== pa.directoryVersion) return false;
  const j = event.jurisdiction;
  const pj = p.jurisdiction;
  if (!Array.isArray(j) || j.length !== pj.length) return false;
  for (let i = 0; i < j.length; i++) if (j[i] !== pj[i]) return false;
  if (!bytes.dataExposed) return true;
  return canonicalize(event.data) === bytes.dataJson();
}
