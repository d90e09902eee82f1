/**
 * The Bus port (DESIGN §3): keyed messages on topics, consumer groups, per-key order,
 * at-least-once delivery, retries with exponential backoff, then a dead-letter topic, and a
 * graceful drain on shutdown. Adapters: `kafka` (kafkajs) and `in-process` (standalone mode);
 * both pass the one contract suite in `testing/bus.contract.ts`.
 *
 * Delivery semantics every adapter keeps:
 * - A topic has partitions; a message goes to the partition chosen by a hash of its key, so the
 *   messages of one key (one case) are delivered in the order they were published.
 * - Each consumer group gets every message; the members of one group split the partitions, so
 *   each message is handled by one member. A partition is handled by one member at a time, one
 *   message after the other: a message is handed to the handler only after the previous message
 *   of its partition was handled (or dead-lettered).
 * - At-least-once: the group's position (offset) moves past a message only after its handler
 *   resolved, or after the message was dead-lettered. A crash in the middle of a handler, a
 *   rebalance that cuts a retry short, or a `close()` during a retry's backoff redelivers the
 *   message. Handlers therefore must be idempotent (see `inbox/`: consumers record the
 *   CloudEvent ids they handled).
 * - A failing handler is retried with exponential backoff (`RetryPolicy`); after the last attempt
 *   (or at once for a `NonRetriableError`) the message is published to `<topic>.dlq` with the
 *   `DLQ_HEADERS` describing the failure, and the partition moves on.
 * - `close()` drains: stop taking new messages, let handlers in progress finish (a retry waiting
 *   for its backoff is abandoned, uncommitted, and redelivered later), commit, disconnect.
 */
import { deadLetterTopic } from '@fengqiao/contracts';

/** Headers of a message: text only (our payloads and CloudEvents attributes are text). */
export type MessageHeaders = Record<string, string>;

/** A message to publish. */
export interface OutgoingMessage {
  /** Partitioning key: all messages of one key keep their order. For case events: the case id. */
  key: string;
  /** The payload, UTF-8 text (JSON for CloudEvents in binary content mode). */
  value: string;
  headers?: MessageHeaders;
}

/** A message handed to a handler. */
export interface DeliveredMessage {
  topic: string;
  partition: number;
  /** Position in the partition (Kafka offsets are int64: kept as a decimal string). */
  offset: string;
  key: string;
  value: string;
  headers: MessageHeaders;
  /** When the message was appended to the topic (ms since the epoch, as a string, like Kafka). */
  timestamp: string;
  groupId: string;
  /** 1 for the first delivery to this member, 2 for the first retry, … */
  attempt: number;
}

export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

/** See `SubscribeOptions.runHandler`: true when every message was handled. */
export type RunHandler = (messages: readonly DeliveredMessage[]) => Promise<boolean>;

export interface RetryPolicy {
  /** Deliveries before the message is dead-lettered, the first one included. Default 5. */
  maxAttempts: number;
  /** Wait before the first retry, ms. Default 100. */
  initialDelayMs: number;
  /** Each further wait is the previous one times this. Default 2. */
  multiplier: number;
  /** Upper bound of one wait, ms. Default 30 000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  multiplier: 2,
  maxDelayMs: 30_000,
});

export interface SubscribeOptions {
  /** Consumer group, `<service>.<purpose>` (STYLE "Naming"), e.g. `analytics.case-board`. */
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler;
  /**
   * Optional: handles several consecutive messages of ONE key at once (in offset order, first
   * deliveries), e.g. to write a case's document once for the two or three events of one commit.
   * Resolves true when it handled every one of them (the group's position then moves past them
   * all); false or a rejection, and the bus delivers them one by one through `handler` as usual
   * (retries, dead-letter topic). So whatever it did before failing must be safe to do again: for
   * idempotent handlers only. Adapters that fetch in batches use it (Kafka); others may ignore it.
   */
  runHandler?: RunHandler;
  /** Overrides parts of `DEFAULT_RETRY_POLICY`. */
  retry?: Partial<RetryPolicy>;
  /**
   * A group for this process's lifetime only (e.g. a follower that rebuilds its state from the
   * start of a topic at every start): no position is ever committed, and the group is deleted when
   * the subscription closes. A process killed before that leaves an empty group without offsets,
   * which the broker removes at its next offsets clean-up instead of keeping it for the offsets'
   * retention (7 days). Buses without groups ignore it.
   */
  ephemeral?: boolean;
}

