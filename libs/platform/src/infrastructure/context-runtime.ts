import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional, Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { contractOf, IntegrationEvent, validateIntegrationEvent, ContractViolation, topics, PrivacySubjectErasedV1Data } from '@fengqiao/contracts';
import {
  EventStore,
  PersonalDataEventStore,
  PersonalDataPolicy,
  PersonalDataProtector,
  redactProtectedData,
  redactTextInData,
  StoredEvent,
  SubjectKeyStore,
} from '@fengqiao/event-store';
import { DomainError } from '@fengqiao/kernel';
import {
  Bus,
  CE_DATA_CONTENT_TYPE,
  CE_HEADERS,
  DecodedCloudEvent,
  DeliveredMessage,
  fromCloudEventMessage,
  InboxBusyError,
  InProcessBus,
  NonRetriableError,
  TransientError,
  Relay,
  Subscription,
  contextFromTraceparent,
  inSpan,
} from '@fengqiao/bus';
import { SpanKind } from '@opentelemetry/api';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { classifyProjectionFailure, countParkedEvents, parkEvent, type ParkingOptions } from '@fengqiao/read-store';
import { ServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.module';
import { metrics } from '../metrics/metrics';
import { ContextInfrastructure, openContextInfrastructure } from './context-infrastructure';
import { AuditRegistry } from '../audit/audit-registry';
import type { ContextAuditOptions } from '../audit/context-audit.options';
import { eraseSubjectIn, erasureIntegrationEvent, privacyRegistryOf, SUBJECT_ERASED } from '../privacy/subject-erasure';
import { openSubjectKeyStore, subjectKeyDirectory } from '../privacy/subject-keys';
import { fromCloudEvent, toCloudEvent } from './cloud-event-mapping';
import { relayGateOf } from './relay-gate';

export { dataschemaOf, fromCloudEvent, toCloudEvent } from './cloud-event-mapping';
export { RelayGate, relayGateOf } from './relay-gate';

/** The attributes of a consumer's span (OpenTelemetry messaging conventions), with those of the delivery. */
function consumerSpanAttributes(topic: string, groupId: string, delivery: Record<string, string | number>): Record<string, string | number> {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
    ...delivery,
  };
}

/** Relay lag is counted up to this many events per scrape (a bounded read). */
const LAG_SCAN_LIMIT = 10_000;

export const BUS = Symbol.for('fengqiao.bus');
export const SERVICE_CONFIG = Symbol.for('fengqiao.service-config');

/** The injection token of a context's runtime (one per context, five in standalone). */
export const runtimeToken = (context: string): symbol => Symbol.for(`fengqiao.runtime.${context}`);

/** A consumer group of a context: `<context>.<purpose>` reacting to integration events. */
export interface ContextConsumer {
  purpose: string;
  topics: readonly string[];
  handle(event: IntegrationEvent, runtime: ContextRuntime): Promise<void>;
  /**
   * The event types `handle` acts on, when it ignores the others of its topics: the others are
   * passed over without an inbox claim (two writes saved per message). Absent: every event is handled.
   */
  handles?(type: string): boolean;
  /**
   * True when `handle` is idempotent by itself: every write it makes is guarded (a revision, an
   * event id the store refuses twice), so a redelivery changes nothing and two deliveries of one
   * message at once are decided by those guards, one write losing and being retried. Its deliveries
   * then take no inbox claim (two writes per message saved, four statements on FerretDB). Absent:
   * every delivery is claimed in the inbox, and an effect runs at most once per message.
   */
  idempotent?: boolean;
  /**
   * Optional, for `idempotent` consumers: the events of ONE key (one case) that came together, in
   * order (the events of one commit, typically), handled at once, e.g. with one write of the case's
   * document where `handle` writes once per event. It must leave what `handle` would leave for each
   * in turn; when it throws, the events are delivered to `handle` one by one (retries, dead-letter
   * topic), so what it did before failing must be safe to do again. Only `handles` events reach it.
   */
  handleRun?(events: readonly IntegrationEvent[], runtime: ContextRuntime): Promise<void>;
  /**
   * A consumer rebuilding its read model from the topics (a new group) returns true: on a bus that
   * keeps no history (in-process), the relays of the process then publish their stores again, and
   * `historyReplayed` runs once they have caught up.
   */
  needsHistory?(): boolean;
  historyReplayed?(runtime: ContextRuntime): Promise<void>;
}

