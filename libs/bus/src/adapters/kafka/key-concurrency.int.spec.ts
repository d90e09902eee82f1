/**
 * One partition, several keys: the keys of a batch are handled at the same time (each key's
 * messages in order), so a slow case does not hold up the cases behind it in its partition; and the
 * committed offset never passes a message that was not handled, whatever other keys finished.
 * Against a real broker, on topics of one partition (every key shares it).
 */
import pino from 'pino';
import { describeIntegration, eventually, uniqueKafkaName } from '@fengqiao/testing';
import type { DeliveredMessage } from '../../bus.port';
import { KafkaBus } from './kafka-bus';

describeIntegration('KafkaBus: keys of one partition at the same time', ['kafka'], (env) => {
  let bus: KafkaBus;

  beforeEach(() => {
    bus = new KafkaBus({
      brokers: env().kafkaBrokers,
      clientId: uniqueKafkaName('keys'),
      logger: pino({ level: 'silent' }),
      maxWaitTimeInMs: 200,
      partitions: 1,
    });
  });
  afterEach(async () => {
    await bus.close();
  });

  it('handles another key while one key waits, and keeps each key in order', async () => {
    const topic = uniqueKafkaName('keys.lanes.events.v1');
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const handled: string[] = [];
    const value = (key: string, seq: number) => JSON.stringify({ key, seq });
    await bus.ensureTopics([topic]);
    // published first, so that one batch holds them all
    await bus.publish(topic, [
      { key: 'slow', value: value('slow', 0) },
      { key: 'fast', value: value('fast', 0) },
      { key: 'slow', value: value('slow', 1) },
      { key: 'fast', value: value('fast', 1) },
    ]);
    await bus.subscribe({
      groupId: uniqueKafkaName('keys.lanes'),
      topics: [topic],
      handler: async (m: DeliveredMessage) => {
        const { key, seq } = JSON.parse(m.value) as { key: string; seq: number };
        // the slow key's first message waits until the fast key's messages were handled: one
        // message after the other, it would wait forever
        if (key === 'slow' && seq === 0) await slowGate;
        handled.push(`${key}#${seq}`);
        if (handled.includes('fast#1')) releaseSlow();
      },
    });
    await eventually(() => (handled.length === 4 ? true : undefined), { what: 'every message', timeoutMs: 30_000 });
    expect(handled.filter((h) => h.startsWith('fast'))).toEqual(['fast#0', 'fast#1']);
    expect(handled.filter((h) => h.startsWith('slow'))).toEqual(['slow#0', 'slow#1']);
    expect(handled.indexOf('fast#1')).toBeLessThan(handled.indexOf('slow#0'));
  }, 60_000);

  it('commits no further than the first message not handled: a member after it gets that message again', async () => {
    const topic = uniqueKafkaName('keys.prefix.events.v1');
    const groupId = uniqueKafkaName('keys.prefix');
    await bus.ensureTopics([topic]);
    await bus.publish(topic, [
      { key: 'stuck', value: 'stuck#0' },
      { key: 'other', value: 'other#0' },
    ]);
    const first: string[] = [];
    let failures = 0;
    const sub = await bus.subscribe({
      groupId,
      topics: [topic],
      retry: { maxAttempts: 5, initialDelayMs: 60_000 },
      handler: async (m) => {
        if (m.value === 'stuck#0') {
          failures++;
          throw new Error('down');
        }
        first.push(m.value);
      },
    });
    await eventually(() => (failures === 1 && first.includes('other#0') ? true : undefined), {
      what: 'the other key handled, the stuck one failed',
      timeoutMs: 30_000,
    });
    await sub.close(); // abandons the stuck message's backoff: its offset, the batch's first, is not committed
    const next: string[] = [];
    await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void next.push(m.value) });
    await eventually(() => (next.length >= 2 ? true : undefined), { what: 'both messages again', timeoutMs: 30_000 });
    // at-least-once: the other key's message, handled after the stuck one's offset, comes again too
    expect(next).toEqual(['stuck#0', 'other#0']);
  }, 60_000);

  it('hands a key’s messages of a batch to runHandler together; a run it does not take goes one by one; the offset moves past what a run handled', async () => {
    const topic = uniqueKafkaName('keys.runs.events.v1');
    const groupId = uniqueKafkaName('keys.runs');
    await bus.ensureTopics([topic]);
    // published first, so that one batch holds them all
    await bus.publish(topic, [
      { key: 'a', value: 'a#0' },
      { key: 'b', value: 'b#0' },
      { key: 'a', value: 'a#1' },
      { key: 'b', value: 'b#1' },
      { key: 'c', value: 'c#0' },
    ]);
    const runs: string[][] = [];
    const single: string[] = [];
    const sub = await bus.subscribe({
      groupId,
      topics: [topic],
      handler: async (m) => void single.push(m.value),
      runHandler: async (messages) => {
        const values = messages.map((m) => m.value);
        runs.push(values);
        if (values[0].startsWith('b')) throw new Error('lost a race'); // b's go one by one instead
        return true;
      },
    });
    await eventually(() => (single.length === 3 ? true : undefined), { what: 'the messages not taken as a run', timeoutMs: 30_000 });
    expect(runs.sort()).toEqual([
      ['a#0', 'a#1'],
      ['b#0', 'b#1'],
    ]);
    expect(single.sort()).toEqual(['b#0', 'b#1', 'c#0']); // c alone is no run
    await sub.close();
    // committed past everything: a member after it gets nothing again
    const again: string[] = [];
    await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void again.push(m.value) });
    await bus.publish(topic, [{ key: 'z', value: 'z#0' }]);
    await eventually(() => (again.length >= 1 ? true : undefined), { what: 'the next message', timeoutMs: 30_000 });
    expect(again).toEqual(['z#0']);
  }, 60_000);
});
