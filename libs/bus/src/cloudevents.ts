/**
 * CloudEvents 1.0 on the bus: the Kafka protocol binding (DESIGN §3). Producers write binary
 * content mode; consumers read binary and structured mode (`content-type:
 * application/cloudevents+json`, the whole event as JSON in the value), as the binding says they
 * SHOULD.
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
 *
 *   key      = partition key (the case id), "partitionkey" in the CloudEvents SDK
 *   value    = the event data as JSON (UTF-8)
 *   headers  = content-type: application/json (= datacontenttype)
 *              ce_specversion: 1.0, ce_id, ce_type, ce_source, ce_time, ce_subject (optional),
 *              ce_dataschema (optional), ce_<extension> for each extension attribute
 *
 * Any CloudEvents consumer reads these messages; `cloudevents.spec.ts` proves it with the
 * `cloudevents` SDK's `Kafka.toEvent`, and that what the SDK writes decodes here.
 */
import type { StoredEvent } from '@fengqiao/event-store';
import { NonRetriableError, type MessageHeaders, type OutgoingMessage } from './bus.port';

export const CE_SPEC_VERSION = '1.0';
export const CE_DATA_CONTENT_TYPE = 'application/json';

export const CE_HEADERS = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
} as const;

/** What a producer gives; `specversion` and `datacontenttype` are fixed by this binding. */
export interface CloudEventInput<Data = unknown> {
  /** Unique per source; for our events: the event id (UUIDv7). Consumers dedupe by it. */
  id: string;
  /** e.g. `CaseFiled` or a reverse-DNS name; the contracts lib decides. */
  type: string;
  /** URI-reference of the producer, e.g. `/fengqiao/intake`. */
  source: string;
  /** RFC 3339 time of the occurrence. */
  time: string;
  /** What the event is about within the source, e.g. the case id. */
  subject?: string;
  /** URI of the data's schema. */
  dataschema?: string;
  /** Extension attributes, names `[a-z0-9]{1,20}`, text values. */
  extensions?: Record<string, string>;
  data: Data;
}

/** A CloudEvent read from a message. */
export interface DecodedCloudEvent<Data = unknown> extends CloudEventInput<Data> {
  specversion: typeof CE_SPEC_VERSION;
  datacontenttype: string;
  extensions: Record<string, string>;
  /** The message key (the SDK's `partitionkey`). */
  partitionkey: string;
}

/** A message that is not a CloudEvent we can read: retrying will not help. */
export class CloudEventDecodeError extends NonRetriableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudEventDecodeError';
  }
}

const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
const RESERVED = new Set(['id', 'type', 'source', 'specversion', 'time', 'subject', 'dataschema', 'datacontenttype', 'data', 'data_base64', 'partitionkey']);
// RFC 3339 date-time (the time-offset is required)
/*
 * ce_source is a URI-reference (RFC 3986). We accept a safe subset: an absolute URI
 * (`urn:fengqiao:intake`, `https://fengqiao.example/intake`) or a relative path without ':'
 * (`/fengqiao/intake`), without query or fragment; other characters percent-encoded.
 */
const URI_ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})+$/;
const URI_RELATIVE_PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-Fa-f]{2})+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function nonEmpty(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new TypeError(`CloudEvent ${name} must be a non-empty string`);
  return v;
}

function checkTime(v: unknown): string {
  const t = nonEmpty('time', v);
  if (!RFC3339.test(t) || Number.isNaN(Date.parse(t))) throw new TypeError(`CloudEvent time must be an RFC 3339 timestamp, got ${JSON.stringify(t)}`);
  return t;
}

function checkSource(v: unknown): string {
  const source = nonEmpty('source', v);
  if (!URI_ABSOLUTE.test(source) && !URI_RELATIVE_PATH.test(source))
    throw new TypeError(`CloudEvent source must be a URI-reference, got ${JSON.stringify(source)}`);
  return source;
}

