import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Bus, DeliveredMessage, InProcessBus, MessageHandler, RunHandler, toCloudEventMessage } from '@fengqiao/bus';
import type { NewEvent } from '@fengqiao/event-store';
import { newId } from '@fengqiao/kernel';
import { IntegrationEvent, topics } from '@fengqiao/contracts';
import { eventually } from '@fengqiao/testing';
import { loadServiceConfig } from '../config/service-config';
import { metrics } from '../metrics/metrics';
import { openContextInfrastructure } from './context-infrastructure';
import { ContextRuntime, relayGateOf, toCloudEvent } from './context-runtime';

const fixture = JSON.parse(readFileSync(join(__dirname, '../../../contracts/src/__fixtures__/intake.case.filed.v1.json'), 'utf8')) as IntegrationEvent;
const silent = pino({ level: 'silent' });

/** The intake event these tests append: a case filed, published as the fixture's CloudEvent. */
const caseFiled = (caseId: string): NewEvent => ({
  id: newId(),
  type: 'CaseFiled',
  schemaVersion: 1,
  occurredAt: fixture.time,
  actor: { userId: 'u', role: 'operator', unitId: 'v-1' },
  correlationId: 'c',
  causationId: 'c',
  jurisdiction: ['d-1'],
  data: { caseId },
});

