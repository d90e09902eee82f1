import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional, Provider } from '@nestjs/common';
import { contractOf, IntegrationEvent, validateIntegrationEvent, ContractViolation } from '@fengqiao/contracts';
import { StoredEvent } from '@fengqiao/event-store';
import {
  Bus,
  CloudEventInput,
  DecodedCloudEvent,
  DeliveredMessage,
  fromCloudEventMessage,
  NonRetriableError,
  Relay,
  Subscription,
} from '@fengqiao/bus';
import { ServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.module';
import { ContextInfrastructure, openContextInfrastructure } from './context-infrastructure';
import { AuditRegistry } from '../audit/audit-registry';
import type { ContextAuditOptions } from '../audit/context-audit.options';

export const BUS = Symbol.for('fengqiao.bus');
export const SERVICE_CONFIG = Symbol.for('fengqiao.service-config');

/** The injection token of a context's runtime (one per context, five in standalone). */
export const runtimeToken = (context: string): symbol => Symbol.for(`fengqiao.runtime.${context}`);

/** A consumer group of a context: `<context>.<purpose>` reacting to integration events. */
export interface ContextConsumer {
  purpose: string;
  topics: readonly string[];
  handle(event: IntegrationEvent, runtime: ContextRuntime): Promise<void>;
}

export interface ContextRuntimeOptions {
  context: string;
  /** Maps a stored event of this context to the integration event it publishes (null: private). */
  publish?: (stored: StoredEvent) => IntegrationEvent | null;
  consumers?: ContextConsumer[];
  /** After the stores are open and before consumers start: indexes, seed data, schedulers. */
  onReady?: (runtime: ContextRuntime) => Promise<void>;
  /** Before the stores close. */
  onStop?: (runtime: ContextRuntime) => Promise<void>;
  /** How the audit replays this context's streams (see AuditRegistry; only where the app serves the audit). */
  audit?: ContextAuditOptions;
}

const INBOX = 'inbox';

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

  constructor(
    readonly options: ContextRuntimeOptions,
    readonly infra: ContextInfrastructure,
    readonly bus: Bus,
  ) {
    this.logger = new Logger(`${options.context}.runtime`);
  }

  get context(): string {
    return this.options.context;
  }

  async start(): Promise<void> {
    await this.infra.readStore.ensureIndexes(INBOX, [{ keys: { group: 1 } }]);
    if (this.options.onReady) await this.options.onReady(this);
    const publish = this.options.publish;
    if (publish) {
      this.relay = new Relay({
        name: `${this.context}.relay`,
        events: this.infra.events,
        bus: this.bus,
        checkpoints: this.infra.relayCheckpoints,
        map: (stored: StoredEvent) => {
          const event = publish(stored);
          if (!event) return null;
          const def = contractOf(event.type);
          if (!def) throw new Error(`no contract for ${event.type}`);
          validateIntegrationEvent(event);
          return { topic: def.topic, key: event.subject, event: toCloudEvent(event) };
        },
        logger: busLogger(this.logger),
      });
      this.relay.start();
    }
    for (const consumer of this.options.consumers ?? []) {
      const groupId = `${this.context}.${consumer.purpose}`;
      this.subscriptions.push(
        await this.bus.subscribe({
          groupId,
          topics: consumer.topics,
          handler: (message) => this.deliver(groupId, consumer, message),
        }),
      );
    }
    this.started = true;
  }

  /** Wakes the relay after an append so the event is published without waiting for the poll. */
  published(): void {
    this.relay?.notify();
  }

  /** What /health shows for this context. */
  health(): Record<string, unknown> {
    if (!this.started) throw new Error('not started');
    const relay = this.relay?.status();
    if (relay && relay.consecutiveFailures > 3) throw new Error(`relay failing: ${relay.lastError ?? 'unknown error'}`);
    return {
      consumed: Object.fromEntries(this.consumed),
      ...(relay ? { relay: { position: relay.position ?? 0, published: relay.messagesPublished, failures: relay.consecutiveFailures } } : {}),
    };
  }

  private async deliver(groupId: string, consumer: ContextConsumer, message: DeliveredMessage): Promise<void> {
    let event: IntegrationEvent;
    try {
      event = validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(message)));
    } catch (e) {
      if (e instanceof ContractViolation) throw new NonRetriableError(e.message, { cause: e });
      throw e;
    }
    const inboxId = `${groupId}/${event.id}`;
    if (await this.infra.readStore.get(INBOX, inboxId)) return; // handled before: a redelivery
    await consumer.handle(event, this);
    await this.infra.readStore.upsert(INBOX, { _id: inboxId, group: groupId, eventId: event.id, type: event.type }, { revision: 1 });
    this.consumed.set(message.topic, (this.consumed.get(message.topic) ?? 0) + 1);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of this.subscriptions) await s.close();
    await this.relay?.stop();
    if (this.options.onStop) await this.options.onStop(this);
    await this.infra.close();
  }
}

export function toCloudEvent(event: IntegrationEvent): CloudEventInput {
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    extensions: { correlationid: event.correlationId, causationid: event.causationId },
    data: event.data,
  };
}

export function fromCloudEvent(ce: DecodedCloudEvent): IntegrationEvent {
  return {
    id: ce.id,
    type: ce.type,
    source: ce.source,
    subject: ce.subject ?? ce.partitionkey,
    time: ce.time,
    correlationId: ce.extensions.correlationid ?? ce.id,
    causationId: ce.extensions.causationid ?? ce.id,
    data: ce.data,
  };
}

function busLogger(logger: Logger) {
  const fmt = (obj: unknown, msg?: string) => (msg ? `${msg} ${JSON.stringify(obj)}` : JSON.stringify(obj));
  return {
    error: (obj: unknown, msg?: string) => logger.error(fmt(obj, msg)),
    warn: (obj: unknown, msg?: string) => logger.warn(fmt(obj, msg)),
    info: (obj: unknown, msg?: string) => logger.log(fmt(obj, msg)),
    debug: (obj: unknown, msg?: string) => logger.debug(fmt(obj, msg)),
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
      @Optional() @Inject(AuditRegistry) private readonly audits?: AuditRegistry,
    ) {
      registry.add({ key: options.context, check: async () => this.runtime.health() });
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
      useFactory: async (config: ServiceConfig, bus: Bus) =>
        new ContextRuntime(options, await openContextInfrastructure(options.context, config), bus),
    },
    RuntimeLifecycle,
  ];
}
