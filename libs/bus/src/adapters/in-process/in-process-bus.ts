/**
 * The in-process Bus (standalone mode, DESIGN §3): the Kafka adapter's delivery semantics inside
 * one Node process.
 *
 * - Topics have `partitions` partitions (default 3, like our Kafka topics); a message goes to the
 *   partition `fnv1a(key) mod partitions`.
 * - Each consumer group keeps a committed position per partition. The group's members split the
 *   partitions of each topic round-robin in join order; when a member joins or leaves, the group
 *   rebalances: a partition changes owner only after its old owner finished the message in hand,
 *   so one key is never handled by two members at once and its order holds.
 * - A partition worker hands one message at a time to its member's handler (with retries, backoff
 *   and the dead-letter topic, see `delivery.ts`) and commits the next position only afterwards.
 *
 * Memory, not durability: messages are kept only until every group that ever subscribed to the
 * topic has committed past them (a topic nobody subscribed to yet keeps its newest
 * `maxRetainedWithoutGroups` messages per partition, like Kafka retention). Nothing is written to
 * disk: in standalone mode durability comes from the event store and the relay checkpoint, which
 * re-publishes what a crashed process had not delivered; consumers dedupe by CloudEvent id.
 *
 * For that, `publish` resolves only when the messages can no longer be lost — for Kafka, when
 * the replicas have them; here, when every group with a member subscribed to the topic has
 * handled (or dead-lettered) them (`publishResolves: 'consumed'`, the default). So the relay
 * saves its checkpoint only after the consumers are done, and a crash before that re-publishes.
 * It rejects if such a group loses its last member for the topic, or the bus closes, first.
 * Exceptions, which resolve once appended: a publish from inside a handler (waiting there could
 * wait on its own partition) — including the dead-letter publish — and a topic no group
 * subscribed to yet. Hence, in standalone mode: subscribe the consumers, then start the relays.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  assertOutgoingMessages,
  assertSubscribeOptions,
  retryPolicyOf,
  type Bus,
  type BusLogger,
  type MessageHandler,
  type MessageHeaders,
  type OutgoingMessage,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
} from '../../bus.port';
import { defaultLogger, deliver, sleep } from '../../delivery';

export interface InProcessBusOptions {
  /**
   * When `publish` resolves: once every subscribed group has handled the messages (`'consumed'`,
   * default, see the header), or as soon as they are appended (`'appended'`).
   */
  publishResolves?: 'consumed' | 'appended';
  /** Partitions of every topic. Default 3. */
  partitions?: number;
  /** Per partition, for a topic no group subscribed to yet. Default 10 000. */
  maxRetainedWithoutGroups?: number;
  logger?: BusLogger;
}

/** What the bus holds in memory (for health checks and tests). */
export interface InProcessTopicStats {
  /** Messages held in memory, all partitions. */
  retained: number;
  /** Offsets held per partition: [start, end). */
  partitions: { start: number; end: number }[];
  /** Groups that subscribed to the topic, with their committed offset per partition. */
  groups: Record<string, number[]>;
}

interface Entry {
  offset: number;
  key: string;
  value: string;
  headers: MessageHeaders;
  timestamp: string;
}

