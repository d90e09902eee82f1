/**
 * Two deployments on one real Kafka broker, told apart by their topic prefix (KAFKA_TOPIC_PREFIX):
 * the same contract topic and consumer group names, no message crosses over.
 */
import pino from 'pino';
import { describeIntegration, eventually, uniqueName } from '@fengqiao/testing';
import type { DeliveredMessage } from '../../bus.port';
import { PrefixedBus } from '../prefixed-bus';
import { KafkaBus } from './kafka-bus';

describeIntegration('PrefixedBus on Kafka', ['kafka'], (env) => {
  const make = (prefix: string) =>
    new PrefixedBus(
      new KafkaBus({ brokers: env().kafkaBrokers, clientId: uniqueName('prefixed'), logger: pino({ level: 'silent' }), maxWaitTimeInMs: 200 }),
      prefix,
    );

  it('keeps two deployments apart on one broker', async () => {
    const [a, b] = [
      make(
        uniqueName('a')
          .toLowerCase()
          .replace(/[^a-z0-9_-]/g, '-'),
      ),
      make(
        uniqueName('b')
          .toLowerCase()
          .replace(/[^a-z0-9_-]/g, '-'),
      ),
    ];
    const topic = 'intake.case.events.v1';
    const got: { a: DeliveredMessage[]; b: DeliveredMessage[] } = { a: [], b: [] };
    try {
      await a.subscribe({ groupId: 'grid-dispatch.work-orders', topics: [topic], handler: async (m) => void got.a.push(m) });
      await b.subscribe({ groupId: 'grid-dispatch.work-orders', topics: [topic], handler: async (m) => void got.b.push(m) });
      await a.publish(topic, [{ key: 'case-a', value: '{"from":"a"}' }]);
      await b.publish(topic, [{ key: 'case-b', value: '{"from":"b"}' }]);
      await eventually(() => (got.a.length >= 1 && got.b.length >= 1 ? true : undefined), { what: 'both deliveries', timeoutMs: 60_000 });
      expect(got.a.map((m) => m.key)).toEqual(['case-a']);
      expect(got.b.map((m) => m.key)).toEqual(['case-b']);
      expect(got.a[0]).toMatchObject({ topic, groupId: 'grid-dispatch.work-orders' });
    } finally {
      await a.close();
      await b.close();
    }
  }, 90_000);
});