/**
 * A provider of the context's module taking part in its start and stop: `onContextReady` runs after
 * the stores are open and `onReady`, before the relay and the consumers start (seed data, views
 * caught up, schedulers); `onContextStop` before the stores close. Listed by class in `lifecycle`
 * and resolved from the module, so it is an ordinary injectable (no binder, no context object).
 */
export interface ContextLifecycle {
  onContextReady?(runtime: ContextRuntime): Promise<void>;
  onContextStop?(runtime: ContextRuntime): Promise<void>;
}

/** What the relay's mapper may use besides the event: the context's own store (to fold a stream). */
export interface PublishContext {
  events: ContextInfrastructure['events'];
}

export interface ContextRuntimeOptions {
  context: string;
  /**
   * Maps a stored event of this context to the integration event it publishes (null: private).
   * May read the context's own stream (`context.events`) to fold the state the event leads to.
   */
  publish?: (stored: StoredEvent, context: PublishContext) => IntegrationEvent | null | Promise<IntegrationEvent | null>;
  /** consumers, as objects or as provider classes of the context's module (resolved from it) */
  consumers?: (ContextConsumer | Type<ContextConsumer>)[];
  /** provider classes of the context's module that take part in start and stop (see ContextLifecycle) */
  lifecycle?: Type<ContextLifecycle>[];
  /** After the stores are open and before consumers start: indexes, seed data, schedulers. */
  onReady?: (runtime: ContextRuntime) => Promise<void>;
  /** Before the stores close. */
  onStop?: (runtime: ContextRuntime) => Promise<void>;
  /** How the audit replays this context's streams (see AuditRegistry; only where the app serves the audit). */
  audit?: ContextAuditOptions;
  /**
   * The context stores personal data (issue 14 §2): its subject keys are opened with the runtime
   * (or attached by the context itself: `keysAttachedByContext`), `runtime.events` seals what the
   * policy names and what free text reveals, and the context applies erasures from the bus.
   */
  personalData?: ContextPersonalDataOptions;
}

export interface ContextPersonalDataOptions {
  /** what is personal in this context's events; without one, `runtime.events` is the plain store */
  policy?: PersonalDataPolicy;
  /** the context opens its own key store and calls `attachSubjectKeys` (mediation, petitions) */
  keysAttachedByContext?: boolean;
}

/** where handled messages were recorded before the claim-based inbox; read, never written */
const LEGACY_INBOX = 'inbox';

/**
 * A context's running parts: its stores, the relay that publishes its events (from a checkpoint,
 * never inside a request), and its consumers (idempotent through an inbox of handled event ids).
 */
export class ContextRuntime {
  private readonly logger: Logger;
  private relay?: Relay;
  private readonly subscriptions: Subscription[] = [];
  private readonly consumed = new Map<string, number>();
  private started = false;
  private stopped = false;
  /** Whether the legacy inbox held records at start (see `start`); true until then. */
  private legacyInbox = true;
  private resolve: <T>(type: Type<T>) => T = (type) => {
    throw new Error(`${this.options.context}: cannot resolve ${type.name} outside a Nest module`);
  };
  private lifecycle: ContextLifecycle[] = [];
  private personal?: { keys: SubjectKeyStore; store: EventStore; close?: () => Promise<void> };
  private personalReady!: (keys: SubjectKeyStore) => void;
  private readonly personalKeys = new Promise<SubjectKeyStore>((resolve) => (this.personalReady = resolve));