/** FNV-1a 32-bit over the UTF-8 bytes of the key: stable across processes and runs. */
export function partitionOfKey(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

class PartitionLog {
  /** Offset of `entries[head]`. */
  private base = 0;
  private head = 0;
  private entries: Entry[] = [];
  private readonly waiters = new Set<() => void>();

  get start(): number {
    return this.base;
  }

  get end(): number {
    return this.base + this.entries.length - this.head;
  }

  append(message: OutgoingMessage, timestamp: string): void {
    this.entries.push({ offset: this.end, key: message.key, value: message.value, headers: { ...message.headers }, timestamp });
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  at(offset: number): Entry | undefined {
    if (offset < this.base) return undefined;
    return this.entries[this.head + offset - this.base];
  }

  /** Drops the entries before `offset`. */
  trimBefore(offset: number): void {
    const drop = Math.min(offset, this.end) - this.base;
    if (drop <= 0) return;
    this.head += drop;
    this.base += drop;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Resolves on the next append, or when `signal` aborts. */
  waitForAppend(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

class TopicLog {
  readonly partitions: PartitionLog[];
  /** Groups that subscribed to this topic at least once: they hold its messages until consumed. */
  readonly groups = new Set<GroupState>();

  constructor(
    readonly name: string,
    partitions: number,
  ) {
    this.partitions = Array.from({ length: partitions }, () => new PartitionLog());
  }
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Set while a handler runs: a publish from there does not wait for consumers. */
const inHandler = new AsyncLocalStorage<true>();

interface CommitWaiter {
  offset: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

class Member implements Subscription {
  closing = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly group: GroupState,
    readonly groupId: string,
    readonly topics: readonly string[],
    readonly handler: MessageHandler,
    readonly policy: RetryPolicy,
  ) {}

  close(): Promise<void> {
    this.closed ??= this.group.leave(this);
    return this.closed;
  }
}

class PartitionWorker {
  private readonly controller = new AbortController();
  readonly done: Promise<void>;

  constructor(
    private readonly bus: InProcessBus,
    private readonly group: GroupState,
    readonly member: Member,
    private readonly topic: TopicLog,
    private readonly partition: number,
  ) {
    this.done = this.run();
  }

  /** Stops after the message in hand (a retry waiting for its backoff is abandoned, uncommitted). */
  stop(): Promise<void> {
    this.controller.abort();
    return this.done;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    const log = this.topic.partitions[this.partition];
    const key = tpKey(this.topic.name, this.partition);
    const logger = this.bus.logger;
    while (!signal.aborted) {
      let offset = this.group.committed.get(key) ?? log.start;
      if (offset < log.start) {
        logger.warn(
          { topic: this.topic.name, partition: this.partition, groupId: this.group.id, from: offset, to: log.start },
          'messages no longer retained: skipping ahead',
        );
        offset = log.start;
      }
      const entry = log.at(offset);
      if (!entry) {
        await log.waitForAppend(signal);
        continue;
      }
      try {
        const outcome = await inHandler.run(true, () =>
          deliver({
            message: {
              topic: this.topic.name,
              partition: this.partition,
              offset: String(entry.offset),
              key: entry.key,
              value: entry.value,
              headers: { ...entry.headers },
              timestamp: entry.timestamp,
              groupId: this.group.id,
            },
            handler: this.member.handler,
            policy: this.member.policy,
            signal,
            deadLetter: (topic, message) => this.bus.publish(topic, [message]),
            logger,
          }),
        );
        if (outcome.kind === 'abandoned') break;
        this.group.commit(this.topic, this.partition, entry.offset + 1);
      } catch (error) {
        // only the dead-letter publish can fail here (e.g. the bus is closing): not committed,
        // delivered again from the first attempt after a pause
        logger.error(
          { topic: this.topic.name, partition: this.partition, offset: entry.offset, groupId: this.group.id, err: error },
          'could not dead-letter the message: will deliver it again',
        );
        await sleep(this.member.policy.initialDelayMs, signal);
      }
    }
  }
}

class GroupState {
  readonly committed = new Map<string, number>();
  private readonly waiters = new Map<string, CommitWaiter[]>();
  private readonly members: Member[] = [];
  private readonly workers = new Map<string, PartitionWorker>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: InProcessBus,
    readonly id: string,
  ) {}

  async join(member: Member): Promise<void> {
    for (const name of member.topics) {
      const topic = this.bus.topic(name);
      if (topic.groups.has(this)) continue;
      topic.groups.add(this);
      topic.partitions.forEach((log, p) => {
        if (!this.committed.has(tpKey(name, p))) this.committed.set(tpKey(name, p), log.start);
      });
    }
    this.members.push(member);
    await this.rebalance();
  }

  async leave(member: Member): Promise<void> {
    member.closing = true;
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    // publishers waiting on this group learn now, not after the drain: whatever is in hand may
    // still finish, but nobody is left to take the rest
    for (const name of member.topics) {
      if (!this.hasMemberFor(name)) this.failWaiters(name, new Error(`group ${this.id} has no member left for ${name}: published messages were not consumed`));
    }
    await this.rebalance();
  }

  hasMemberFor(topic: string): boolean {
    return this.members.some((m) => m.topics.includes(topic));
  }

  /** Resolves once this group committed past `offset` of the partition. */
  consumed(topic: string, partition: number, offset: number): Promise<void> {
    const key = tpKey(topic, partition);
    if ((this.committed.get(key) ?? 0) > offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(key) ?? [];
      list.push({ offset, resolve, reject });
      this.waiters.set(key, list);
    });
  }

  failWaiters(topic: string | undefined, error: Error): void {
    for (const [key, list] of this.waiters) {
      if (topic !== undefined && !key.startsWith(`${topic}\u0000`)) continue;
      this.waiters.delete(key);
      for (const w of list) w.reject(error);
    }
  }

  commit(topic: TopicLog, partition: number, next: number): void {
    const key = tpKey(topic.name, partition);
    this.committed.set(key, next);
    const waiting = this.waiters.get(key);
    if (waiting) {
      const still = waiting.filter((w) => w.offset >= next);
      for (const w of waiting) if (w.offset < next) w.resolve();
      if (still.length > 0) this.waiters.set(key, still);
      else this.waiters.delete(key);
    }
    let min = next;
    for (const g of topic.groups) min = Math.min(min, g.committed.get(tpKey(topic.name, partition)) ?? 0);
    topic.partitions[partition].trimBefore(min);
  }

  /** Serialised: a rebalance starts after the previous one finished. */
  private rebalance(): Promise<void> {
    const next = this.chain.then(() => this.reassign());
    this.chain = next.catch((error: unknown) => this.bus.logger.error({ groupId: this.id, err: error }, 'rebalance failed'));
    return next;
  }

  private async reassign(): Promise<void> {
    const wanted = new Map<string, { member: Member; topic: TopicLog; partition: number }>();
    const topicNames = new Set(this.members.flatMap((m) => m.topics));
    for (const name of topicNames) {
      const topic = this.bus.topic(name);
      const candidates = this.members.filter((m) => m.topics.includes(name));
      topic.partitions.forEach((_, p) => wanted.set(tpKey(name, p), { member: candidates[p % candidates.length], topic, partition: p }));
    }
    // revoke first (concurrently: each finishes the message in hand), then assign
    const revoked = [...this.workers].filter(([k, w]) => wanted.get(k)?.member !== w.member);
    await Promise.all(revoked.map(([, w]) => w.stop()));
    for (const [k] of revoked) this.workers.delete(k);
    for (const [k, a] of wanted) {
      if (!this.workers.has(k)) this.workers.set(k, new PartitionWorker(this.bus, this, a.member, a.topic, a.partition));
    }
  }
}

export class InProcessBus implements Bus {
  readonly logger: BusLogger;
  private readonly waitForConsumers: boolean;
  private readonly partitions: number;
  private readonly maxRetainedWithoutGroups: number;
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, GroupState>();
  private readonly members = new Set<Member>();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.waitForConsumers = (options.publishResolves ?? 'consumed') === 'consumed';
    this.partitions = options.partitions ?? 3;
    if (!Number.isInteger(this.partitions) || this.partitions < 1) throw new TypeError('partitions must be an integer ≥ 1');
    this.maxRetainedWithoutGroups = options.maxRetainedWithoutGroups ?? 10_000;
    this.logger = options.logger ?? defaultLogger('bus.in-process');
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    assertOutgoingMessages(topic, messages);
    const log = this.topic(topic);
    const timestamp = String(Date.now());
    const last = new Map<number, number>(); // partition → offset of its last new message
    for (const m of messages) {
      const p = partitionOfKey(m.key, log.partitions.length);
      const partition = log.partitions[p];
      last.set(p, partition.end);
      partition.append(m, timestamp);
      if (log.groups.size === 0 && partition.end - partition.start > this.maxRetainedWithoutGroups) {
        partition.trimBefore(partition.end - this.maxRetainedWithoutGroups);
      }
    }
    if (!this.waitForConsumers || inHandler.getStore()) return;
    const groups = [...log.groups].filter((g) => g.hasMemberFor(topic));
    await Promise.all(groups.flatMap((g) => [...last].map(([p, offset]) => g.consumed(topic, p, offset))));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    assertSubscribeOptions(options);
    const policy = retryPolicyOf(options.retry);
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new GroupState(this, options.groupId);
      this.groups.set(options.groupId, group);
    }
    const member = new Member(group, options.groupId, [...options.topics], options.handler, policy);
    this.members.add(member);
    await group.join(member);
    return {
      groupId: member.groupId,
      topics: member.topics,
      close: async () => {
        await member.close();
        this.members.delete(member);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const members = [...this.members];
    this.members.clear();
    await Promise.all(members.map((m) => m.close()));
    this.closed = true;
    for (const g of this.groups.values()) g.failWaiters(undefined, new Error('the bus closed before the published messages were consumed'));
  }

  stats(): Record<string, InProcessTopicStats> {
    const out: Record<string, InProcessTopicStats> = {};
    for (const [name, t] of this.topics) {
      const partitions = t.partitions.map((p) => ({ start: p.start, end: p.end }));
      const groups: Record<string, number[]> = {};
      for (const g of t.groups) groups[g.id] = t.partitions.map((p, i) => g.committed.get(tpKey(name, i)) ?? p.start);
      out[name] = { retained: partitions.reduce((n, p) => n + p.end - p.start, 0), partitions, groups };
    }
    return out;
  }

  /** The topic, created with the configured partitions on first use. */
  topic(name: string): TopicLog {
    let t = this.topics.get(name);
    if (!t) {
      t = new TopicLog(name, this.partitions);
      this.topics.set(name, t);
    }
    return t;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the bus is closed');
  }
}
