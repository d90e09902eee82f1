import { DLQ_HEADERS, type Bus, type DeliveredMessage, type MessageHeaders, type OutgoingMessage, type SubscribeOptions, type Subscription } from '../bus.port';

const PREFIX = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Whether `prefix` may name a deployment: lower-case letters, digits, `-` and `_`, at most 40. */
export function isValidTopicPrefix(prefix: string): boolean {
  return PREFIX.test(prefix);
}

/**
 * One broker, several deployments (or test runs): every topic and consumer group of this bus is
 * named `<prefix>.<name>` on the broker (`dev.intake.case.events.v1`, group
 * `dev.grid-dispatch.work-orders`), dead-letter topics included, while the code keeps using the
 * names of `libs/contracts`. Delivered messages carry the contract names (their topic, and the
 * original topic and group of a dead letter).
 */
export class PrefixedBus implements Bus {
  private readonly head: string;

  constructor(
    private readonly inner: Bus,
    readonly prefix: string,
  ) {
    if (!isValidTopicPrefix(prefix)) {
      throw new TypeError(`topic prefix "${prefix}" must be 1–40 lower-case letters, digits, "-" or "_", starting with a letter or digit`);
    }
    this.head = `${prefix}.`;
  }

  get replaysHistoryToNewGroups(): boolean | undefined {
    return this.inner.replaysHistoryToNewGroups;
  }

  /** The broker's name of a contract topic or group (an empty name stays empty, for the inner bus to refuse). */
  onBroker(name: string): string {
    return name === '' ? name : this.head + name;
  }

  private strip(name: string): string {
    return name.startsWith(this.head) ? name.slice(this.head.length) : name;
  }

  private contractHeaders(headers: MessageHeaders): MessageHeaders {
    const out = { ...headers };
    for (const key of [DLQ_HEADERS.originalTopic, DLQ_HEADERS.consumerGroup]) {
      const value = out[key];
      if (value !== undefined) out[key] = this.strip(value);
    }
    return out;
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.inner.publish(this.onBroker(topic), messages);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const asSubscribed = (message: DeliveredMessage): DeliveredMessage => ({
      ...message,
      topic: this.strip(message.topic),
      groupId: options.groupId,
      headers: this.contractHeaders(message.headers),
    });
    const { runHandler } = options;
    const inner = await this.inner.subscribe({
      ...options,
      groupId: this.onBroker(options.groupId),
      topics: options.topics.map((t) => this.onBroker(t)),
      handler: (message: DeliveredMessage) => options.handler(asSubscribed(message)),
      runHandler: runHandler && ((messages: readonly DeliveredMessage[]) => runHandler(messages.map(asSubscribed))),
    });
    return {
      groupId: options.groupId,
      topics: [...options.topics],
      close: () => inner.close(),
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
