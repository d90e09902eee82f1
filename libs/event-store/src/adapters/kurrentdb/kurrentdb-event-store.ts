/**
 * EventStore on KurrentDB (EventStoreDB) through `@eventstore/db-client` (distributed mode, DESIGN §3).
 *
 * Mapping
 * - stream `s` ↔ KurrentDB stream `${streamPrefix}${s}` (the prefix namespaces one store, e.g. per
 *   test run, since KurrentDB has no databases); `revision` = KurrentDB stream revision (0-based).
 * - `globalPosition` = the event's commit position in `$all` (a byte offset in KurrentDB's log).
 *   Events written by a normal (non-transactional) append each have their own commit position, equal
 *   to their prepare position, and `$all` is ordered by it, so it is strictly increasing in
 *   `readAll` order. As a number it is exact up to 2^53 bytes of log (9 PB). Stream reads carry the
 *   `$all` position since EventStoreDB 22.6 over gRPC; older servers are refused with an error.
 * - the event's `data` is the KurrentDB event's JSON data; the rest of our envelope (schemaVersion,
 *   occurredAt, recordedAt, actor, correlationId, causationId, jurisdiction, legalBasis, hash) is in
 *   the event's JSON metadata under `fq`, plus `$correlationId` / `$causationId` so KurrentDB's own
 *   system projections see them. The hash chain is computed exactly as by the other adapters.
 * - expected revision: the adapter always sends KurrentDB the concrete revision it read (NO_STREAM or
 *   n), also for `'any'`, because the hash of the new event chains to the event at that revision; a
 *   race under `'any'` is retried on the new head.
 * - `readAll` reads `$all` forward from `{ commit: p, prepare: p }` (p = checkpoint; START for 0), drops
 *   the event at p itself and everything that is not one of this store's streams (system events,
 *   other prefixes). `$all` only shows committed events, in log order, written by one writer, so a
 *   reader never sees position n + 1 before n: nothing is skipped.
 *
 * Idempotency: KurrentDB has no index by event id. Before each append the adapter reads the last
 * `idWindow` events of the stream (default 64) and, when the expected revision is behind the stream,
 * the events where this append would have gone; ids found there follow the port's rule. Ids stored
 * further back in the stream, or in another stream, are not detected on this adapter.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  EventStoreDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type Position,
} from '@eventstore/db-client';
import { systemClock, type Actor, type Clock } from '@fengqiao/kernel';
import {
  DEFAULT_READ_ALL_MAX_COUNT,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type StreamRevision,
} from '../../event-store.port';
import {
  EMPTY_HEAD,
  assertStreamId,
  buildEvents,
  checkExpectedRevision,
  matchIdempotentAppend,
  maxCountOf,
  normaliseExpected,
  normaliseReadStream,
  toSafeInteger,
  validateNewEvents,
} from '../../envelope';
import { WrongExpectedRevisionError } from '../../errors';

export interface KurrentDbEventStoreOptions {
  client: EventStoreDBClient;
  /** Prepended to every stream name; default `''`. Must not start with `$`. */
  streamPrefix?: string;
  clock?: Clock;
  /** How many of a stream's last events are checked for the ids of a new append. Default 64. */
  idWindow?: number;
}

/** Our envelope inside the KurrentDB event metadata. */
interface EnvelopeMetadata {
  fq: {
    v: 1;
    streamId: string;
    schemaVersion: number;
    occurredAt: string;
    recordedAt: string;
    actor: Actor;
    correlationId: string;
    causationId: string;
    jurisdiction: string[];
    legalBasis?: string;
    hash: string;
    /** W3C trace context of the append (metadata, not hashed) */
    traceparent?: string;
  };
  $correlationId: string;
  $causationId: string;
}

const MAX_U64 = 18446744073709551615n;