  /**
   * The context's event store as the application uses it: personal data sealed on append and
   * opened on read where the context has a policy (the audit, the relay and the projectors read
   * `infra.events`, which holds only ciphertext).
   */
  readonly events: EventStore;

  constructor(
    readonly options: ContextRuntimeOptions,
    readonly infra: ContextInfrastructure,
    readonly bus: Bus,
  ) {
    this.logger = new Logger(`${options.context}.runtime`);
    const current = (): EventStore => this.personal?.store ?? this.infra.events;
    this.events = {
      append: (streamId, events, opts) => current().append(streamId, events, opts),
      readStream: (streamId, opts) => current().readStream(streamId, opts),
      readAll: (opts) => current().readAll(opts),
      streamRevision: (streamId) => current().streamRevision(streamId),
      close: async () => undefined,
    };
  }

  /** The context's subject keys (personal data); waits for a context that attaches its own. */
  subjectKeys(): Promise<SubjectKeyStore> {
    return this.personalKeys;
  }

  /** Attaches the context's subject-key store: from then on `events` protects personal data. */
  attachSubjectKeys(keys: SubjectKeyStore, close?: () => Promise<void>): void {
    const policy = this.options.personalData?.policy;
    const store = policy ? new PersonalDataEventStore(this.infra.events, new PersonalDataProtector(keys, policy)) : this.infra.events;
    this.personal = { keys, store, ...(close ? { close } : {}) };
    subjectKeyDirectory.add(keys);
    privacyRegistryOf(this.bus).register(this);
    this.personalReady(keys);
  }

  get context(): string {
    return this.options.context;
  }

  /** How class consumers and lifecycle providers are found (the module's ModuleRef). */
  useResolver(resolve: <T>(type: Type<T>) => T): void {
    this.resolve = resolve;
  }

