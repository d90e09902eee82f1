/**
 * Topics the bus creates keep their records without a time limit (`retention.ms` -1): a consumer group
 * created later (analytics rebuilding its facts in distributed mode) replays them from the start. Read
 * back from a real broker with an admin client, not from the bus.
 */
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { describeIntegration, uniqueKafkaName, uniqueName } from '@fengqiao/testing';
import { KafkaBus } from './kafka-bus';

describeIntegration('KafkaBus topic retention', ['kafka'], (env) => {
  async function retentionOf(topic: string): Promise<string | undefined> {
    const admin = new Kafka({ clientId: uniqueName('retention-check'), brokers: env().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
      });
      return described.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    } finally {
      await admin.disconnect();
    }
  }

  it('creates topics with unlimited retention by default, and with the given retention when told', async () => {
    const unlimited = uniqueKafkaName('retention-default');
    const weekly = uniqueKafkaName('retention-weekly');
    const a = new KafkaBus({ brokers: env().kafkaBrokers, clientId: uniqueName('retention'), logger: pino({ level: 'silent' }) });
    const b = new KafkaBus({ brokers: env().kafkaBrokers, clientId: uniqueName('retention'), logger: pino({ level: 'silent' }), retentionMs: 604_800_000 });
    try {
      await a.ensureTopics([unlimited]);
      await b.ensureTopics([weekly]);
      expect(await retentionOf(unlimited)).toBe('-1');
      expect(await retentionOf(weekly)).toBe('604800000');
    } finally {
      await a.close();
      await b.close();
    }
  }, 90_000);
});
