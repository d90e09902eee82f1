import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { CloudEvent, Kafka as CEKafka, type KafkaMessage } from 'cloudevents';
import { SqliteEventStore, type StoredEvent } from '@fengqiao/event-store';
import { contractEvent } from '@fengqiao/event-store/testing';
import { newId } from '@fengqiao/kernel';
import { eventually, uniqueName } from '@fengqiao/testing';
import { InProcessBus } from '../adapters/in-process/in-process-bus';
import type { Bus, DeliveredMessage, OutgoingMessage } from '../bus.port';
import { cloudEventFromStored, fromCloudEventMessage } from '../cloudevents';
import { InMemoryRelayCheckpointStore, type RelayCheckpointStore } from './relay-checkpoint.store';
import { SqliteRelayCheckpointStore } from './sqlite-relay-checkpoint.store';
import { Relay, type RelayMapper, type RelayOptions } from './relay';

const silent = pino({ level: 'silent' });

/** Streams `case-<id>` publish to `topic` keyed by the case id; `Internal*` events stay private. */
const mapperFor =
  (topic: string): RelayMapper =>
  (e: StoredEvent) => {
    if (e.type.startsWith('Internal')) return null;
    const caseId = e.streamId.replace(/^case-/, '');
    return { topic, key: caseId, event: cloudEventFromStored(e, { source: '/fengqiao/test', subject: caseId }) };
  };

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** A checkpoint store that counts its reads. */
function countingCheckpoints(): { durable: InMemoryRelayCheckpointStore; counted: RelayCheckpointStore; reads: () => number } {
  const durable = new InMemoryRelayCheckpointStore();
  let reads = 0;
  const counted: RelayCheckpointStore = {
    get: (name) => {
      reads++;
      return durable.get(name);
    },
    set: (name, position) => durable.set(name, position),
  };
  return { durable, counted, reads: () => reads };
}