  async start(): Promise<void> {
    // nothing writes the legacy inbox any more: when it is empty now, it stays empty, and the
    // deliveries need not look it up (one read per message saved)
    this.legacyInbox = (await this.infra.readStore.count(LEGACY_INBOX, {})) > 0;
    if (this.options.onReady) await this.options.onReady(this);
    this.lifecycle = (this.options.lifecycle ?? []).map((type) => this.resolve(type));
    for (const part of this.lifecycle) await part.onContextReady?.(this);
    // consumers first: a relay must not publish before every consumer of the process listens
    for (const listed of this.options.consumers ?? []) {
      const consumer: ContextConsumer = typeof listed === 'function' ? this.resolve(listed) : listed;
      const groupId = `${this.context}.${consumer.purpose}`;
      this.subscriptions.push(
        await this.bus.subscribe({
          groupId,
          topics: consumer.topics,
          handler: (message) => this.deliver(groupId, consumer, message),
          ...(consumer.idempotent && consumer.handleRun ? { runHandler: (messages) => this.deliverRun(groupId, consumer, messages) } : {}),
        }),
      );
    }
    if (this.options.personalData) {
      const groupId = `${this.context}.privacy-erasure`;
      const consumer: ContextConsumer = { purpose: 'privacy-erasure', topics: [topics.privacySubject], handle: (event) => this.applyErasure(event) };
      this.subscriptions.push(await this.bus.subscribe({ groupId, topics: consumer.topics, handler: (message) => this.deliver(groupId, consumer, message) }));
    }
    for (const listed of this.options.consumers ?? []) {
      const consumer: ContextConsumer = typeof listed === 'function' ? this.resolve(listed) : listed;
      if (!consumer.needsHistory?.() || this.bus.replaysHistoryToNewGroups) continue;
      this.logger.log(`${consumer.purpose}: rebuilding, the relays of this process publish their stores again`);
      void relayGateOf(this.bus)
        .rewind()
        .then(() => consumer.historyReplayed?.(this))
        .catch((error: unknown) =>
          this.logger.error(`${consumer.purpose}: replay of the stores failed: ${error instanceof Error ? error.message : String(error)}`),
        );
    }
    const publish = this.options.publish;
    // the mapper may fold its own streams: it reads them redacted, as everything that leaves the context
    const publishContext: PublishContext = { events: redactingReader(this.infra.events) };
    if (publish) {
      const relay = new Relay({
        name: `${this.context}.relay`,
        events: this.infra.events,
        bus: this.bus,
        checkpoints: this.infra.relayCheckpoints,
        // the in-process bus takes messages in publish order and resolves once consumed: publishing
        // the next batch meanwhile keeps a slow consumer group from delaying every other (Relay header)
        maxInFlightBatches: this.bus instanceof InProcessBus ? 8 : 1,
        map: async (stored: StoredEvent) => {
          // personal data never leaves the context in clear: sealed fields as ***, free text redacted
          const event =
            stored.type === SUBJECT_ERASED
              ? erasureIntegrationEvent(stored, `/fengqiao/${this.context}`)
              : await publish({ ...stored, data: redactProtectedData(stored.data) }, publishContext);
          if (!event) return null;
          event.data = redactTextInData(event.data);
          const def = contractOf(event.type);
          if (!def) throw new Error(`no contract for ${event.type}`);
          validateIntegrationEvent(event);
          return { topic: def.topic, key: event.subject, event: toCloudEvent(event) };
        },
        // an event that cannot become its integration event (a contract violation, a mapper that
        // throws on its data) is parked with the reason instead of stopping every publication of
        // the context; transient failures still stall and retry
        onUnmappable: async (stored, error) => {
          if (!(error instanceof ContractViolation) && classifyProjectionFailure(error) !== 'poison') return false;
          await parkEvent(this.infra.readStore, `${this.context}.relay`, stored, error, projectionParking(`${this.context}.relay`));
          return true;
        },
        logger: busLogger(this.logger),
      });
      this.relay = relay;
      metrics.gaugeFrom(
        'fengqiao_relay_lag_events',
        `Stored events not yet published by the relay (counted up to ${LAG_SCAN_LIMIT})`,
        ['context'],
        this.context,
        async () => {
          const position = relay.status().position ?? 0;
          const events = this.infra.events;
          // counted without reading where the store can (SQLite): a scrape during a replay read
          // and built 10,000 events, and the store read the next 10,000 ahead for nobody
          const behind = events.countAfter
            ? await events.countAfter(position, LAG_SCAN_LIMIT)
            : (await events.readAll({ afterPosition: position, maxCount: LAG_SCAN_LIMIT })).length;
          return [{ labels: { context: this.context }, value: behind }];
        },
      );
      relayGateOf(this.bus).arrive(
        this.context,
        () => {
          if (!this.stopped) relay.start();
        },
        relay,
      );
    } else {
      relayGateOf(this.bus).arrive(this.context, () => undefined);
    }
    this.started = true;
  }

  /** An erasure requested elsewhere (privacy.subject.erased.v1): shred the key here too, audited. */
  private async applyErasure(event: IntegrationEvent): Promise<void> {
    const d = event.data as unknown as PrivacySubjectErasedV1Data;
    await eraseSubjectIn(this, {
      subjectId: d.subjectId,
      requestId: d.requestId,
      origin: 'bus',
      requestedIn: d.requestedIn,
      requestedAt: d.requestedAt,
      actor: { userId: 'system', role: 'system', unitId: this.context },
      correlationId: event.correlationId,
      causationId: event.id,
    });
  }

  /** Wakes the relay after an append so the event is published without waiting for the poll. */
  published(): void {
    this.relay?.notify();
  }

  /**
   * What /health shows for this context. Parked events (read-store `parking.ts`: events a
   * projection of this context could not apply) are counted, not a failure: the context works,
   * and the count tells an operator to look at `parked_events`.
   */
  async health(): Promise<Record<string, unknown>> {
    if (!this.started) throw new Error('not started');
    const relay = this.relay?.status();
    if (relay && relay.consecutiveFailures > 3) throw new Error(`relay failing: ${relay.lastError ?? 'unknown error'}`);
    return {
      parkedEvents: await countParkedEvents(this.infra.readStore),
      consumed: Object.fromEntries(this.consumed),
      ...(relay ? { relay: { position: relay.position ?? 0, published: relay.messagesPublished, failures: relay.consecutiveFailures } } : {}),
    };
  }

