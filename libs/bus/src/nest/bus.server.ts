/**
 * A NestJS custom transport strategy over the Bus port: every `@EventPattern(topic)` handler of
 * the app is subscribed, as one member of `groupId`, through whichever Bus the app was given —
 * the Kafka bus in distributed mode, the in-process bus in standalone mode — so the same
 * controllers run on both.
 *
 *   app.connectMicroservice({ strategy: new BusServer({ bus, groupId: 'analytics.case-board' }) });
 *   app.useGlobalFilters(new BusExceptionFilter());
 *
 * Each message is decoded as a CloudEvent (binary mode; one that does not decode goes straight to
 * the dead-letter topic) and handed to the handler of its topic as `@Payload()`, with a
 * `BusContext` as `@Ctx()`. The handler's result (a promise or an observable) is awaited before
 * the bus commits the message: a failure is retried with backoff, then dead-lettered, by the bus.
 * With an `inbox`, each CloudEvent id takes effect once per group. Request/reply
 * (`@MessagePattern`) is refused: our topics carry events (STYLE "Things to avoid").
 */
import { Server, type CustomTransportStrategy, type MessageHandler as NestMessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { NonRetriableError, type Bus, type DeliveredMessage, type RetryPolicy, type Subscription } from '../bus.port';
import { fromCloudEventMessage } from '../cloudevents';
import type { Inbox } from '../inbox/inbox.port';
import { BusContext } from './bus.context';

export const BUS_TRANSPORT = Symbol.for('fengqiao.bus');

export interface BusServerOptions {
  bus: Bus;
  /** Consumer group, `<service>.<purpose>`. */
  groupId: string;
  retry?: Partial<RetryPolicy>;
  /** Deduplicates by CloudEvent id per group (see `inbox/`). */
  inbox?: Inbox;
}

export class BusServer extends Server implements CustomTransportStrategy {
  override transportId = BUS_TRANSPORT;
  private subscription: Subscription | undefined;

  constructor(private readonly options: BusServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics: string[] = [];
      for (const [pattern, handler] of this.getHandlers()) {
        if (!handler.isEventHandler) {
          throw new Error(`@MessagePattern(${pattern}) is not served by the bus: events only, no request/reply`);
        }
        topics.push(pattern);
      }
      if (topics.length > 0) {
        this.subscription = await this.options.bus.subscribe({
          groupId: this.options.groupId,
          topics,
          retry: this.options.retry,
          handler: (message) => this.dispatch(message),
        });
        this.logger.log(`group ${this.options.groupId} subscribed to ${topics.join(', ')}`);
      }
      this._status$.next('connected');
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Drains: handlers in progress finish and are committed (see the Bus port). */
  async close(): Promise<void> {
    const sub = this.subscription;
    this.subscription = undefined;
    await sub?.close();
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('BusServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async dispatch(message: DeliveredMessage): Promise<void> {
    const handler = this.getHandlerByPattern(message.topic);
    if (!handler) throw new NonRetriableError(`no @EventPattern handler for topic ${message.topic}`);
    const event = fromCloudEventMessage(message);
    const run = () => this.invoke(handler, event, new BusContext([message, event]));
    if (this.options.inbox) await this.options.inbox.runOnce(this.options.groupId, event.id, run);
    else await run();
  }

  private async invoke(handler: NestMessageHandler, payload: unknown, context: BusContext): Promise<void> {
    try {
      await this.onProcessingStartHook(this.transportId, context, async () => {
        const result: unknown = await handler(payload, context);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        this.onProcessingEndHook?.(this.transportId, context);
      });
    } catch (error) {
      throw asError(error);
    }
  }
}

/** Nest's default RPC filter rejects with `{ status, message }`: keep an Error for the DLQ headers. */
function asError(error: unknown): unknown {
  if (error instanceof Error) return error;
  if (error && typeof error === 'object' && 'message' in error) return new Error(String((error as { message: unknown }).message));
  return new Error(String(error));
}
