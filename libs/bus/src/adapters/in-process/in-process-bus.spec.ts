import pino from 'pino';
import { eventually, uniqueName } from '@fengqiao/testing';
import type { OutgoingMessage } from '../../bus.port';
import { InProcessBus, partitionOfKey } from './in-process-bus';

const silent = pino({ level: 'silent' });
const msgs = (n: number, key = (i: number) => `case-${i % 7}`): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: key(i), value: JSON.stringify({ i }) }));

describe('InProcessBus (specific to the in-memory adapter)', () => {
  let bus: InProcessBus;
  beforeEach(() => {
    bus = new InProcessBus({ logger: silent, maxRetainedWithoutGroups: 10 });
  });
  afterEach(() => bus.close());

  it('spreads keys over the partitions with a stable hash', () => {
    expect(partitionOfKey('case-1', 3)).toBe(partitionOfKey('case-1', 3));
    const used = new Set(Array.from({ length: 50 }, (_, i) => partitionOfKey(`case-${i}`, 3)));
    expect(used).toEqual(new Set([0, 1, 2]));
    for (let i = 0; i < 50; i++) expect(partitionOfKey(`案件-${i}`, 8)).toBeLessThan(8);
  });

  it('frees messages once every group that subscribed has committed past them', async () => {
    const topic = uniqueName('mem.case.events.v1');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let fast = 0;
    let slow = 0;
    await bus.subscribe({ groupId: 'fast', topics: [topic], handler: async () => void fast++ });
    await bus.subscribe({
      groupId: 'slow',
      topics: [topic],
      handler: async () => {
        await held;
        slow++;
      },
    });
    let published = false;
    const publishing = bus.publish(topic, msgs(100)).then(() => (published = true));
    await eventually(() => (fast === 100 ? true : undefined), { what: 'the fast group' });
    expect(published).toBe(false); // the slow group has not consumed them yet
    // the slow group still needs them: nothing is dropped
    expect(bus.stats()[topic].retained).toBeGreaterThan(90);
    release();
    await eventually(() => (slow === 100 ? true : undefined), { what: 'the slow group' });
    await publishing;
    expect(bus.stats()[topic].retained).toBe(0);
    const { groups, partitions } = bus.stats()[topic];
    expect(groups.fast).toEqual(partitions.map((p) => p.end));
    expect(groups.slow).toEqual(partitions.map((p) => p.end));
  });

  it('keeps only the newest messages of a topic nobody subscribed to (a dead-letter topic nobody reads)', async () => {
    const topic = uniqueName('mem.case.events.v1.dlq');
    await bus.publish(
      topic,
      msgs(40, () => 'one-key'),
    );
    expect(bus.stats()[topic].retained).toBe(10);
    const got: number[] = [];
    await bus.subscribe({ groupId: 'late', topics: [topic], handler: async (m) => void got.push((JSON.parse(m.value) as { i: number }).i) });
    await eventually(() => (got.length === 10 ? true : undefined), { what: 'the retained messages' });
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
  });

  describe('publish resolves once the messages are consumed (standalone durability)', () => {
    it('resolves after every subscribed group handled them, not before', async () => {
      const topic = uniqueName('mem.case.events.v1');
      const log: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await bus.subscribe({ groupId: 'a', topics: [topic], handler: async () => void log.push('a handled') });
      await bus.subscribe({
        groupId: 'b',
        topics: [topic],
        handler: async () => {
          await held;
          log.push('b handled');
        },
      });
      const publishing = bus.publish(topic, msgs(1)).then(() => log.push('publish resolved'));
      await eventually(() => (log.includes('a handled') ? true : undefined), { what: 'group a' });
      expect(log).toEqual(['a handled']);
      release();
      await publishing;
      expect(log).toEqual(['a handled', 'b handled', 'publish resolved']);
    });

    it('counts a dead-lettered message as consumed', async () => {
      const topic = uniqueName('mem.case.events.v1');
      let calls = 0;
      await bus.subscribe({
        groupId: 'p',
        topics: [topic],
        retry: { maxAttempts: 2, initialDelayMs: 1 },
        handler: async () => {
          calls++;
          throw new Error('poison');
        },
      });
      await bus.publish(topic, msgs(1));
      expect(calls).toBe(2);
    });

    it('does not wait inside a handler (it could wait on its own partition)', async () => {
      const topic = uniqueName('mem.case.events.v1');
      const seen: string[] = [];
      await bus.subscribe({
        groupId: 'self',
        topics: [topic],
        handler: async (m) => {
          seen.push(m.value);
          if (m.value === '"first"') await bus.publish(topic, [{ key: m.key, value: '"second"' }]);
        },
      });
      await bus.publish(topic, [{ key: 'k', value: '"first"' }]);
      await eventually(() => (seen.length === 2 ? true : undefined), { what: 'the second message' });
      expect(seen).toEqual(['"first"', '"second"']);
    });

    it('rejects when the group loses its last member before consuming', async () => {
      const topic = uniqueName('mem.case.events.v1');
      let started = false;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const sub = await bus.subscribe({
        groupId: 'gone',
        topics: [topic],
        handler: async () => {
          started = true;
          await held;
        },
      });
      const publishing = bus
        .publish(
          topic,
          msgs(2, () => 'k'),
        )
        .catch((e: unknown) => e);
      await eventually(() => (started ? true : undefined), { what: 'the handler' });
      const closing = sub.close(); // waits for the handler in hand; the publisher is told at once
      expect(await publishing).toEqual(expect.objectContaining({ message: expect.stringMatching(/no member left/) }));
      release();
      await closing;
    });

    it('resolves at once for a topic no group subscribed to, and in mode appended', async () => {
      await bus.publish(uniqueName('mem.nobody'), msgs(3));
      const appended = new InProcessBus({ logger: silent, publishResolves: 'appended' });
      const topic = uniqueName('mem.case.events.v1');
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await appended.subscribe({ groupId: 'held', topics: [topic], handler: () => held });
      await appended.publish(topic, msgs(3));
      expect(appended.stats()[topic].retained).toBe(3);
      release();
      await appended.close();
    });
  });

  it('refuses to publish or subscribe once closed', async () => {
    await bus.close();
    await expect(bus.publish('t', msgs(1))).rejects.toThrow(/closed/);
    await expect(bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => undefined })).rejects.toThrow(/closed/);
  });
});
