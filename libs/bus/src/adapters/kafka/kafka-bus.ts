/**
 * The Bus on Apache Kafka through kafkajs (distributed mode, DESIGN §3). This file is the only
 * place that imports kafkajs, so the client can be swapped (NestJS's Kafka transport is built on
 * kafkajs as well; we use it directly to control commits, retries and the dead-letter topic).
 * It mends one kafkajs method before its client is made: see `kafkajs-request-queue.ts`.
 *
 * Producer: idempotent, `acks: -1` (all in-sync replicas), one request in flight (so a retried
 * request cannot reorder a partition), the Java client's murmur2 partitioner (a key lands on the
 * same partition as with any other Kafka client).
 *
 * Topics: by default created on first use by an admin client (`topicCreation: 'admin'`,
 * `partitions` 3, `replicationFactor` 1, `retention.ms` -1), before the first publish to a topic and
 * before a subscription to it; creating an existing topic is a no-op. Retention is unlimited by default
 * because the topics are the history a new consumer group starts from: analytics in distributed mode
 * rebuilds its facts from the start of the topics, so a 7-day broker default would lose older cases. `'broker'` relies on the broker's
 * `auto.create.topics.enable` instead, `'none'` expects the topics to exist (made by deployment).
 *
 * Consumer: one kafkajs consumer per subscription, `eachBatch` with auto-resolve and auto-commit
 * off. The messages of a batch (one partition) go to the handler key by key: each key's messages
 * one after the other in offset order, up to `keysConsumedConcurrently` keys at once (per-key
 * order is what the bus promises; one slow case no longer holds up every case behind it in its
 * partition, and kafkajs fetches a partition again only once the whole batch is done). A key's
 * messages of a batch go to the subscription's `runHandler` together first, when it has one; if it
 * does not handle them all, they go one by one as above. See
 * `delivery.ts` for retries and the dead-letter topic. The offset resolved is the end of the
 * handled prefix of the batch (a message handled while an earlier one of another key is still in
 * hand waits for it), committed at least every `commitIntervalMs` and whenever the batch ends or
 * stops, so a failure, a rebalance or a crash never commits a message that was not handled (what
 * was handled past it comes again: at-least-once). Partitions are processed concurrently
 * (`partitionsConsumedConcurrently`). While a handler runs (or waits for its backoff) a timer
 * keeps the member's heartbeat going; a failed heartbeat (rebalance) stops the batch after the
 * messages in hand, commits, and lets kafkajs rejoin the group. kafkajs
 * rejoins only after every batch in hand has ended, so a partition is never handled by two
 * members at once — provided a handler ends within `rebalanceTimeoutMs` (60 s by default); one
 * that runs longer is dropped from the group while it still works.
 *
 * A consumer that kafkajs gives up on (a crash it does not restart) is logged at error level and
 * stays down; `close()` still works.
 */
import { mendKafkajsRequestQueue } from './kafkajs-request-queue';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaConfig,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import {
  assertOutgoingMessages,
  assertSubscribeOptions,
  retryPolicyOf,
  type Bus,
  type BusLogger,
  type MessageHeaders,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from '../../bus.port';
import { defaultLogger, deliver } from '../../delivery';

export type TopicCreation = 'admin' | 'broker' | 'none';

export interface KafkaBusOptions {
  /** `host:port` of the brokers; or give `kafka`, a configured client. */
  brokers?: string[];
  kafka?: Kafka;
  /** Default `fengqiao`. */
  clientId?: string;
  /** Default `'admin'`: see the header comment. */
  topicCreation?: TopicCreation;
  /** Partitions of topics created by the bus. Default 3. */
  partitions?: number;
  /** Replication factor of topics created by the bus. Default 1. */
  replicationFactor?: number;
  /**
   * `retention.ms` of topics created by the bus. Default -1 (unlimited: the topics are the history a
   * rebuild replays; see the header comment). A finite value is for throwaway deployments only.
   */
  retentionMs?: number;
  /** Partitions a subscription processes at the same time (each in order). Default 3. */
  partitionsConsumedConcurrently?: number;
  /**
   * Keys of one partition's batch handled at the same time (each key's messages in order). Default 8;
   * 1: the batch's messages one after the other.
   */
  keysConsumedConcurrently?: number;
  /** Longest time handled messages stay uncommitted while a batch goes on, ms. Default 1000. */
  commitIntervalMs?: number;
  /** kafkajs consumer timing, ms. Defaults: session 30 000, heartbeat 3 000, rebalance 60 000, max fetch wait 1 000. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  maxWaitTimeInMs?: number;
  /** How long `subscribe` waits for the member to join its group, ms. Default 60 000. */
  joinTimeoutMs?: number;
  logger?: BusLogger;
  /** kafkajs' own log level. Default WARN. */
  clientLogLevel?: logLevel;
}

/** kafkajs log lines → our logger. */
function logCreatorFor(logger: BusLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const obj = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(obj, message);
      else if (level === logLevel.WARN) logger.warn(obj, message);
      else if (level === logLevel.INFO) logger.info(obj, message);
      else logger.debug(obj, message);
    };
}

