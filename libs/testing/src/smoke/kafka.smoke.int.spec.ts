import { Kafka, logLevel, Producer, Consumer, Admin } from 'kafkajs';
import { describeIntegration, eventually, uniqueName } from '../integration';

/**
 * kafkajs against the real broker: keyed messages through a consumer group, order kept per key
 * (the property our per-case topics rely on: key = case id).
 */
describeIntegration('kafkajs smoke: keyed produce and consume through a consumer group', ['kafka'], (env) => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  const topic = uniqueName('smoke.case.events.v1');
  const groupId = uniqueName('smoke.group');

  beforeAll(async () => {
    kafka = new Kafka({ clientId: 'fengqiao-smoke', brokers: env().kafkaBrokers, logLevel: logLevel.WARN });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    consumer = kafka.consumer({ groupId });
    await consumer.connect();
  }, 60_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('delivers every message once to the group, in order per key, across partitions', async () => {
    const keys = ['case-a', 'case-b', 'case-c', 'case-d', 'case-e'];
    const perKey = 40;
    const received: { key: string; seq: number; partition: number }[] = [];
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({ key: message.key!.toString(), seq: Number(message.value!.toString()), partition });
      },
    });
    // interleave keys so that order per key is a real property, not an accident of batching
    for (let seq = 0; seq < perKey; seq++) {
      await producer.send({ topic, messages: keys.map((key) => ({ key, value: String(seq) })) });
    }
    await eventually(() => (received.length >= keys.length * perKey ? true : undefined), { what: 'all messages consumed', timeoutMs: 30_000 });

    expect(received).toHaveLength(keys.length * perKey);
    for (const key of keys) {
      const mine = received.filter((r) => r.key === key);
      expect(mine.map((r) => r.seq)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      // one key always lands on one partition
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
    }
    // with 5 keys over 3 partitions more than one partition is used
    expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
  }, 60_000);

  it('commits the group offset so a restarted member does not see the messages again', async () => {
    await consumer.disconnect();
    const again = kafka.consumer({ groupId });
    const seen: string[] = [];
    await again.connect();
    await again.subscribe({ topic, fromBeginning: true });
    await again.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await producer.send({ topic, messages: [{ key: 'case-z', value: 'after-restart' }] });
    await eventually(() => (seen.includes('after-restart') ? true : undefined), { what: 'the new message', timeoutMs: 30_000 });
    expect(seen).toEqual(['after-restart']);
    await again.disconnect();
  }, 60_000);
});