/*
 * A group that has no position yet on a partition starts at the oldest retained message (Kafka:
 * `auto.offset.reset=earliest`): a new projection sees the whole retained history. There is no
 * "start at the end" option: Kafka resolves "latest" lazily at the member's first fetch, which
 * would make the first messages after `subscribe` a race.
 */

/** One member of a consumer group. */
export interface Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Leaves the group after draining (see the port's header): resolves when nothing is in flight. */
  close(): Promise<void>;
}

export interface Bus {
  /**
   * Publishes messages to one topic, in order. Resolves once the messages can no longer be lost
   * by the transport — Kafka: all in-sync replicas acknowledged; in-process (no durability of
   * its own): every group subscribed to the topic handled them — so the relay may then move its
   * checkpoint. Rejects, without a partial guarantee, if any failed: the caller publishes the
   * batch again (consumers dedupe).
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Joins `groupId` as a new member for `topics` and starts delivering to `handler`. Resolves once
   * the member has joined the group and received its share of the partitions.
   */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Closes every subscription of this bus (draining each), then the connections. */
  close(): Promise<void>;
  /**
   * Whether a new consumer group reads the topics from their beginning (Kafka: the topics keep
   * the messages, and the groups subscribe `fromBeginning`). The in-process bus keeps nothing once
   * consumed: there, a consumer that must rebuild asks the relays to publish their stores again.
   */
  readonly replaysHistoryToNewGroups?: boolean;
}

/**
 * Thrown by a handler (or wrapping the real cause) when retrying cannot help: a message that does
 * not decode, fails validation, or refers to something that can never exist. Goes to the
 * dead-letter topic at once.
 */
export class NonRetriableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}

/**
 * Thrown by a handler (or wrapping the real cause) when something it depends on is unavailable for
 * now (a database restarting or unreachable): the message itself is fine, so it is retried with
 * backoff for as long as that lasts and never dead-lettered for it (failures of this kind do not
 * count towards `maxAttempts`). The partition waits meanwhile, as it should during an outage.
 */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** Headers added to a dead-lettered message (the original headers are kept as they were). */
export const DLQ_HEADERS = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  originalTimestamp: 'dlq-original-timestamp',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  errorName: 'dlq-error-name',
  errorMessage: 'dlq-error-message',
  errorStack: 'dlq-error-stack',
  failedAt: 'dlq-failed-at',
} as const;

export { deadLetterTopic };

/** Kafka's legal topic names; we use the same rule for every adapter. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function assertTopicName(topic: string): void {
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new TypeError(`invalid topic name ${JSON.stringify(topic)}: use 1–249 of [a-zA-Z0-9._-]`);
  }
}

export function assertOutgoingMessages(topic: string, messages: readonly OutgoingMessage[]): void {
  assertTopicName(topic);
  if (!Array.isArray(messages)) throw new TypeError('messages must be an array');
  for (const [i, m] of messages.entries()) {
    if (typeof m.key !== 'string' || m.key.length === 0) throw new TypeError(`message ${i} to ${topic}: key must be a non-empty string`);
    if (typeof m.value !== 'string') throw new TypeError(`message ${i} to ${topic}: value must be a string`);
    for (const [name, v] of Object.entries(m.headers ?? {})) {
      if (typeof v !== 'string') throw new TypeError(`message ${i} to ${topic}: header ${name} must be a string`);
    }
  }
}

export function assertSubscribeOptions(options: SubscribeOptions): void {
  if (typeof options.groupId !== 'string' || options.groupId.length === 0) throw new TypeError('groupId must be a non-empty string');
  if (!Array.isArray(options.topics) || options.topics.length === 0) throw new TypeError('topics must be a non-empty array');
  options.topics.forEach(assertTopicName);
  if (new Set(options.topics).size !== options.topics.length) throw new TypeError('topics must not repeat');
  if (typeof options.handler !== 'function') throw new TypeError('handler must be a function');
  if (options.runHandler !== undefined && typeof options.runHandler !== 'function') throw new TypeError('runHandler must be a function');
}

/** The effective retry policy, checked. */
export function retryPolicyOf(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const p: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...partial };
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) throw new TypeError('retry.maxAttempts must be an integer ≥ 1');
  if (!(p.initialDelayMs >= 0) || !(p.multiplier >= 1) || !(p.maxDelayMs >= 0)) {
    throw new TypeError('retry: initialDelayMs ≥ 0, multiplier ≥ 1, maxDelayMs ≥ 0');
  }
  return p;
}

/** Wait before delivery number `attempt + 1`, after `attempt` failed deliveries (attempt ≥ 1). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
}

/** Minimal structured logger (pino's signature), so the bus does not force a logging library. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