function headerText(headers: IHeaders | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    const v = Array.isArray(raw) ? raw[raw.length - 1] : raw; // a repeated header: the last value wins
    out[name] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return out;
}

const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();

export class KafkaBus implements Bus {
  readonly logger: BusLogger;
  /** new groups subscribe `fromBeginning` (within the topics' retention) */
  readonly replaysHistoryToNewGroups = true;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private adminConnecting: Promise<Admin> | undefined;
  private producerConnecting: Promise<void> | undefined;
  private readonly ensured = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly o: Required<Omit<KafkaBusOptions, 'brokers' | 'kafka' | 'logger' | 'clientId' | 'clientLogLevel'>>;
  private closed = false;

  constructor(options: KafkaBusOptions) {
    this.logger = options.logger ?? defaultLogger('bus.kafka');
    if (!options.kafka && !options.brokers?.length) throw new TypeError('KafkaBus needs brokers or a kafka client');
    const config: KafkaConfig = {
      clientId: options.clientId ?? 'fengqiao',
      brokers: options.brokers ?? [],
      logLevel: options.clientLogLevel ?? logLevel.WARN,
      logCreator: logCreatorFor(this.logger),
    };
    mendKafkajsRequestQueue(); // kafkajs 2.2.4's 1 ms idle timer loop, mended before any client connects
    this.kafka = options.kafka ?? new Kafka(config);
    this.o = {
      topicCreation: options.topicCreation ?? 'admin',
      partitions: options.partitions ?? 3,
      replicationFactor: options.replicationFactor ?? 1,
      retentionMs: options.retentionMs ?? -1,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      keysConsumedConcurrently: options.keysConsumedConcurrently ?? 8,
      commitIntervalMs: options.commitIntervalMs ?? 1_000,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
      joinTimeoutMs: options.joinTimeoutMs ?? 60_000,
    };
    if (!Number.isInteger(this.o.keysConsumedConcurrently) || this.o.keysConsumedConcurrently < 1)
      throw new TypeError('keysConsumedConcurrently must be an integer ≥ 1');
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: this.o.topicCreation === 'broker',
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    assertOutgoingMessages(topic, messages);
    if (messages.length === 0) return;
    await Promise.all([this.connectProducer(), this.ensureTopics([topic])]);
    await this.producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    assertSubscribeOptions(options);
    const policy = retryPolicyOf(options.retry);
    await Promise.all([this.connectProducer(), this.ensureTopics(options.topics)]);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.o.sessionTimeoutMs,
      heartbeatInterval: this.o.heartbeatIntervalMs,
      rebalanceTimeout: this.o.rebalanceTimeoutMs,
      maxWaitTimeInMs: this.o.maxWaitTimeInMs,
      allowAutoTopicCreation: this.o.topicCreation === 'broker',
    });
    const sub = new KafkaSubscription(this, consumer, options, policy, this.o);
    this.subscriptions.add(sub);
    try {
      await sub.start(this.o.joinTimeoutMs);
    } catch (e) {
      this.subscriptions.delete(sub);
      await sub.close();
      throw e;
    }
    return sub;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subs = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subs.map((s) => s.close()));
    await this.producer.disconnect();
    if (this.adminConnecting) await (await this.adminConnecting.catch(() => undefined))?.disconnect();
  }

  /** @internal used by subscriptions to dead-letter, also while the bus is closing. */
  async send(topic: string, message: OutgoingMessage): Promise<void> {
    await this.ensureTopics([topic]);
    await this.producer.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value, headers: { ...message.headers } }] });
  }

  /** @internal */
  forget(sub: KafkaSubscription): void {
    this.subscriptions.delete(sub);
  }

  /** @internal an ephemeral subscription's group, once its member has left (best effort: the broker drops it anyway). */
  async deleteGroup(groupId: string): Promise<void> {
    try {
      await (await this.connectAdmin()).deleteGroups([groupId]);
    } catch (e) {
      this.logger.warn({ groupId, err: e }, 'ephemeral group not deleted (the broker removes it at its next offsets clean-up)');
    }
  }

  /** Creates the topics that do not exist yet (mode `'admin'`), once per topic per bus. */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    if (this.o.topicCreation !== 'admin') return;
    const missing = topics.filter((t) => !this.ensured.has(t));
    if (missing.length > 0) {
      const creating = this.createTopics(missing);
      for (const t of missing) {
        this.ensured.set(
          t,
          creating.catch((e: unknown) => {
            this.ensured.delete(t); // let a later call try again
            throw e;
          }),
        );
      }
    }
    await Promise.all(topics.map((t) => this.ensured.get(t)));
  }

  private async createTopics(topics: string[]): Promise<void> {
    const admin = await this.connectAdmin();
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({
        topic,
        numPartitions: this.o.partitions,
        replicationFactor: this.o.replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(this.o.retentionMs) }],
      })),
    });
    if (created)
      this.logger.info(
        { topics, partitions: this.o.partitions, replicationFactor: this.o.replicationFactor, retentionMs: this.o.retentionMs },
        'topics created',
      );
  }

  private connectAdmin(): Promise<Admin> {
    this.adminConnecting ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((e: unknown) => {
      this.adminConnecting = undefined;
      throw e;
    });
    return this.adminConnecting;
  }

  private connectProducer(): Promise<void> {
    this.producerConnecting ??= this.producer.connect().catch((e: unknown) => {
      this.producerConnecting = undefined;
      throw e;
    });
    return this.producerConnecting;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the bus is closed');
  }
}