/** The runtime of one context in standalone mode, on its own files under `dataDir`. */
async function runtimeOn(dataDir: string, bus: Bus, handle: (e: IntegrationEvent) => Promise<void>): Promise<ContextRuntime> {
  const config = loadServiceConfig('grid-dispatch', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
  const infra = await openContextInfrastructure('grid-dispatch', config);
  return new ContextRuntime({ context: 'grid-dispatch', consumers: [{ purpose: 'probe', topics: [topics.intakeCase], handle: (e) => handle(e) }] }, infra, bus);
}

describe('ContextRuntime', () => {
  it('two replicas delivered the same message at the same time take it in once (claim-based inbox)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-runtime-'));
    const handled: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const handler = async (e: IntegrationEvent) => {
      handled.push(e.id);
      await slow; // still working when the second delivery arrives
    };
    const [busA, busB] = [new InProcessBus({ logger: silent, publishResolves: 'appended' }), new InProcessBus({ logger: silent, publishResolves: 'appended' })];
    const [a, b] = [await runtimeOn(dataDir, busA, handler), await runtimeOn(dataDir, busB, handler)];
    await a.start();
    await b.start();
    const message = toCloudEventMessage(toCloudEvent(fixture), fixture.subject);
    await busA.publish(topics.intakeCase, [message]);
    await busB.publish(topics.intakeCase, [message]);
    await eventually(() => (handled.length >= 1 ? true : undefined), { what: 'the first delivery' });
    await new Promise((r) => setTimeout(r, 200)); // give the second delivery its chance to (wrongly) run
    release();
    await eventually(async () => ((await a.health()).consumed && (await b.health()).consumed ? true : undefined), { what: 'health' });
    expect(handled).toEqual([fixture.id]);
    await a.stop();
    await b.stop();
  });

  it('passes over an event type a consumer does not act on without an inbox claim, and claims the ones it does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-runtime-'));
    const bus = new InProcessBus({ logger: silent, publishResolves: 'appended' });
    const config = loadServiceConfig('grid-dispatch', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const infra = await openContextInfrastructure('grid-dispatch', config);
    const handled: string[] = [];
    const consumer = (purpose: string, type: string) => ({
      purpose,
      topics: [topics.intakeCase],
      handles: (t: string) => t === type,
      handle: async (e: IntegrationEvent) => void handled.push(`${purpose}:${e.id}`),
    });
    const runtime = new ContextRuntime(
      { context: 'grid-dispatch', consumers: [consumer('other-types', 'cn.fengqiao.intake.case.reported.v1'), consumer('filed', fixture.type)] },
      infra,
      bus,
    );
    await runtime.start();
    try {
      await bus.publish(topics.intakeCase, [toCloudEventMessage(toCloudEvent(fixture), fixture.subject)]);
      await eventually(() => (handled.length >= 1 ? true : undefined), { what: 'the delivery' });
      expect(handled).toEqual([`filed:${fixture.id}`]);
      expect(await infra.inbox.seen('grid-dispatch.filed', fixture.id)).toBe(true);
      expect(await infra.inbox.seen('grid-dispatch.other-types', fixture.id)).toBe(false);
    } finally {
      await runtime.stop();
    }
  });

  it('takes no inbox claim for a consumer idempotent by itself: a redelivery reaches it again, while a claimed consumer sees the message once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-runtime-'));
    const bus = new InProcessBus({ logger: silent, publishResolves: 'appended' });
    const config = loadServiceConfig('grid-dispatch', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const infra = await openContextInfrastructure('grid-dispatch', config);
    const handled: string[] = [];
    const consumer = (purpose: string, idempotent: boolean) => ({
      purpose,
      topics: [topics.intakeCase],
      idempotent,
      handle: async (e: IntegrationEvent) => void handled.push(`${purpose}:${e.id}`),
    });
    const runtime = new ContextRuntime({ context: 'grid-dispatch', consumers: [consumer('guarded', true), consumer('claimed', false)] }, infra, bus);
    await runtime.start();
    try {
      const message = toCloudEventMessage(toCloudEvent(fixture), fixture.subject);
      await bus.publish(topics.intakeCase, [message]);
      await bus.publish(topics.intakeCase, [message]); // the same message again, as a redelivery
      await eventually(() => (handled.filter((h) => h.startsWith('guarded:')).length === 2 ? true : undefined), { what: 'both deliveries' });
      await eventually(async () => ((await infra.inbox.seen('grid-dispatch.claimed', fixture.id)) ? true : undefined), { what: 'the claim' });
      await new Promise((r) => setTimeout(r, 200)); // give the claimed consumer's second delivery its chance to (wrongly) run
      expect(handled.filter((h) => h.startsWith('claimed:'))).toEqual([`claimed:${fixture.id}`]);
      expect(await infra.inbox.seen('grid-dispatch.guarded', fixture.id)).toBe(false);
    } finally {
      await runtime.stop();
    }
  });

  it('hands an idempotent consumer with handleRun a key’s messages together, as one run; anything doubtful goes back one by one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-runtime-'));
    const bus = new InProcessBus({ logger: silent, publishResolves: 'appended' });
    const runHandlers = new Map<string, RunHandler | undefined>();
    const handlers = new Map<string, MessageHandler>();
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (options) => {
      runHandlers.set(options.groupId, options.runHandler);
      handlers.set(options.groupId, options.handler);
      return subscribe(options);
    };
    const config = loadServiceConfig('grid-dispatch', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const infra = await openContextInfrastructure('grid-dispatch', config);
    const runs: string[][] = [];
    let failRun = false;
    const consumer = (purpose: string, idempotent: boolean) => ({
      purpose,
      topics: [topics.intakeCase],
      idempotent,
      handles: (type: string) => type === fixture.type,
      handle: async () => undefined,
      handleRun: async (events: readonly IntegrationEvent[]) => {
        if (failRun) throw new Error('lost a race');
        runs.push(events.map((e) => e.id));
      },
    });
    const runtime = new ContextRuntime({ context: 'grid-dispatch', consumers: [consumer('runs', true), consumer('claimed', false)] }, infra, bus);
    await runtime.start();
    try {
      // a consumer that claims each message in the inbox is never handed a run
      expect(runHandlers.get('grid-dispatch.claimed')).toBeUndefined();
      const run = runHandlers.get('grid-dispatch.runs')!;
      const delivered = (event: IntegrationEvent, offset: number, value?: string): DeliveredMessage => {
        const m = toCloudEventMessage(toCloudEvent(event), event.subject);
        return {
          topic: topics.intakeCase,
          partition: 0,
          offset: String(offset),
          key: m.key,
          value: value ?? m.value,
          headers: m.headers ?? {},
          timestamp: '0',
          groupId: 'grid-dispatch.runs',
          attempt: 1,
        };
      };
      const [a, b] = [
        { ...fixture, id: newId() },
        { ...fixture, id: newId() },
      ];
      const reported = JSON.parse(
        readFileSync(join(__dirname, '../../../contracts/src/__fixtures__/intake.case.reported.v1.json'), 'utf8'),
      ) as IntegrationEvent;
      const other = { ...reported, id: newId(), subject: fixture.subject };
      const counted = async (outcome: string) =>
        (await metrics.consumed.get()).values.find((v) => v.labels.group === 'grid-dispatch.runs' && v.labels.outcome === outcome)?.value ?? 0;
      expect(await run([delivered(a, 1), delivered(other, 2), delivered(b, 3)])).toBe(true);
      expect(runs).toEqual([[a.id, b.id]]); // in order, without the type it does not handle
      expect(await infra.inbox.seen('grid-dispatch.runs', a.id)).toBe(false);
      expect([await counted('handled'), await counted('ignored')]).toEqual([2, 1]);

      // a type it does not handle is ignored unread (its ce_type header says so): broken data too,
      // in a run and one by one; the same broken data of a type it handles is not ignored
      expect(await run([delivered(a, 8), delivered(other, 9, '{not json')])).toBe(true);
      expect(runs).toEqual([[a.id, b.id], [a.id]]);
      expect(await counted('ignored')).toBe(2);
      const claimed = handlers.get('grid-dispatch.claimed')!;
      await claimed({ ...delivered(other, 10, '{not json'), groupId: 'grid-dispatch.claimed' });
      await expect(claimed({ ...delivered(b, 11, '{not json'), groupId: 'grid-dispatch.claimed' })).rejects.toThrow(/not valid JSON/);
      runs.length = 1;

      // a message that does not decode: nothing runs, the bus delivers them one by one (that one is dead-lettered there)
      expect(await run([delivered(a, 4), delivered(b, 5, '{not json')])).toBe(false);
      // the run fails: the bus delivers them one by one
      failRun = true;
      await expect(run([delivered(a, 6), delivered(b, 7)])).rejects.toThrow('lost a race');
      expect(runs).toEqual([[a.id, b.id]]);
    } finally {
      await runtime.stop();
    }
  });

  it('keeps its relay checkpoint across a restart in standalone mode: nothing is published twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-relay-'));
    const config = loadServiceConfig('intake', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const seen: DeliveredMessage[] = [];
    const run = async () => {
      const bus = new InProcessBus({ logger: silent });
      await bus.subscribe({ groupId: 'probe', topics: [topics.intakeCase], handler: async (m) => void seen.push(m) });
      const infra = await openContextInfrastructure('intake', config);
      const runtime = new ContextRuntime(
        { context: 'intake', publish: (stored) => ({ ...fixture, id: stored.id, subject: String(stored.data.caseId) }) },
        infra,
        bus,
      );
      await runtime.start();
      return { runtime, infra, bus };
    };
    const first = await run();
    const append = (caseId: string) => first.infra.events.append(`case-${caseId}`, [caseFiled(caseId)], { expectedRevision: 'no_stream' });
    await append('a');
    await append('b');
    first.runtime.published();
    await eventually(() => (seen.length === 2 ? true : undefined), { what: 'two published' });
    await first.runtime.stop();
    await first.bus.close();

    const second = await run();
    await second.infra.events.append(`case-c`, [caseFiled('c')], { expectedRevision: 'no_stream' });
    second.runtime.published();
    await eventually(() => (seen.length >= 3 ? true : undefined), { what: 'the new event' });
    expect(seen.map((m) => m.key)).toEqual(['a', 'b', 'c']);
    await second.runtime.stop();
    await second.bus.close();
  });

  it('holds a relay back until every context on the bus has subscribed', () => {
    const bus = new InProcessBus({ logger: silent });
    const gate = relayGateOf(bus);
    gate.register('intake');
    gate.register('mediation');
    const started: string[] = [];
    gate.arrive('intake', () => started.push('intake'));
    expect(started).toEqual([]);
    gate.arrive('mediation', () => started.push('mediation'));
    expect(started).toEqual(['intake', 'mediation']);
    // after a restart on the same bus, a context must arrive again
    gate.leave('intake');
    gate.arrive('mediation', () => started.push('mediation again'));
    expect(started).toHaveLength(2);
    gate.arrive('intake', () => started.push('intake again'));
    expect(started).toEqual(['intake', 'mediation', 'mediation again', 'intake again']);
  });

  it('counts the relay lag on /metrics without reading the events it counts (SQLite: countAfter)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-relay-lag-'));
    const config = loadServiceConfig('intake', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const bus = new InProcessBus({ logger: silent });
    relayGateOf(bus).register('mediation'); // a context that never arrives: the relay is held back
    const infra = await openContextInfrastructure('intake', config);
    const reads: number[] = [];
    const readAll = infra.events.readAll.bind(infra.events);
    infra.events.readAll = (options) => {
      reads.push(options?.maxCount ?? -1);
      return readAll(options);
    };
    const runtime = new ContextRuntime(
      { context: 'intake', publish: (stored) => ({ ...fixture, id: stored.id, subject: String(stored.data.caseId) }) },
      infra,
      bus,
    );
    await runtime.start();
    try {
      for (const caseId of ['a', 'b', 'c']) {
        await infra.events.append(`case-${caseId}`, [caseFiled(caseId)], { expectedRevision: 'no_stream' });
      }
      const lag = await metrics.registry.getSingleMetric('fengqiao_relay_lag_events')?.get();
      expect(lag?.values.find((v) => v.labels.context === 'intake')?.value).toBe(3);
      expect(reads).toEqual([]); // neither the held relay nor the gauge read an event
    } finally {
      await runtime.stop();
      await bus.close();
    }
  });
});