/** Encodes a CloudEvent as a keyed message in binary content mode. */
export function toCloudEventMessage(event: CloudEventInput, key: string): OutgoingMessage {
  const headers: MessageHeaders = {
    [CE_HEADERS.contentType]: CE_DATA_CONTENT_TYPE,
    [CE_HEADERS.specversion]: CE_SPEC_VERSION,
    [CE_HEADERS.id]: nonEmpty('id', event.id),
    [CE_HEADERS.type]: nonEmpty('type', event.type),
    [CE_HEADERS.source]: checkSource(event.source),
    [CE_HEADERS.time]: checkTime(event.time),
  };
  if (event.subject !== undefined) headers[CE_HEADERS.subject] = nonEmpty('subject', event.subject);
  if (event.dataschema !== undefined) headers[CE_HEADERS.dataschema] = nonEmpty('dataschema', event.dataschema);
  for (const [name, value] of Object.entries(event.extensions ?? {})) {
    if (!EXTENSION_NAME.test(name) || RESERVED.has(name))
      throw new TypeError(`CloudEvent extension name ${JSON.stringify(name)}: use [a-z0-9]{1,20}, not a core attribute`);
    if (typeof value !== 'string') throw new TypeError(`CloudEvent extension ${name} must be a string`);
    headers[`ce_${name}`] = value;
  }
  if (event.data === undefined) throw new TypeError('CloudEvent data is required (JSON)');
  const value = JSON.stringify(event.data);
  if (value === undefined) throw new TypeError('CloudEvent data must be JSON');
  return { key: nonEmpty('key', key), value, headers };
}

/**
 * Decodes a CloudEvent from a message, in binary or structured content mode (header names are
 * case-insensitive). Throws `CloudEventDecodeError` (not retriable: the message goes to the
 * dead-letter topic).
 */
export function fromCloudEventMessage<Data = unknown>(message: { key: string; value: string; headers: MessageHeaders }): DecodedCloudEvent<Data> {
  const h: MessageHeaders = {};
  for (const [name, v] of Object.entries(message.headers)) h[name.toLowerCase()] = v;
  if (STRUCTURED.test(h[CE_HEADERS.contentType] ?? '')) return fromStructured<Data>(message);
  const need = (name: string) => {
    const v = h[name];
    if (v === undefined || v === '') throw new CloudEventDecodeError(`not a CloudEvent: header ${name} is missing`);
    return v;
  };
  const specversion = need(CE_HEADERS.specversion);
  if (specversion !== CE_SPEC_VERSION) throw new CloudEventDecodeError(`unsupported CloudEvents specversion ${JSON.stringify(specversion)}`);
  const contentType = need(CE_HEADERS.contentType);
  if (/^application\/cloudevents/i.test(contentType) || !JSON_DATA.test(contentType)) {
    throw new CloudEventDecodeError(
      `unsupported content-type ${JSON.stringify(contentType)}: JSON data (binary mode) or application/cloudevents+json (structured mode) expected`,
    );
  }
  const time = need(CE_HEADERS.time);
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) throw new CloudEventDecodeError(`ce_time is not an RFC 3339 timestamp: ${JSON.stringify(time)}`);
  let data: Data;
  try {
    data = JSON.parse(message.value) as Data;
  } catch (e) {
    throw new CloudEventDecodeError('CloudEvent data is not valid JSON', { cause: e });
  }
  const extensions: Record<string, string> = {};
  for (const [name, v] of Object.entries(h)) {
    if (!name.startsWith('ce_')) continue;
    const attr = name.slice(3);
    if (!RESERVED.has(attr)) extensions[attr] = v;
  }
  const event: DecodedCloudEvent<Data> = {
    specversion: CE_SPEC_VERSION,
    id: need(CE_HEADERS.id),
    type: need(CE_HEADERS.type),
    source: need(CE_HEADERS.source),
    time,
    datacontenttype: contentType,
    extensions,
    partitionkey: message.key,
    data,
  };
  if (h[CE_HEADERS.subject] !== undefined) event.subject = h[CE_HEADERS.subject];
  if (h[CE_HEADERS.dataschema] !== undefined) event.dataschema = h[CE_HEADERS.dataschema];
  return event;
}