  /**
   * One delivery to a consumer group, as a CONSUMER span continuing the producer's trace (the
   * CloudEvent's `traceparent`); the commands the consumer runs are its children, and the events
   * they append carry it on.
   */
  private async deliver(groupId: string, consumer: ContextConsumer, message: DeliveredMessage): Promise<void> {
    if (ignoredUnread(consumer, message)) {
      metrics.consumed.inc({ group: groupId, outcome: 'ignored' });
      return;
    }
    let decoded: DecodedCloudEvent | undefined;
    let undecodable: unknown;
    try {
      decoded = fromCloudEventMessage(message);
    } catch (e) {
      undecodable = e;
    }
    const attributes = consumerSpanAttributes(
      message.topic,
      groupId,
      decoded ? { 'messaging.message.id': decoded.id, 'fengqiao.event.type': decoded.type } : {},
    );
    await inSpan(`${message.topic} process`, { kind: SpanKind.CONSUMER, attributes }, contextFromTraceparent(decoded?.extensions.traceparent), () =>
      this.handleDelivery(groupId, consumer, message, decoded, undecodable),
    );
  }

  /**
   * Several messages of one key at once (`ContextConsumer.handleRun`), as ONE consumer span
   * continuing the first message's trace. False, before anything ran, when a message does not
   * decode or validate: the bus then delivers them one by one, and that message gets its own
   * verdict (the dead-letter topic). A failure of `handleRun` rejects, with the same effect.
   */
  private async deliverRun(groupId: string, consumer: ContextConsumer, messages: readonly DeliveredMessage[]): Promise<boolean> {
    const handleRun = consumer.handleRun?.bind(consumer);
    if (!handleRun || messages.length === 0) return false;
    const events: IntegrationEvent[] = [];
    let ignored = 0;
    let traceparent: string | undefined;
    for (const message of messages) {
      if (ignoredUnread(consumer, message)) {
        ignored += 1;
        continue;
      }
      let event: IntegrationEvent;
      try {
        const decoded = fromCloudEventMessage(message);
        traceparent ??= decoded.extensions.traceparent;
        event = validateIntegrationEvent(fromCloudEvent(decoded));
      } catch {
        return false;
      }
      if (consumer.handles && !consumer.handles(event.type)) ignored += 1;
      else events.push(event);
    }
    const topic = messages[0].topic;
    const attributes = consumerSpanAttributes(topic, groupId, { 'messaging.batch.message_count': messages.length });
    if (events.length > 0) {
      // a failure is not counted here: the messages go one by one next, and are counted there
      await inSpan(`${topic} process`, { kind: SpanKind.CONSUMER, attributes }, contextFromTraceparent(traceparent), () => handleRun(events, this));
    }
    if (ignored > 0) metrics.consumed.inc({ group: groupId, outcome: 'ignored' }, ignored);
    if (events.length > 0) {
      metrics.consumed.inc({ group: groupId, outcome: 'handled' }, events.length);
      this.consumed.set(topic, (this.consumed.get(topic) ?? 0) + events.length);
    }
    return true;
  }

