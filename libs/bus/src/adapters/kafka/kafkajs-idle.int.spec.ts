/**
 * An idle KafkaBus, connected to a real broker with a producer and a consumer group, leaves its
 * event loop alone: kafkajs 2.2.4's request queues each checked themselves every millisecond (see
 * kafkajs-request-queue.ts), thousands of times a second across a bus's connections. Counted, not
 * timed: the checks during one idle second, against a bound far above what the bus's fetches and
 * heartbeats need and far below the loop.
 */
import pino from 'pino';
import { describeIntegration, eventually, uniqueKafkaName } from '@fengqiao/testing';
import { KafkaBus } from './kafka-bus';
import { kafkajsRequestQueueClass } from './kafkajs-request-queue';

describeIntegration('KafkaBus at rest', ['kafka'], (env) => {
  it('checks its request queues only when requests come and go, not in a timer loop', async () => {
    const topic = uniqueKafkaName('idle-topic');
    const bus = new KafkaBus({ brokers: env().kafkaBrokers, clientId: uniqueKafkaName('idle'), logger: pino({ level: 'silent' }), maxWaitTimeInMs: 500 });
    const seen: string[] = [];
    const checks = jest.spyOn(kafkajsRequestQueueClass().prototype, 'checkPendingRequests');
    try {
      await bus.ensureTopics([topic]);
      const sub = await bus.subscribe({ groupId: uniqueKafkaName('idle-group'), topics: [topic], handler: async (m) => void seen.push(m.value) });
      await bus.publish(topic, [{ key: 'k', value: '{"n":1}' }]);
      await eventually(() => (seen.length === 1 ? true : undefined), { what: 'the message consumed', timeoutMs: 60_000 });
      checks.mockClear();
      await new Promise((r) => setTimeout(r, 1_000));
      // fetch long-polls of 500 ms on three partitions and a heartbeat: a few dozen at most; the loop made thousands
      expect(checks.mock.calls.length).toBeLessThan(100);
      await sub.close();
    } finally {
      checks.mockRestore();
      await bus.close();
    }
  }, 120_000);
});