type Timing = Required<Pick<KafkaBusOptions, 'partitionsConsumedConcurrently' | 'keysConsumedConcurrently' | 'commitIntervalMs' | 'heartbeatIntervalMs'>>;

class KafkaSubscription implements Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Aborted when the subscription closes: a retry waiting for its backoff is abandoned. */
  private readonly stopping = new AbortController();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly bus: KafkaBus,
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly policy: ReturnType<typeof retryPolicyOf>,
    private readonly timing: Timing,
  ) {
    this.groupId = options.groupId;
    this.topics = [...options.topics];
  }

  async start(joinTimeoutMs: number): Promise<void> {
    const { consumer } = this;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`group ${this.groupId}: not joined within ${joinTimeoutMs} ms`)), joinTimeoutMs);
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        offJoin();
        offCrash();
        resolve();
      });
      const offCrash = consumer.on(consumer.events.CRASH, (e) => {
        if (e.payload.restart) return;
        clearTimeout(timer);
        offJoin();
        offCrash();
        reject(e.payload.error);
      });
    });
    consumer.on(consumer.events.CRASH, (e) =>
      this.bus.logger.error({ groupId: this.groupId, restart: e.payload.restart, err: e.payload.error }, 'consumer crashed'),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.timing.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort();
      await this.consumer.disconnect(); // waits for the batches in hand; they commit on their way out
      this.bus.forget(this);
      if (this.options.ephemeral) await this.bus.deleteGroup(this.groupId);
    })();
    return this.closing;
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    // stops this batch: subscription closing, or the member's heartbeat failed (rebalance)
    const stop = new AbortController();
    const onStopping = () => stop.abort();
    this.stopping.signal.addEventListener('abort', onStopping, { once: true });
    let uncommitted: string | undefined;
    let lastCommit = Date.now();
    const commit = async () => {
      if (uncommitted === undefined || this.options.ephemeral) return;
      const offset = uncommitted;
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      if (uncommitted === offset) uncommitted = undefined;
      lastCommit = Date.now();
    };
    const keepAlive = setInterval(
      () => {
        heartbeat().catch((error: unknown) => {
          this.bus.logger.warn({ topic, partition, groupId: this.groupId, err: error }, 'heartbeat failed: stopping the batch after the messages in hand');
          stop.abort();
        });
      },
      Math.max(100, Math.floor(this.timing.heartbeatIntervalMs / 2)),
    );
    const { messages } = batch;
    // the offset resolved and committed is the end of the handled prefix of the batch: a message
    // handled while an earlier one (of another key) is still in hand waits for it
    const handled = new Array<boolean>(messages.length).fill(false);
    let prefix = 0;
    let halted = false;
    const stopping = () => halted || !isRunning() || isStale() || stop.signal.aborted;
    const messageAt = (index: number) => {
      const message = messages[index];
      return {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? '',
        value: message.value?.toString('utf8') ?? '',
        headers: headerText(message.headers),
        timestamp: message.timestamp,
        groupId: this.groupId,
      };
    };
    const markHandled = async (indexes: readonly number[]): Promise<void> => {
      for (const index of indexes) handled[index] = true;
      while (prefix < messages.length && handled[prefix]) {
        resolveOffset(messages[prefix].offset);
        uncommitted = nextOffset(messages[prefix].offset);
        prefix++;
      }
      if (Date.now() - lastCommit >= this.timing.commitIntervalMs) await commit();
      await heartbeat();
    };
    const handle = async (index: number): Promise<boolean> => {
      if (stopping()) return false;
      const outcome = await deliver({
        message: messageAt(index),
        handler: this.options.handler,
        policy: this.policy,
        signal: stop.signal,
        deadLetter: (dlq, m) => this.bus.send(dlq, m),
        logger: this.bus.logger,
      });
      if (outcome.kind === 'abandoned') return false;
      await markHandled([index]);
      return true;
    };
    // a key's messages together (`runHandler`), once; true when all of them were handled
    const runHandler = this.options.runHandler;
    const handleRun = async (lane: readonly number[]): Promise<boolean> => {
      if (runHandler === undefined || lane.length < 2 || stopping()) return false;
      let done = false;
      try {
        done = (await runHandler(lane.map((index) => ({ ...messageAt(index), attempt: 1 })))) === true;
      } catch (error) {
        this.bus.logger.debug({ topic, partition, groupId: this.groupId, err: error }, 'run of messages failed: delivering them one by one');
      }
      if (done) await markHandled(lane);
      return done;
    };
    try {
      // the messages of one key one after the other, in offset order; up to `keysConsumedConcurrently` keys at once
      const lanes = new Map<string, number[]>();
      messages.forEach((message, index) => {
        const key = message.key?.toString('utf8') ?? '';
        const lane = lanes.get(key);
        if (lane) lane.push(index);
        else lanes.set(key, [index]);
      });
      const queue = [...lanes.values()];
      const worker = async () => {
        for (let lane = queue.shift(); lane !== undefined && !halted; lane = queue.shift()) {
          if (await handleRun(lane)) continue;
          for (const index of lane) {
            if (!(await handle(index))) {
              // stopping (close, rebalance): no key starts another message; those in hand finish
              halted = true;
              break;
            }
          }
        }
      };
      const workers = Array.from({ length: Math.min(this.timing.keysConsumedConcurrently, queue.length) }, worker);
      const settled = await Promise.allSettled(workers);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      clearInterval(keepAlive);
      this.stopping.signal.removeEventListener('abort', onStopping);
      await commit();
    }
  }
}