const STRUCTURED = /^application\/cloudevents\+json\s*(;|$)/i;
const JSON_DATA = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Structured content mode: the value is the whole CloudEvent as JSON (the JSON event format). */
function fromStructured<Data>(message: { key: string; value: string }): DecodedCloudEvent<Data> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value);
  } catch (e) {
    throw new CloudEventDecodeError('structured CloudEvent is not valid JSON', { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CloudEventDecodeError('structured CloudEvent must be a JSON object');
  const o = parsed as Record<string, unknown>;
  const need = (name: string): string => {
    const v = o[name];
    if (typeof v !== 'string' || v === '') throw new CloudEventDecodeError(`not a CloudEvent: attribute ${name} is missing`);
    return v;
  };
  const specversion = need('specversion');
  if (specversion !== CE_SPEC_VERSION) throw new CloudEventDecodeError(`unsupported CloudEvents specversion ${JSON.stringify(specversion)}`);
  const time = need('time');
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) throw new CloudEventDecodeError(`time is not an RFC 3339 timestamp: ${JSON.stringify(time)}`);
  const datacontenttype = o.datacontenttype === undefined ? CE_DATA_CONTENT_TYPE : o.datacontenttype;
  if (typeof datacontenttype !== 'string' || !JSON_DATA.test(datacontenttype)) {
    throw new CloudEventDecodeError(`unsupported datacontenttype ${JSON.stringify(datacontenttype)}: JSON data expected`);
  }
  if (o.data_base64 !== undefined || !('data' in o)) throw new CloudEventDecodeError('structured CloudEvent must carry JSON data in "data"');
  const extensions: Record<string, string> = {};
  for (const [name, v] of Object.entries(o)) {
    if (RESERVED.has(name)) continue;
    if (!EXTENSION_NAME.test(name)) throw new CloudEventDecodeError(`bad CloudEvent attribute name ${JSON.stringify(name)}`);
    extensions[name] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const event: DecodedCloudEvent<Data> = {
    specversion: CE_SPEC_VERSION,
    id: need('id'),
    type: need('type'),
    source: need('source'),
    time,
    datacontenttype,
    extensions,
    partitionkey: message.key,
    data: o.data as Data,
  };
  if (o.subject !== undefined) event.subject = need('subject');
  if (o.dataschema !== undefined) event.dataschema = need('dataschema');
  return event;
}

export interface FromStoredOptions {
  /** `ce_source`, e.g. `/fengqiao/intake`. */
  source: string;
  /** `ce_subject`, e.g. the case id. */
  subject?: string;
  /** `ce_type`; default the stored event's type. */
  type?: string;
  /** Default the stored event's data. */
  data?: unknown;
  dataschema?: string;
}

/**
 * The usual CloudEvent of a stored event: id = event id (consumers dedupe by it), time = business
 * time, and the envelope's correlation, causation and schema version as extensions
 * (`correlationid`, `causationid`, `schemaversion`). Relay mappers start from this.
 */
export function cloudEventFromStored(event: StoredEvent, options: FromStoredOptions): CloudEventInput {
  const ce: CloudEventInput = {
    id: event.id,
    type: options.type ?? event.type,
    source: options.source,
    time: event.occurredAt,
    extensions: {
      correlationid: event.correlationId,
      causationid: event.causationId,
      schemaversion: String(event.schemaVersion),
    },
    data: options.data ?? event.data,
  };
  if (options.subject !== undefined) ce.subject = options.subject;
  if (options.dataschema !== undefined) ce.dataschema = options.dataschema;
  return ce;
}