  private async handleDelivery(
    groupId: string,
    consumer: ContextConsumer,
    message: DeliveredMessage,
    decoded: DecodedCloudEvent | undefined,
    undecodable: unknown,
  ): Promise<void> {
    let event: IntegrationEvent;
    try {
      if (!decoded) throw undecodable;
      event = validateIntegrationEvent(fromCloudEvent(decoded));
    } catch (e) {
      if (e instanceof ContractViolation) throw new NonRetriableError(e.message, { cause: e });
      throw e;
    }
    // an event this consumer does nothing with needs no claim (nothing happens twice)
    if (consumer.handles && !consumer.handles(event.type)) {
      metrics.consumed.inc({ group: groupId, outcome: 'ignored' });
      return;
    }
    // handled before the inbox was claim-based (a read-model record): a redelivery
    if (!consumer.idempotent && this.legacyInbox && (await this.infra.readStore.get(LEGACY_INBOX, `${groupId}/${event.id}`))) return;
    let outcome;
    try {
      outcome = consumer.idempotent
        ? { executed: true, result: await consumer.handle(event, this) }
        : await this.infra.inbox.runOnce(groupId, event.id, () => consumer.handle(event, this));
    } catch (e) {
      metrics.consumed.inc({ group: groupId, outcome: 'failed' });
      throw retryableOrDeadLetter(e);
    }
    metrics.consumed.inc({ group: groupId, outcome: outcome.executed ? 'handled' : 'duplicate' });
    if (outcome.executed) this.consumed.set(message.topic, (this.consumed.get(message.topic) ?? 0) + 1);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    relayGateOf(this.bus).leave(this.context);
    metrics.dropSource('fengqiao_relay_lag_events', this.context);
    for (const s of this.subscriptions) await s.close();
    await this.relay?.stop();
    for (const part of [...this.lifecycle].reverse()) await part.onContextStop?.(this);
    if (this.options.onStop) await this.options.onStop(this);
    if (this.personal) {
      privacyRegistryOf(this.bus).unregister(this);
      subjectKeyDirectory.remove(this.personal.keys);
      await this.personal.close?.();
    }
    await this.infra.close();
  }
}

/**
 * Whether the consumer does nothing with the message, as its binary-mode headers tell (our
 * producers' mode: the type in `ce_type`, the data as plain JSON): then it is ignored unread, with
 * no JSON parse and no contract check (issue 15: mediation and petitions parsed and checked every
 * grid-dispatch event only to ignore all but referrals). Anything else (structured mode, header names
 * in other cases, no `handles`) is decoded first, as before. A message whose data is broken is thus
 * dead-lettered by the groups that handle its type, and ignored by those that do not.
 */
function ignoredUnread(consumer: ContextConsumer, message: DeliveredMessage): boolean {
  if (!consumer.handles || message.headers[CE_HEADERS.contentType] !== CE_DATA_CONTENT_TYPE) return false;
  const type = message.headers[CE_HEADERS.type];
  return typeof type === 'string' && type !== '' && !consumer.handles(type);
}

/**
 * What a consumer's failure means for the bus: only a stale revision (`revision_conflict`: a race
 * with another writer, which the next attempt decides again) is retried; any other broken rule
 * (`illegal_state`, `conflict`, `validation`, `not_found`, `forbidden`) will not heal by retrying
 * and goes to the dead-letter topic at once. Errors that are not DomainErrors (a database or broker
 * hiccup) are retried with backoff as before. A consumer that treats an outcome as done (e.g. "the
 * work order is already open") catches it itself and returns. An outage of the database (no server
 * to select, a connection lost) or another delivery of the same message still in progress is a
 * `TransientError`: retried for as long as it lasts, never dead-lettered (a fault campaign's
 * FerretDB restart had dead-lettered two healthy messages after five quick attempts).
 */
export function retryableOrDeadLetter(e: unknown): unknown {
  if (e instanceof DomainError && e.kind !== 'revision_conflict') return new NonRetriableError(`${e.code}: ${e.message}`, { cause: e });
  if (unavailable(e)) return new TransientError(`unavailable for now: ${(e as Error).message}`, { cause: e });
  return e;
}

/** The database cannot be reached for now, or the message is being handled elsewhere (checked along the causes). */
function unavailable(e: unknown): boolean {
  for (let cause = e, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof MongoNetworkError || cause instanceof MongoServerSelectionError || cause instanceof InboxBusyError) return true;
  }
  return false;
}

