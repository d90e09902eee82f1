/**
 * The relay (DESIGN §3): moves a service's events from its event store to the bus, from a stored
 * checkpoint, never inside the request that appended them.
 *
 * One pass: read `readAll({ afterPosition: checkpoint, maxCount: batchSize })`, map each event
 * (`null`: a private event, not published), publish the messages (per topic, in store order, so
 * the events of one case keep their order), and only then save the checkpoint = the last event's
 * `globalPosition` (after every full batch, otherwise at most once per `checkpointEveryMs`, and at
 * `stop()`; the next pass goes on from what this relay published). At-least-once: a crash after a
 * publish and before the checkpoint that covers it was saved publishes those events again after the
 * restart; consumers dedupe by `ce_id` (the inbox). Nothing is lost: the checkpoint never passes an
 * event that was not published.
 *
 * The loop polls every `pollIntervalMs`; `notify()` (called by the command handler after an
 * append) wakes it at once. A pass goes on from the checkpoint the relay saved or read last; a pass
 * not woken by `notify()` that finds events reads the stored checkpoint before it publishes them
 * (another replica may have got further), so an idle poll costs one read of the store. A failing
 * pass (store, bus, mapper or checkpoint error) is logged and retried with exponential backoff up
 * to `maxBackoffMs`: the relay stalls rather than skip an event. `stop()` lets the pass in progress
 * finish.
 *
 * Pipelining (`maxInFlightBatches` > 1, standalone's in-process bus): a bus whose `publish`
 * resolves only once every consumer handled the messages makes a pass as slow as its slowest
 * consumer, and an event appended meanwhile waited for that pass before it was even published.
 * With pipelining the next batch is read and published while earlier ones are still being
 * consumed; checkpoints are saved strictly in batch order, each only after its batch and every
 * batch before it were consumed, so the checkpoint still never passes an unconsumed event. A
 * failed batch stops the saving (no later batch's checkpoint is saved), and once the batches in
 * flight settled the relay reads again from the saved checkpoint (what was published after it is
 * published again: at-least-once). Only for a bus that takes messages in the order `publish` is
 * called (the in-process bus appends synchronously); Kafka keeps the default, one batch at a time.
 *
 * One relay per store should run; two (e.g. two replicas) are safe — both publish, consumers
 * dedupe, and the checkpoint only moves forward — but do the work twice.
 */
import type { EventStore, StoredEvent } from '@fengqiao/event-store';
import type { Bus, BusLogger, OutgoingMessage } from '../bus.port';
import { toCloudEventMessage, type CloudEventInput } from '../cloudevents';
import { defaultLogger } from '../delivery';
import { assertRelayName, type RelayCheckpointStore } from './relay-checkpoint.store';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { contextFromTraceparent, fengqiaoTracer, traceparentOf } from '../trace-context';

/** Where an event goes: topic, key (the case id) and the CloudEvent. */
export interface RelayRoute {
  topic: string;
  key: string;
  event: CloudEventInput;
}

/**
 * Maps a stored event to its message; `null` for an event that is not published. May be async (a
 * mapper that folds the event's stream to compute what it publishes).
 */
export type RelayMapper = (event: StoredEvent) => RelayRoute | null | Promise<RelayRoute | null>;

export interface RelayOptions {
  /** The checkpoint's name, e.g. `intake.relay`. */
  name: string;
  events: Pick<EventStore, 'readAll'>;
  bus: Pick<Bus, 'publish'>;
  checkpoints: RelayCheckpointStore;
  map: RelayMapper;
  /**
   * Called when `map` throws for an event (the error `map` threw). Resolving `true` means the
   * event was recorded elsewhere (parked, with the reason) and the relay goes on without it;
   * `false` (or no hook) keeps the default: the relay stalls on the event and retries it, so a
   * fixable mapper bug loses nothing. Use it for failures the event itself causes (a contract
   * violation), never for transient ones.
   */
  onUnmappable?: (event: StoredEvent, error: unknown) => Promise<boolean>;
  /** Events per pass. Default 500. */
  batchSize?: number;
  /** Default 250 ms. */
  pollIntervalMs?: number;
  /** Longest wait after failures. Default 30 000 ms. */
  maxBackoffMs?: number;
  /** Batches published and not yet consumed at once (see the header). Default 1: one at a time. */
  maxInFlightBatches?: number;
  /**
   * One batch at a time (the default, Kafka): the checkpoint is saved after every full batch and
   * otherwise at most this often; what was published since is saved by a later pass once this long
   * has gone by, by `runOnce()` and by `stop()`. A crash publishes at most this much again, which
   * consumers dedupe. Default 1000 ms; 0 saves after every batch. (Pipelined relays save every batch.)
   */
  checkpointEveryMs?: number;
  logger?: BusLogger;
}

