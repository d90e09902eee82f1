import { Controller, Inject, Logger, Type } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';

/** Counts what a context's Kafka consumer has received, per topic (shown on /health). */
export class InboundEventsLedger {
  private readonly counts = new Map<string, number>();
  record(topic: string): void {
    this.counts.set(topic, (this.counts.get(topic) ?? 0) + 1);
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

export type InboundHandler = (topic: string, message: unknown, context: KafkaContext) => Promise<void> | void;
export const INBOUND_HANDLER = Symbol('INBOUND_HANDLER');

/**
 * A Kafka controller subscribing a context to the topics it reacts to (libs/contracts
 * `subscriptions`). Each message is recorded and passed to the context's inbound handler.
 */
export function createInboundEventsController(contextName: string, topics: readonly string[]): Type<unknown> {
  @Controller()
  class InboundEventsController {
    private readonly logger = new Logger(`${contextName}.inbound`);
    constructor(
      @Inject(InboundEventsLedger) private readonly ledger: InboundEventsLedger,
      @Inject(INBOUND_HANDLER) private readonly handler: InboundHandler,
    ) {}

    async receive(message: unknown, context: KafkaContext): Promise<void> {
      const topic = context.getTopic();
      await this.handler(topic, message, context);
      this.ledger.record(topic);
      this.logger.debug(`received from ${topic} partition ${context.getPartition()} offset ${context.getMessage().offset}`);
    }
  }
  topics.forEach((topic, i) => {
    const key = `on${i}`;
    const method = function (this: InboundEventsController, message: unknown, context: KafkaContext) {
      return this.receive(message, context);
    };
    Object.defineProperty(InboundEventsController.prototype, key, { value: method, writable: true, configurable: true });
    const descriptor = Object.getOwnPropertyDescriptor(InboundEventsController.prototype, key);
    if (!descriptor) throw new Error(`could not define ${key} on the inbound controller of ${contextName}`);
    Payload()(InboundEventsController.prototype, key, 0);
    Ctx()(InboundEventsController.prototype, key, 1);
    EventPattern(topic)(InboundEventsController.prototype, key, descriptor);
  });
  Object.defineProperty(InboundEventsController, 'name', { value: `InboundEventsController(${contextName})` });
  return InboundEventsController;
}