/** The store as the relay's mappers read it: personal data never in clear (redactProtectedData). */
function redactingReader(events: EventStore): EventStore {
  const redact = (list: StoredEvent[]) => list.map((e) => ({ ...e, data: redactProtectedData(e.data) }));
  return {
    append: (streamId, batch, opts) => events.append(streamId, batch, opts),
    readStream: async (streamId, opts) => redact(await events.readStream(streamId, opts)),
    readAll: async (opts) => redact(await events.readAll(opts)),
    streamRevision: (streamId) => events.streamRevision(streamId),
    close: async () => undefined,
  };
}

/** Parking options for a projection of a context: every parked event is logged as an error with its reason. */
export function projectionParking(projection: string): ParkingOptions {
  const logger = new Logger(`${projection}.projection`);
  return {
    onParked: (p) =>
      logger.error(
        `parked event ${p.eventId ?? '?'} (${p.eventType ?? '?'}, stream ${p.streamId} revision ${p.revision}, position ${p.globalPosition ?? '?'}) after ${p.attempts} attempt(s): ${p.code} ${p.reason}`,
      ),
  };
}

/**
 * The bus and relay's structured logs through the context's Nest logger, as one line of text with
 * the fields as JSON. An Error is written as its name, message, code and cause (`JSON.stringify`
 * alone wrote `{}`: "relay pass failed: retrying … err: {}" said nothing of why).
 */
export function busLogger(logger: Pick<Logger, 'error' | 'warn' | 'log' | 'debug'>) {
  const json = (obj: unknown) => JSON.stringify(obj, (_key, value: unknown) => (value instanceof Error ? errorFields(value) : value));
  const fmt = (obj: unknown, msg?: string) => (msg ? `${msg} ${json(obj)}` : json(obj));
  return {
    error: (obj: unknown, msg?: string) => logger.error(fmt(obj, msg)),
    warn: (obj: unknown, msg?: string) => logger.warn(fmt(obj, msg)),
    info: (obj: unknown, msg?: string) => logger.log(fmt(obj, msg)),
    debug: (obj: unknown, msg?: string) => logger.debug(fmt(obj, msg)),
  };
}

function errorFields(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(code !== undefined ? { code } : {}),
    ...(error.cause !== undefined ? { cause: error.cause instanceof Error ? errorFields(error.cause) : error.cause } : {}),
  };
}

/** The Nest provider of a context's runtime: opens, starts and stops it with the app. */
export function contextRuntimeProvider(options: ContextRuntimeOptions): Provider[] {
  const token = runtimeToken(options.context);
  @Injectable()
  class RuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
    constructor(
      @Inject(token) private readonly runtime: ContextRuntime,
      @Inject(HealthRegistry) registry: HealthRegistry,
      @Inject(ModuleRef) moduleRef: ModuleRef,
      @Optional() @Inject(AuditRegistry) private readonly audits?: AuditRegistry,
    ) {
      registry.add({ key: options.context, check: async () => this.runtime.health() });
      relayGateOf(runtime.bus).register(options.context);
      runtime.useResolver((type) => moduleRef.get(type, { strict: true }));
    }
    async onApplicationBootstrap(): Promise<void> {
      await this.runtime.start();
      // signed checkpoints of this context's store on a schedule, its audit routes (DESIGN §4)
      await this.audits?.attach(this.runtime, options.audit);
    }
    async onApplicationShutdown(): Promise<void> {
      await this.runtime.stop();
    }
  }
  Object.defineProperty(RuntimeLifecycle, 'name', { value: `RuntimeLifecycle(${options.context})` });
  return [
    {
      provide: token,
      inject: [SERVICE_CONFIG, BUS],
      useFactory: async (config: ServiceConfig, bus: Bus) => {
        const runtime = new ContextRuntime(options, await openContextInfrastructure(options.context, config), bus);
        if (options.personalData && !options.personalData.keysAttachedByContext) {
          const opened = await openSubjectKeyStore(config, options.context);
          runtime.attachSubjectKeys(opened.keys, opened.close);
        }
        return runtime;
      },
    },
    RuntimeLifecycle,
  ];
}