export interface RelayStatus {
  running: boolean;
  /** Last saved checkpoint (undefined before the first read of it). */
  position: number | undefined;
  /** Events read, messages published since start (re-publications included). */
  eventsRead: number;
  messagesPublished: number;
  consecutiveFailures: number;
  lastError: string | undefined;
  lastPassAt: string | undefined;
}

export class Relay {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInFlight: number;
  private readonly checkpointEveryMs: number;
  /** Published beyond the saved checkpoint, its save not due yet (one batch at a time only). */
  private unsaved: number | undefined;
  private savedAt = 0;
  /** Pipelining: where the next batch is read from (undefined: from the saved checkpoint). */
  private cursor: number | undefined;
  /** Pipelining: the checkpoint saves of batches in flight, oldest first (each resolves, never rejects). */
  private inFlight: Promise<void>[] = [];
  private saving: Promise<void> = Promise.resolve();
  /** Pipelining: the first failure of a batch in flight; no checkpoint is saved after it. */
  private pipelineError: { error: unknown } | undefined;
  private readonly logger: BusLogger;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Serialises passes (the loop and `runOnce` callers). */
  private passing: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | undefined;
  private notified = false;
  private position: number | undefined;
  /** The stored checkpoint as this relay last read or saved it (`position` undefined: none stored; undefined: read it). */
  private saved: { position: number | undefined } | undefined;
  /** A replay from the start of the store in progress (`rewind`): where it is, and who waits for it. */
  private replay: { after: number; caughtUp: () => void; done: Promise<void> } | undefined;
  private eventsRead = 0;
  private messagesPublished = 0;
  private consecutiveFailures = 0;
  private lastError: string | undefined;
  private lastPassAt: string | undefined;