export class KurrentDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly prefix: string;
  private readonly clock: Clock;
  private readonly idWindow: number;
  private ownsClient = false;

  constructor(options: KurrentDbEventStoreOptions) {
    this.client = options.client;
    this.prefix = options.streamPrefix ?? '';
    if (this.prefix.startsWith('$')) throw new Error('streamPrefix must not start with $ (system streams)');
    this.clock = options.clock ?? systemClock;
    this.idWindow = options.idWindow ?? 64;
  }

  /** Connects with a connection string (`kurrentdb://host:2113?tls=false` or `esdb://…`) and owns the client. */
  static connect(connectionString: string, options: Omit<KurrentDbEventStoreOptions, 'client'> = {}): KurrentDbEventStore {
    const normalised = connectionString.replace(/^(kurrentdb|kurrent)(\+discover)?:\/\//, (_m, _s, d: string | undefined) => `esdb${d ?? ''}://`);
    const store = new KurrentDbEventStore({ ...options, client: EventStoreDBClient.connectionString(normalised) });
    store.ownsClient = true;
    return store;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateNewEvents(streamId, events);
    const expected = normaliseExpected(options.expectedRevision);
    const name = this.streamName(streamId);
    const ids = new Set(events.map((e) => e.id));
    for (;;) {
      const tail = await this.read(name, { direction: BACKWARDS, fromRevision: END, maxCount: BigInt(Math.max(this.idWindow, 1)) });
      const last = tail[0];
      const head = last ? { revision: last.revision, hash: last.hash } : EMPTY_HEAD;
      const candidates = [...tail];
      if (expected !== 'any' && expected !== head.revision && head.revision !== 'no_stream') {
        const start = expected === 'no_stream' ? 0 : expected + 1;
        if (head.revision >= start) {
          candidates.push(...(await this.read(name, { direction: FORWARDS, fromRevision: BigInt(start), maxCount: BigInt(events.length) })));
        }
      }
      const stored = dedupe(candidates.filter((e) => ids.has(e.id)));
      const replay = matchIdempotentAppend(streamId, events, expected, stored);
      if (replay) return this.withPosition(replay);
      checkExpectedRevision(streamId, expected, head.revision);

      const built = buildEvents(streamId, events, head, this.clock.now().toISOString());
      const payload = built.map((e) => {
        const metadata: EnvelopeMetadata = {
          fq: {
            v: 1,
            streamId,
            schemaVersion: e.schemaVersion,
            occurredAt: e.occurredAt,
            recordedAt: e.recordedAt,
            actor: e.actor,
            correlationId: e.correlationId,
            causationId: e.causationId,
            jurisdiction: e.jurisdiction,
            ...(e.legalBasis !== undefined ? { legalBasis: e.legalBasis } : {}),
            hash: e.hash,
            ...(e.traceparent !== undefined ? { traceparent: e.traceparent } : {}),
          },
          $correlationId: e.correlationId,
          $causationId: e.causationId,
        };
        return jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: metadata as unknown as Record<string, unknown> });
      });
      try {
        const r = await this.client.appendToStream(name, payload, {
          expectedRevision: head.revision === 'no_stream' ? NO_STREAM : BigInt(head.revision),
        });
        const nextExpectedRevision = Number(r.nextExpectedRevision);
        return this.withPosition({ streamId, firstRevision: built[0].revision, nextExpectedRevision, lastPosition: 0 });
      } catch (e) {
        if (!(e instanceof WrongExpectedVersionError)) throw e;
        if (expected === 'any') continue; // another writer moved the head: chain to the new one
        // maybe this very append, sent twice: the idempotency check at the top answers that
        const again = await this.idempotentOrUndefined(name, streamId, events, expected);
        if (again) return again;
        throw new WrongExpectedRevisionError(streamId, expected, await this.streamRevision(streamId));
      }
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    assertStreamId(streamId);
    const o = normaliseReadStream(options);
    if (o.maxCount === 0) return [];
    const from = o.fromRevision === undefined ? (o.direction === 'forward' ? START : END) : BigInt(o.fromRevision);
    return this.read(this.streamName(streamId), {
      direction: o.direction === 'forward' ? FORWARDS : BACKWARDS,
      fromRevision: from,
      ...(o.maxCount !== undefined ? { maxCount: BigInt(o.maxCount) } : {}),
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.afterPosition === undefined ? 0 : toSafeInteger(options.afterPosition, 'afterPosition');
    const maxCount = maxCountOf(options.maxCount) ?? DEFAULT_READ_ALL_MAX_COUNT;
    if (maxCount === 0) return [];
    const out: StoredEvent[] = [];
    const page = Math.max(maxCount * 2, 256);
    let from: Position | typeof START = after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
    let cursor = after;
    for (;;) {
      let raw = 0;
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: BigInt(page) })) {
        raw += 1;
        const position = positionOf(resolved);
        if (position === undefined || position <= cursor) continue;
        cursor = position;
        const event = this.toStored(resolved);
        if (!event) continue;
        out.push(event);
        if (out.length >= maxCount) return out;
      }
      if (raw < page) return out; // reached the end of $all
      from = { commit: BigInt(cursor), prepare: BigInt(cursor) };
    }
  }

  async streamRevision(streamId: string): Promise<StreamRevision> {
    assertStreamId(streamId);
    const last = await this.read(this.streamName(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1n });
    return last.length ? last[0].revision : 'no_stream';
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.dispose();
  }

  // -------------------------------------------------------------------------------------------

  private streamName(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  private async read(name: string, options: KurrentReadStreamOptions): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(name, options)) {
        const e = this.toStored(resolved);
        if (e) out.push(e);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
    return out;
  }

  private async idempotentOrUndefined(
    name: string,
    streamId: string,
    events: readonly NewEvent[],
    expected: number | 'no_stream',
  ): Promise<AppendResult | undefined> {
    const start = expected === 'no_stream' ? 0 : expected + 1;
    const ids = new Set(events.map((e) => e.id));
    const there = await this.read(name, { direction: FORWARDS, fromRevision: BigInt(start), maxCount: BigInt(events.length) });
    const stored = there.filter((e) => ids.has(e.id));
    const replay = matchIdempotentAppend(streamId, events, expected, stored);
    return replay ? this.withPosition(replay) : undefined;
  }

  /** Fills `lastPosition` from the stored last event (its `$all` commit position). */
  private async withPosition(result: AppendResult): Promise<AppendResult> {
    const [last] = await this.read(this.streamName(result.streamId), {
      direction: FORWARDS,
      fromRevision: BigInt(result.nextExpectedRevision),
      maxCount: 1n,
    });
    if (!last) throw new Error(`KurrentDB: event ${result.streamId}@${result.nextExpectedRevision} not readable after append`);
    return { ...result, lastPosition: last.globalPosition };
  }

  /** Our StoredEvent, or undefined for events that are not this store's (system, other prefix, foreign). */
  private toStored(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
    const e = resolved.event;
    if (!e || !e.isJson || !e.streamId.startsWith(this.prefix) || e.streamId.startsWith('$')) return undefined;
    const meta = e.metadata as unknown as EnvelopeMetadata | undefined;
    const fq = meta?.fq;
    if (!fq || fq.v !== 1) return undefined;
    const position = positionOf(resolved);
    if (position === undefined) {
      throw new Error('KurrentDB did not return the $all position of a stream event: EventStoreDB ≥ 22.6 (gRPC) is required');
    }
    const event: StoredEvent = {
      id: e.id,
      type: e.type,
      schemaVersion: fq.schemaVersion,
      streamId: fq.streamId,
      revision: Number(e.revision),
      globalPosition: position,
      occurredAt: fq.occurredAt,
      recordedAt: fq.recordedAt,
      actor: {
        userId: fq.actor.userId,
        role: fq.actor.role,
        unitId: fq.actor.unitId,
        ...(fq.actor.directoryVersion !== undefined ? { directoryVersion: fq.actor.directoryVersion } : {}),
      },
      correlationId: fq.correlationId,
      causationId: fq.causationId,
      jurisdiction: [...fq.jurisdiction],
      data: e.data as Record<string, unknown>,
      hash: fq.hash,
    };
    if (fq.legalBasis !== undefined) event.legalBasis = fq.legalBasis;
    if (typeof fq.traceparent === 'string') event.traceparent = fq.traceparent;
    return event;
  }
}

function positionOf(resolved: ResolvedEvent | AllStreamResolvedEvent): number | undefined {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined || commit < 0n || commit === MAX_U64) return undefined;
  return toSafeInteger(commit, 'commitPosition');
}

function dedupe(events: StoredEvent[]): StoredEvent[] {
  const seen = new Map<string, StoredEvent>();
  for (const e of events) seen.set(e.id, e);
  return [...seen.values()];
}