describe('Relay: event store → bus, from a checkpoint', () => {
  let dir: string;
  let store: SqliteEventStore;
  let bus: InProcessBus;
  let topic: string;
  let received: DeliveredMessage[];
  const relays: Relay[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-relay-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    bus = new InProcessBus({ logger: silent });
    topic = uniqueName('test.case.events.v1');
    received = [];
    await bus.subscribe({ groupId: uniqueName('test.reader'), topics: [topic], handler: async (m) => void received.push(m) });
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function relay(
    options: {
      checkpoints?: RelayCheckpointStore;
      bus?: Pick<Bus, 'publish'>;
      pollIntervalMs?: number;
      batchSize?: number;
      map?: RelayMapper;
      name?: string;
      onUnmappable?: RelayOptions['onUnmappable'];
      maxInFlightBatches?: number;
      /** default here 0: every batch saved (the throttle has its own test) */
      checkpointEveryMs?: number;
    } = {},
  ) {
    const r = new Relay({
      name: options.name ?? 'test.relay',
      events: store,
      bus: options.bus ?? bus,
      checkpoints: options.checkpoints ?? new InMemoryRelayCheckpointStore(),
      map: options.map ?? mapperFor(topic),
      onUnmappable: options.onUnmappable,
      pollIntervalMs: options.pollIntervalMs ?? 60_000,
      batchSize: options.batchSize,
      maxBackoffMs: 50,
      maxInFlightBatches: options.maxInFlightBatches,
      checkpointEveryMs: options.checkpointEveryMs ?? 0,
      logger: silent,
    });
    relays.push(r);
    return r;
  }

  async function appendCase(caseId: string, types: string[]): Promise<StoredEvent[]> {
    const streamId = `case-${caseId}`;
    await store.append(
      streamId,
      types.map((type, i) => contractEvent({ type, data: { caseId, step: i } })),
      { expectedRevision: 'any' },
    );
    return (await store.readStream(streamId)).slice(-types.length);
  }

  const ids = () => received.map((m) => m.headers.ce_id);

  it("sends the trace context stored with each event (a relay started later has only the store), else the mapper's", async () => {
    const stored = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await store.append('case-t', [contractEvent({ type: 'CaseReported', data: { caseId: 't' }, traceparent: stored })], { expectedRevision: 'no_stream' });
    await store.append('case-u', [contractEvent({ type: 'CaseReported', data: { caseId: 'u' } })], { expectedRevision: 'no_stream' });
    const fromMapper = '00-11111111111111111111111111111111-2222222222222222-01';
    const map: RelayMapper = (e) => {
      const routed = mapperFor(topic)(e) as { topic: string; key: string; event: { extensions?: Record<string, string> } };
      return {
        ...routed,
        event: { ...routed.event, extensions: { ...routed.event.extensions, traceparent: fromMapper } },
      } as unknown as ReturnType<RelayMapper>;
    };
    expect(await relay({ map }).runOnce()).toBe(2);
    await eventually(() => (received.length >= 2 ? true : undefined), { what: 'two messages' });
    // no tracer provider in this process: the producer span is the stored context itself (with one, its child)
    expect(received.find((m) => m.key === 't')?.headers.ce_traceparent).toBe(stored);
    expect(received.find((m) => m.key === 'u')?.headers.ce_traceparent).toBe(fromMapper);
  });

  it('publishes every public event as a CloudEvent keyed by case, in order, and saves the last position', async () => {
    const a = await appendCase('a', ['CaseReported', 'InternalNote', 'CaseFiled']);
    const b = await appendCase('b', ['CaseReported']);
    const a2 = await appendCase('a', ['CaseDispatched', 'InternalNote']);
    const checkpoints = new InMemoryRelayCheckpointStore();
    const r = relay({ checkpoints, batchSize: 2 });

    expect(await r.runOnce()).toBe(6);
    await eventually(() => (received.length >= 4 ? true : undefined), { what: 'four messages' });

    const aEvents = [...a, ...a2].filter((e) => !e.type.startsWith('Internal'));
    expect(received.filter((m) => m.key === 'a').map((m) => m.headers.ce_id)).toEqual(aEvents.map((e) => e.id));
    expect(received.filter((m) => m.key === 'b').map((m) => m.headers.ce_id)).toEqual([b[0].id]);
    // the checkpoint passes the trailing private event too
    expect(await checkpoints.get('test.relay')).toBe(a2[1].globalPosition);

    const first = received.find((m) => m.headers.ce_id === a[0].id)!;
    const ce = fromCloudEventMessage(first);
    expect(ce).toMatchObject({
      id: a[0].id,
      type: 'CaseReported',
      source: '/fengqiao/test',
      subject: 'a',
      time: a[0].occurredAt,
      data: { caseId: 'a', step: 0 },
      extensions: { correlationid: a[0].correlationId, causationid: a[0].causationId, schemaversion: '1' },
    });
    const record: KafkaMessage<string> = { key: first.key, value: first.value, headers: { ...first.headers }, body: first.value };
    const sdk = CEKafka.toEvent(record) as CloudEvent<unknown>;
    expect(sdk.validate()).toBe(true);

    // a second run finds nothing new
    expect(await r.runOnce()).toBe(0);
    expect(received).toHaveLength(4);
  });

  it('rewind(): publishes the store again from its start, never moves the checkpoint back, and resolves once caught up', async () => {
    const a = await appendCase('a', ['CaseReported', 'CaseFiled', 'CaseDispatched']);
    const b = await appendCase('b', ['CaseReported', 'CaseFiled']);
    const checkpoints = new InMemoryRelayCheckpointStore();
    const r = relay({ checkpoints, batchSize: 2, pollIntervalMs: 20 });
    r.start();
    await eventually(() => (received.length === 5 ? true : undefined), { what: 'the first publication' });
    const saved = await checkpoints.get('test.relay');
    expect(saved).toBe(b[1].globalPosition);

    const moves: Array<number | undefined> = [];
    const set = checkpoints.set.bind(checkpoints);
    checkpoints.set = async (name: string, position: number) => {
      moves.push(position);
      return set(name, position);
    };
    await r.rewind();
    // every event again, in store order per case; the checkpoint was never written lower
    expect(received.filter((m) => m.key === 'a').map((m) => m.headers.ce_id)).toEqual([...a, ...a].map((e) => e.id));
    expect(received.filter((m) => m.key === 'b').map((m) => m.headers.ce_id)).toEqual([...b, ...b].map((e) => e.id));
    expect(moves.every((m) => (m ?? 0) > (saved ?? 0))).toBe(true);
    expect(await checkpoints.get('test.relay')).toBe(saved);
    // afterwards it goes on from the checkpoint: a new event once
    const [c] = await appendCase('c', ['CaseReported']);
    r.notify();
    await eventually(() => (ids().filter((id) => id === c.id).length === 1 ? true : undefined), { what: 'the new event' });
    expect(received).toHaveLength(11);
  });

  it('lets the event loop turn between full batches: a replay of a large embedded store does not hold up timers and requests', async () => {
    await appendCase(
      'big',
      Array.from({ length: 35 }, () => 'InternalNote'),
    );
    const r = relay({ batchSize: 10 });
    r.start();
    // node:sqlite reads resolve at once: without a turn between batches the whole store went
    // through in microtasks before this callback could run (issue 15: start-up blocked ~90 s)
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(r.status().eventsRead).toBeLessThan(35);
    await eventually(() => r.status().eventsRead === 35 || undefined);
  });

  it('wakes on notify() without waiting for the poll interval', async () => {
    const r = relay({ pollIntervalMs: 10 * 60_000 });
    r.start();
    await eventually(() => (r.status().lastPassAt ? true : undefined), { what: 'the first pass' });
    const [e] = await appendCase(newId(), ['CaseReported']);
    r.notify();
    await eventually(() => (ids().includes(e.id) ? true : undefined), { what: 'the notified event', timeoutMs: 5_000 });
  });

  it('a notified pass goes on from the checkpoint it saved, without reading it again (the poll reads it)', async () => {
    const { durable, counted, reads } = countingCheckpoints();
    const r = relay({ checkpoints: counted, pollIntervalMs: 10 * 60_000 });
    r.start();
    await eventually(() => (r.status().lastPassAt ? true : undefined), { what: 'the first pass' });
    expect(reads()).toBe(1);
    for (let i = 0; i < 3; i++) {
      const [e] = await appendCase(newId(), ['CaseReported']);
      r.notify();
      await eventually(() => (ids().includes(e.id) ? true : undefined), { what: 'the notified event', timeoutMs: 5_000 });
    }
    expect(reads()).toBe(1);
    expect(await durable.get('test.relay')).toBe(r.status().position);
  });

  it('an idle poll reads the store only; a poll that finds events reads the checkpoint first and takes over where another replica got to', async () => {
    const { durable, counted, reads } = countingCheckpoints();
    const r = relay({ checkpoints: counted });
    // runOnce() is a pass like the poll's (not woken by notify())
    for (let i = 0; i < 5; i++) expect(await r.runOnce()).toBe(0);
    expect(reads()).toBe(1);

    // another replica published the first two events and saved its checkpoint
    const published = await appendCase(newId(), ['CaseReported', 'CaseDispatched']);
    await durable.set('test.relay', published[1].globalPosition);
    const [third] = await appendCase(newId(), ['CaseReported']);
    expect(await r.runOnce()).toBe(1);
    expect(reads()).toBe(2);
    expect(ids()).toEqual([third.id]);
    expect(await durable.get('test.relay')).toBe(third.globalPosition);
  });

  it('saves the checkpoint after every full batch, otherwise at most once per checkpointEveryMs, and on stop()', async () => {
    const durable = new InMemoryRelayCheckpointStore();
    const saves: number[] = [];
    const recorded: RelayCheckpointStore = {
      get: (name) => durable.get(name),
      set: async (name, position) => {
        saves.push(position);
        await durable.set(name, position);
      },
    };
    const r = relay({ checkpoints: recorded, batchSize: 3, checkpointEveryMs: 60_000, pollIntervalMs: 10 * 60_000 });
    r.start();
    await eventually(() => (r.status().lastPassAt ? true : undefined), { what: 'the first pass' });
    // one event per notified pass, as after each command: the first saves, the next wait
    const one: StoredEvent[] = [];
    for (let i = 0; i < 3; i++) {
      const [e] = await appendCase(newId(), ['CaseReported']);
      one.push(e);
      r.notify();
      await eventually(() => (ids().includes(e.id) ? true : undefined), { what: 'the notified event', timeoutMs: 5_000 });
    }
    expect(saves).toEqual([one[0].globalPosition]);
    // a backlog: every full batch saved at once
    const many = await appendCase(newId(), ['CaseReported', 'CaseFiled', 'CaseDispatched', 'CaseHandled']);
    r.notify();
    await eventually(() => (ids().includes(many[3].id) ? true : undefined), { what: 'the backlog', timeoutMs: 5_000 });
    expect(saves).toEqual([one[0].globalPosition, many[2].globalPosition]);
    // each event went out once; stop() saves the rest
    expect(ids()).toHaveLength(7);
    await r.stop();
    expect(saves).toEqual([one[0].globalPosition, many[2].globalPosition, many[3].globalPosition]);
    // a restarted relay publishes nothing again
    received.length = 0;
    expect(await relay({ checkpoints: durable }).runOnce()).toBe(0);
    expect(received).toHaveLength(0);
  });

  it('polls: an event appended without notify() is published within the interval', async () => {
    const r = relay({ pollIntervalMs: 20 });
    r.start();
    const [e] = await appendCase(newId(), ['CaseReported']);
    await eventually(() => (ids().includes(e.id) ? true : undefined), { what: 'the polled event', timeoutMs: 5_000 });
  });

  it('re-publishes after a crash between the publish and the checkpoint save, and loses nothing', async () => {
    const durable = new InMemoryRelayCheckpointStore();
    let failNext = true;
    const crashingOnce: RelayCheckpointStore = {
      get: (name) => durable.get(name),
      set: async (name, position) => {
        if (failNext) {
          failNext = false;
          throw new Error('simulated crash before the checkpoint was saved');
        }
        await durable.set(name, position);
      },
    };
    const events = [...(await appendCase('x', ['CaseReported', 'CaseFiled'])), ...(await appendCase('y', ['CaseReported']))];
    // the process dies once its save failed: the relay is never used again
    await expect(relay({ checkpoints: crashingOnce }).runOnce()).rejects.toThrow('simulated crash');
    expect(await durable.get('test.relay')).toBeUndefined();
    // the restarted process reads the checkpoint, which never passed what was published
    const r = relay({ checkpoints: crashingOnce });
    expect(await r.runOnce()).toBe(3);
    expect(await durable.get('test.relay')).toBe(events[2].globalPosition);

    // published twice (before and after the "crash"), nothing missing, order per case kept
    for (const e of events) expect(ids().filter((id) => id === e.id)).toHaveLength(2);
    const x = received.filter((m) => m.key === 'x').map((m) => m.headers.ce_id);
    expect(x).toEqual([events[0].id, events[1].id, events[0].id, events[1].id]);
    expect(r.status().consecutiveFailures).toBe(0);

    // a new relay (a restarted process) resumes after the checkpoint: only new events go out
    received.length = 0;
    const [later] = await appendCase('x', ['CaseDispatched']);
    expect(await relay({ checkpoints: durable }).runOnce()).toBe(1);
    await eventually(() => (received.length >= 1 ? true : undefined), { what: 'the new event' });
    expect(ids()).toEqual([later.id]);
  });

  it('standalone: saves the checkpoint only after the in-process consumers handled the events, so a crash before loses nothing', async () => {
    const checkpoints = new SqliteRelayCheckpointStore({ path: join(dir, 'events.db') });
    const events = await appendCase('k', ['CaseReported', 'CaseFiled']);
    // process 1: its consumer is stuck in the first event when the process "dies"
    const bus1 = new InProcessBus({ logger: silent });
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let started = false;
    await bus1.subscribe({
      groupId: 'analytics.case-board',
      topics: [topic],
      handler: async () => {
        started = true;
        await stuck;
      },
    });
    const relay1 = relay({ checkpoints, bus: bus1 });
    const pass = relay1.runOnce().catch((e: unknown) => e);
    await eventually(() => (started ? true : undefined), { what: 'the consumer to start' });
    expect(await checkpoints.get('test.relay')).toBeUndefined();

    // process 2 starts from the same files: consumers first, then the relay
    const bus2 = new InProcessBus({ logger: silent });
    const handled: string[] = [];
    await bus2.subscribe({ groupId: 'analytics.case-board', topics: [topic], handler: async (m) => void handled.push(m.headers.ce_id) });
    expect(await relay({ checkpoints, bus: bus2 }).runOnce()).toBe(2);
    expect(handled).toEqual(events.map((e) => e.id));
    expect(await checkpoints.get('test.relay')).toBe(events[1].globalPosition);

    release(); // let process 1's leftovers wind down
    await pass;
    await bus1.close();
    await bus2.close();
    checkpoints.close();
  });

  it('pipelined: publishes an event appended while the batch before is still being consumed, and saves each checkpoint only once its batch and those before were consumed', async () => {
    const checkpoints = new InMemoryRelayCheckpointStore();
    const slowBus = new InProcessBus({ logger: silent });
    const held = gate();
    const slowHandled: string[] = [];
    const seen: string[] = [];
    await slowBus.subscribe({
      groupId: 'slow.reader',
      topics: [topic],
      handler: async (m) => {
        if (m.key === 'p1') await held.wait;
        slowHandled.push(m.headers.ce_id);
      },
    });
    await slowBus.subscribe({ groupId: 'quick.reader', topics: [topic], handler: async (m) => void seen.push(m.headers.ce_id) });
    const r = relay({ checkpoints, bus: slowBus, maxInFlightBatches: 4 });
    r.start();
    const [first] = await appendCase('p1', ['CaseReported']);
    r.notify();
    await eventually(() => (seen.includes(first.id) ? true : undefined), { what: 'the first batch published' });
    const [second] = await appendCase('p2', ['CaseReported']);
    r.notify();
    // one batch at a time, the second event would wait until the slow group handled the first
    await eventually(() => (seen.includes(second.id) ? true : undefined), { what: 'the second batch published while the first is held' });
    expect(await checkpoints.get('test.relay')).toBeUndefined();
    held.open();
    await eventually(async () => ((await checkpoints.get('test.relay')) === second.globalPosition ? true : undefined), { what: 'the last checkpoint' });
    expect(slowHandled).toEqual(expect.arrayContaining([first.id, second.id]));
    await r.stop();
    await slowBus.close();
  });

  it('pipelined: a batch waiting for its checkpoint save keeps none of its events alive (a replay held thousands, and they outlived the young generation)', async () => {
    // the events the relay read, watched without keeping them
    const read: WeakRef<StoredEvent>[] = [];
    const watched = {
      readAll: async (o: Parameters<SqliteEventStore['readAll']>[0]) => {
        const page = await store.readAll(o);
        for (const e of page) read.push(new WeakRef(e));
        return page;
      },
    } as unknown as SqliteEventStore;
    const held = gate();
    const saving: number[] = [];
    const checkpoints = new InMemoryRelayCheckpointStore();
    const slowSaves: RelayCheckpointStore = {
      get: (n) => checkpoints.get(n),
      set: async (n, p) => {
        saving.push(p);
        await held.wait;
        await checkpoints.set(n, p);
      },
    };
    const r = new Relay({
      name: 'test.relay',
      events: watched,
      bus,
      checkpoints: slowSaves,
      map: mapperFor(topic),
      pollIntervalMs: 60_000,
      batchSize: 2,
      maxInFlightBatches: 8,
      logger: silent,
    });
    relays.push(r);
    r.start();
    for (const caseId of ['w1', 'w2', 'w3']) {
      await appendCase(caseId, ['CaseReported', 'CaseFiled']);
      r.notify();
    }
    // three batches published; the first save is held, the two behind it wait their turn
    await eventually(() => (received.length === 6 && saving.length === 1 ? true : undefined), { what: 'three batches published, one save begun' });
    expect(read).toHaveLength(6);
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    expect(read.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    held.open();
    await eventually(async () => ((await checkpoints.get('test.relay')) === 6 ? true : undefined), { what: 'the last checkpoint' });
  });

  it('pipelined: a failed batch is never passed by the checkpoint of a later one; the relay publishes again from the saved checkpoint', async () => {
    const checkpoints = new InMemoryRelayCheckpointStore();
    const failFirst = gate();
    let calls = 0;
    const saved: number[] = [];
    const recording: RelayCheckpointStore = { get: (n) => checkpoints.get(n), set: async (n, p) => void (saved.push(p), await checkpoints.set(n, p)) };
    const flaky: Pick<Bus, 'publish'> = {
      publish: async (t, messages) => {
        await bus.publish(t, messages);
        if (++calls === 1) {
          await failFirst.wait;
          throw new Error('simulated: a consumer group lost its last member');
        }
      },
    };
    const r = relay({ checkpoints: recording, bus: flaky, maxInFlightBatches: 4, pollIntervalMs: 10 });
    r.start();
    const [a] = await appendCase('f1', ['CaseReported']);
    r.notify();
    await eventually(() => (calls >= 1 ? true : undefined), { what: 'the first publish' });
    const [b] = await appendCase('f2', ['CaseReported']);
    r.notify();
    await eventually(() => (calls >= 2 ? true : undefined), { what: 'the second publish, while the first is in flight' });
    expect(saved).toEqual([]); // the second batch, though consumed, waits for the first
    failFirst.open();
    await eventually(async () => ((await checkpoints.get('test.relay')) === b.globalPosition ? true : undefined), { what: 'the checkpoint after the retry' });
    await r.stop();
    // never a checkpoint at b before a's batch was published again and consumed
    expect(saved).toEqual([b.globalPosition]);
    expect(ids().filter((id) => id === a.id).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps its checkpoint in SQLite next to the events across a restart', async () => {
    const path = join(dir, 'events.db');
    const cp1 = new SqliteRelayCheckpointStore({ path });
    const first = await appendCase('s', ['CaseReported', 'CaseFiled']);
    await relay({ checkpoints: cp1 }).runOnce();
    cp1.close();

    const second = await appendCase('s', ['CaseDispatched']);
    const cp2 = new SqliteRelayCheckpointStore({ path });
    expect(await cp2.get('test.relay')).toBe(first[1].globalPosition);
    await relay({ checkpoints: cp2 }).runOnce();
    cp2.close();
    await eventually(() => (received.length >= 3 ? true : undefined), { what: 'three messages' });
    expect(ids()).toEqual([first[0].id, first[1].id, second[0].id]);
  });

  it('stalls rather than skip an event it cannot map, then goes on once it can', async () => {
    const checkpoints = new InMemoryRelayCheckpointStore();
    const events = await appendCase('m', ['CaseReported', 'CaseFiled', 'CaseDispatched']);
    let broken = true;
    const base = mapperFor(topic);
    const r = relay({
      checkpoints,
      pollIntervalMs: 10,
      map: (e) => {
        if (broken && e.type === 'CaseFiled') throw new Error('unknown schema');
        return base(e);
      },
    });
    r.start();
    await eventually(() => (r.status().consecutiveFailures >= 2 ? true : undefined), { what: 'repeated failures' });
    expect(r.status().lastError).toMatch(/cannot map event .* \(CaseFiled\)/);
    expect(await checkpoints.get('test.relay')).toBeUndefined();
    expect(received).toHaveLength(0); // the batch is all or nothing: the earlier event waits too
    broken = false;
    await eventually(async () => ((await checkpoints.get('test.relay')) === events[2].globalPosition ? true : undefined), { what: 'recovery' });
    await eventually(() => (received.length >= 3 ? true : undefined), { what: 'the three events' });
    expect(ids()).toEqual(events.map((e) => e.id));
  });

  it('goes on past an event it cannot map when the onUnmappable hook records it, and stalls when the hook declines', async () => {
    const checkpoints = new InMemoryRelayCheckpointStore();
    const events = await appendCase('p', ['CaseReported', 'CaseFiled', 'CaseDispatched']);
    const recorded: string[] = [];
    let accept = false;
    const base = mapperFor(topic);
    const r = relay({
      checkpoints,
      pollIntervalMs: 10,
      map: (e) => {
        if (e.type === 'CaseFiled') throw new Error('contract violation');
        return base(e);
      },
      onUnmappable: async (e, error) => {
        if (!accept) return false;
        recorded.push(`${e.id} ${(error as Error).message}`);
        return true;
      },
    });
    await expect(r.runOnce()).rejects.toThrow(/cannot map event/);
    expect(received).toHaveLength(0);
    accept = true;
    await r.runOnce();
    expect(recorded).toEqual([`${events[1].id} contract violation`]);
    await eventually(() => (received.length >= 2 ? true : undefined), { what: 'the two mappable events' });
    expect(ids()).toEqual([events[0].id, events[2].id]);
    expect(await checkpoints.get('test.relay')).toBe(events[2].globalPosition);
  });

  it('stop() waits for the batch in progress, which saves its checkpoint', async () => {
    const checkpoints = new InMemoryRelayCheckpointStore();
    const publishing = gate();
    let publishCalls = 0;
    const slowBus: Pick<Bus, 'publish'> = {
      publish: async (t: string, messages: readonly OutgoingMessage[]) => {
        publishCalls++;
        await publishing.wait;
        await bus.publish(t, messages);
      },
    };
    const [e] = await appendCase('st', ['CaseReported']);
    const r = relay({ checkpoints, bus: slowBus, pollIntervalMs: 10 });
    r.start();
    await eventually(() => (publishCalls === 1 ? true : undefined), { what: 'the publish to start' });
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    const early = await Promise.race([stopping.then(() => 'stopped'), new Promise((res) => setTimeout(res, 200, 'pending'))]);
    expect(early).toBe('pending');
    expect(stopped).toBe(false);
    publishing.open();
    await stopping;
    expect(await checkpoints.get('test.relay')).toBe(e.globalPosition);
    expect(publishCalls).toBe(1);
    expect(r.status().running).toBe(false);
  });
});
