/**
 * An ephemeral subscription (a follower that reads a topic from its start at every start, e.g. the
 * directory follower) commits no position and deletes its group when it closes, so restarts do not
 * pile groups up on the broker. A durable group, beside it, keeps its position. Checked with an
 * admin client against a real broker, not through the bus.
 */
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { describeIntegration, eventually, uniqueKafkaName } from '@fengqiao/testing';
import { KafkaBus } from './kafka-bus';

describeIntegration('KafkaBus ephemeral groups', ['kafka'], (env) => {
  it('commits nothing for an ephemeral group and deletes it on close; a durable group keeps its position', async () => {
    const topic = uniqueKafkaName('ephemeral-topic');
    const ephemeralGroup = uniqueKafkaName('follower.directory');
    const durableGroup = uniqueKafkaName('projection.durable');
    const bus = new KafkaBus({
      brokers: env().kafkaBrokers,
      clientId: uniqueKafkaName('ephemeral'),
      logger: pino({ level: 'silent' }),
      maxWaitTimeInMs: 200,
      commitIntervalMs: 0,
    });
    const admin = new Kafka({ clientId: uniqueKafkaName('ephemeral-check'), brokers: env().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const seen = { ephemeral: 0, durable: 0 };
    try {
      await bus.ensureTopics([topic]);
      const ephemeral = await bus.subscribe({ groupId: ephemeralGroup, topics: [topic], ephemeral: true, handler: async () => void seen.ephemeral++ });
      const durable = await bus.subscribe({ groupId: durableGroup, topics: [topic], handler: async () => void seen.durable++ });
      await bus.publish(topic, [
        { key: 'k', value: '{"n":1}' },
        { key: 'k', value: '{"n":2}' },
      ]);
      await eventually(() => (seen.ephemeral === 2 && seen.durable === 2 ? true : undefined), { what: 'both groups consumed', timeoutMs: 60_000 });
      const committed = async (groupId: string) =>
        (await admin.fetchOffsets({ groupId, topics: [topic] })).flatMap((t) => t.partitions.map((p) => p.offset)).filter((o) => o !== '-1');
      await eventually(async () => ((await committed(durableGroup)).length > 0 ? true : undefined), { what: 'the durable group committed', timeoutMs: 30_000 });
      expect(await committed(ephemeralGroup)).toEqual([]);

      await ephemeral.close();
      await durable.close();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).not.toContain(ephemeralGroup);
      expect(groups).toContain(durableGroup);
    } finally {
      await bus.close();
      await admin.deleteGroups([durableGroup]).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120_000);
});