  constructor(private readonly options: RelayOptions) {
    assertRelayName(options.name);
    this.name = options.name;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.maxInFlight = options.maxInFlightBatches ?? 1;
    this.checkpointEveryMs = options.checkpointEveryMs ?? 1000;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new TypeError('maxInFlightBatches must be an integer ≥ 1');
    this.logger = options.logger ?? defaultLogger(`relay.${options.name}`);
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new TypeError('batchSize must be an integer ≥ 1');
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes the loop now: call it after an append. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /**
   * Publishes the store again from its start (for a consumer that lost what it had built and whose
   * bus keeps no history: the in-process bus). The checkpoint never moves back: after a crash the
   * relay goes on from it, and whoever asked for the replay asks again. Resolves when the replay
   * has caught up with the checkpoint.
   */
  rewind(): Promise<void> {
    if (!this.replay) {
      let caughtUp!: () => void;
      const done = new Promise<void>((resolve) => (caughtUp = resolve));
      this.replay = { after: 0, caughtUp, done };
      this.logger.info({ relay: this.name }, 'replaying the store from its start');
    }
    this.notify();
    return this.replay.done;
  }

  /** Stops the loop after the pass in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.drain();
    await this.passing;
    await this.saveUnsaved().catch((error: unknown) =>
      this.logger.warn(
        { relay: this.name, position: this.unsaved, err: error },
        'relay checkpoint not saved at stop: what was published since the last one is published again',
      ),
    );
  }

  /**
   * Relays everything stored so far (passes until one reads less than a batch) and returns the
   * number of events read. Errors propagate. For tests, tools and shutdown hooks.
   */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pass();
      total += n;
      if (n < this.batchSize) break;
    }
    await this.drain();
    if (this.pipelineError) await this.pass(); // throws the failure and resets the cursor
    await this.saveUnsaved();
    return total;
  }

  status(): RelayStatus {
    return {
      running: this.running,
      position: this.position,
      eventsRead: this.eventsRead,
      messagesPublished: this.messagesPublished,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastPassAt: this.lastPassAt,
    };
  }

  private async run(): Promise<void> {
    while (this.running) {
      let full = false;
      try {
        full = (await this.pass()) >= this.batchSize;
      } catch (error) {
        const delay = Math.min(this.maxBackoffMs, this.pollIntervalMs * 2 ** Math.min(this.consecutiveFailures, 20));
        this.logger.error(
          { relay: this.name, position: this.position, failures: this.consecutiveFailures, retryInMs: delay, err: error },
          'relay pass failed: retrying',
        );
        await this.idle(delay, false);
        continue;
      }
      if (!full) await this.idle(this.pollIntervalMs, true);
      // a full batch goes on at once, but after a turn of the event loop: an embedded store's reads
      // resolve at once, and a replay of a large store must not hold up requests and timers (issue 15)
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Waits `ms`, or less if woken by stop() (always) or notify() (when `wakeOnNotify`). */
  private idle(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (wakeOnNotify && this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (!this.running || wakeOnNotify) done();
      };
    });
  }

  private pass(): Promise<number> {
    const next = this.passing.then(() => this.relayBatch());
    this.passing = next.catch(() => undefined);
    return next;
  }

  /** Waits until the batches in flight were consumed and their checkpoints saved (or one failed). */
  private async drain(): Promise<void> {
    await this.saving;
    this.inFlight = [];
  }

  private async relayBatch(): Promise<number> {
    try {
      // A pass goes on from the checkpoint this relay saved or read last (the first pass reads it).
      // When a pass this process did not ask for (the poll, retries, runOnce: not woken by notify()
      // after an append here) finds events, it reads the stored checkpoint before publishing them:
      // another replica may have published them already (harmless, consumers dedupe, but twice the
      // work). An idle poll is then one read of the store, not two.
      const woken = this.notified && this.saved !== undefined;
      this.notified = false;
      if (this.pipelineError || (this.replay && this.inFlight.length > 0)) {
        await this.drain();
        this.cursor = undefined;
        const failed = this.pipelineError;
        this.pipelineError = undefined;
        if (failed) throw failed.error;
      }
      if (this.maxInFlight > 1 && !this.replay) return await this.relayPipelined();
      this.cursor = undefined; // a pipelined pass after this one starts from the checkpoint saved here
      const known = this.saved;
      let checkpoint = known ? known.position : await this.options.checkpoints.get(this.name);
      this.saved = { position: checkpoint };
      const replay = this.replay;
      // published since the last save (saved later: always beyond it): go on from there
      const reached = this.unsaved ?? checkpoint;
      const after = replay ? replay.after : (reached ?? 0);
      this.position = replay ? after : reached;
      let events = await this.options.events.readAll({ afterPosition: after, maxCount: this.batchSize });
      if (events.length > 0 && known && !woken && !replay) {
        const stored = await this.options.checkpoints.get(this.name);
        if (stored !== checkpoint) {
          checkpoint = stored;
          this.saved = { position: stored };
          this.unsaved = undefined;
          this.position = stored;
          events = await this.options.events.readAll({ afterPosition: stored ?? 0, maxCount: this.batchSize });
        }
      }
      if (events.length === 0) {
        if (replay) this.endReplay(replay);
        if (Date.now() - this.savedAt >= this.checkpointEveryMs) await this.saveUnsaved();
        this.succeeded();
        return 0;
      }
      const spans: Span[] = [];
      let byTopic: Map<string, OutgoingMessage[]>;
      try {
        byTopic = await this.routeAll(events, spans);
        // each topic's messages in store order; topics are independent of one another
        await Promise.all([...byTopic].map(([topic, messages]) => this.options.bus.publish(topic, messages)));
      } catch (error) {
        for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        for (const span of spans) span.end();
      }
      const last = events[events.length - 1].globalPosition;
      if (last > (checkpoint ?? 0)) {
        this.unsaved = last;
        if (events.length >= this.batchSize || Date.now() - this.savedAt >= this.checkpointEveryMs) await this.saveUnsaved();
      }
      this.position = last;
      if (replay) {
        replay.after = last;
        if (last >= (checkpoint ?? 0)) this.endReplay(replay);
      }
      this.eventsRead += events.length;
      for (const messages of byTopic.values()) this.messagesPublished += messages.length;
      this.logger.debug({ relay: this.name, events: events.length, position: last }, 'relayed');
      this.succeeded();
      return events.length;
    } catch (error) {
      this.consecutiveFailures++;
      this.lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** Saves what was published since the last save (one batch at a time). */
  private async saveUnsaved(): Promise<void> {
    const position = this.unsaved;
    if (position === undefined) return;
    await this.options.checkpoints.set(this.name, position);
    if (this.unsaved === position) this.unsaved = undefined;
    this.saved = { position };
    this.savedAt = Date.now();
  }

  /**
   * The batch's messages by topic, in store order (an event the mapper cannot map is parked when
   * `onUnmappable` takes it, else the batch fails); each routed event's span is pushed to `spans`.
   */
  private async routeAll(events: readonly StoredEvent[], spans: Span[]): Promise<Map<string, OutgoingMessage[]>> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const event of events) {
      let routed: { topic: string; message: OutgoingMessage; span: Span } | null;
      try {
        routed = await this.route(event);
      } catch (error) {
        const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
        if (this.options.onUnmappable && (await this.options.onUnmappable(event, cause))) continue;
        throw error;
      }
      if (!routed) continue;
      spans.push(routed.span);
      const list = byTopic.get(routed.topic) ?? [];
      list.push(routed.message);
      byTopic.set(routed.topic, list);
    }
    return byTopic;
  }

  /**
   * One batch, pipelined: read after the cursor, publish without waiting for the consumers, and
   * queue the checkpoint save behind the saves of the batches before it (see the header).
   */
  private async relayPipelined(): Promise<number> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
    if (this.pipelineError) return 0; // the next pass drains, throws and reads from the checkpoint
    if (this.cursor === undefined) {
      const checkpoint = await this.options.checkpoints.get(this.name);
      this.saved = { position: checkpoint };
      this.cursor = checkpoint ?? 0;
      this.position = this.cursor;
    }
    const events = await this.options.events.readAll({ afterPosition: this.cursor, maxCount: this.batchSize });
    if (events.length === 0) {
      this.succeeded();
      return 0;
    }
    const spans: Span[] = [];
    let byTopic: Map<string, OutgoingMessage[]>;
    try {
      byTopic = await this.routeAll(events, spans);
    } catch (error) {
      for (const span of spans) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      }
      throw error;
    }
    // published in store order now (the bus takes them synchronously); consumed later
    const published = Promise.all([...byTopic].map(([topic, messages]) => this.options.bus.publish(topic, messages)));
    published.catch(() => undefined); // awaited (and its failure handled) by the save below, in batch order
    // the save below keeps only the count and the last position: the batch's events, held until
    // its checkpoint is saved behind the batches before it, outlived the young generation and were
    // promoted, and a replay then ran a full collection every ~200 ms (issue 15)
    const count = events.length;
    const last = events[count - 1].globalPosition;
    this.cursor = last;
    this.eventsRead += count;
    for (const messages of byTopic.values()) this.messagesPublished += messages.length;
    const save = this.saving.then(async () => {
      try {
        await published;
        if (this.pipelineError) return; // an earlier batch failed: its checkpoint must not be passed
        if (last > (this.position ?? 0)) {
          await this.options.checkpoints.set(this.name, last);
          this.saved = { position: last };
        }
        this.position = last;
        this.logger.debug({ relay: this.name, events: count, position: last }, 'relayed');
      } catch (error) {
        for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        this.pipelineError ??= { error };
        this.wake?.();
      } finally {
        for (const span of spans) span.end();
      }
    });
    this.saving = save;
    this.inFlight.push(save);
    this.succeeded();
    return events.length;
  }

  private endReplay(replay: NonNullable<Relay['replay']>): void {
    if (this.replay !== replay) return;
    this.replay = undefined;
    this.logger.info({ relay: this.name, position: replay.after }, 'replay caught up');
    replay.caughtUp();
  }

  private async route(event: StoredEvent): Promise<{ topic: string; message: OutgoingMessage; span: Span } | null> {
    let route: RelayRoute | null;
    try {
      route = await this.options.map(event);
    } catch (error) {
      throw new Error(`relay ${this.name}: cannot map event ${event.id} (${event.type}) at position ${event.globalPosition}`, { cause: error });
    }
    if (!route) return null;
    return { topic: route.topic, ...this.traced(event, route) };
  }

  /**
   * The publication as a PRODUCER span, child of the span that appended the event (its stored
   * `traceparent`; else the one the mapper put on the CloudEvent), and the message carrying the
   * producer span's `traceparent`: the consumer's span continues the same trace. The span ends
   * when the batch is published (or failed).
   */
  private traced(event: StoredEvent, route: RelayRoute): { message: OutgoingMessage; span: Span } {
    const parent = contextFromTraceparent(event.traceparent ?? route.event.extensions?.traceparent);
    const span = fengqiaoTracer().startSpan(
      `${route.topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': route.topic,
          'messaging.message.id': route.event.id,
          'messaging.kafka.message.key': route.key,
          'fengqiao.relay': this.name,
          'fengqiao.event.type': event.type,
          'fengqiao.event.position': event.globalPosition,
        },
      },
      parent,
    );
    const traceparent = traceparentOf(span.spanContext());
    const ce = traceparent ? { ...route.event, extensions: { ...route.event.extensions, traceparent } } : route.event;
    return { message: toCloudEventMessage(ce, route.key), span };
  }

  private succeeded(): void {
    this.consecutiveFailures = 0;
    this.lastError = undefined;
    this.lastPassAt = new Date().toISOString();
  }
}
