/**
 * Distributed mode end to end: events in MongoDB (FerretDB) → relay with its checkpoint in MongoDB
 * → Kafka topic → read back by a plain kafkajs consumer and decoded with the stock CloudEvents SDK.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { CloudEvent, Kafka as CEKafka, type Headers, type KafkaMessage } from 'cloudevents';
import { MongoEventStore, type StoredEvent } from '@fengqiao/event-store';
import { contractEvent } from '@fengqiao/event-store/testing';
import { describeIntegration, eventually, uniqueName } from '@fengqiao/testing';
import { KafkaBus } from '../adapters/kafka/kafka-bus';
import { cloudEventFromStored } from '../cloudevents';
import { MongoRelayCheckpointStore } from './mongodb-relay-checkpoint.store';
import { Relay, type RelayMapper } from './relay';

const silent = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

describeIntegration('Relay: MongoDB event store → Kafka, checkpoint in MongoDB', ['kafka', 'mongo'], (env) => {
  let client: MongoClient;
  let store: MongoEventStore;
  let bus: KafkaBus;
  let consumer: Consumer;
  const dbName = uniqueName('fq_bus_relay').replace(/-/g, '_');
  const topic = uniqueName('intake.case.events.v1');
  const received: { key: string; event: CloudEvent<unknown> }[] = [];
  const map: RelayMapper = (e: StoredEvent) =>
    e.type === 'InternalNote' ? null : { topic, key: e.streamId, event: cloudEventFromStored(e, { source: '/fengqiao/intake', subject: e.streamId }) };

  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
    store = await MongoEventStore.create({ db: client.db(dbName) });
    bus = new KafkaBus({ brokers: env().kafkaBrokers, clientId: 'relay-int', logger: silent, maxWaitTimeInMs: 200 });
    await bus.ensureTopics([topic]);
    // a consumer that knows nothing of our libs: kafkajs + the CloudEvents SDK
    const kafka = new Kafka({ clientId: 'stock-consumer', brokers: env().kafkaBrokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: uniqueName('stock.reader'), maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Headers = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = v?.toString();
        const value = message.value!.toString();
        const record: KafkaMessage<string> = { key: message.key!.toString(), value, headers, body: value };
        received.push({ key: record.key.toString(), event: CEKafka.toEvent(record) as CloudEvent<unknown> });
      },
    });
  }, 60_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await bus?.close();
    await client?.db(dbName).dropDatabase();
    await client?.close();
  }, 60_000);

  it("publishes the store's public events, decodable by the stock SDK, and resumes from the saved checkpoint after a restart", async () => {
    const caseA = `case-${uniqueName('a')}`;
    const caseB = `case-${uniqueName('b')}`;
    await store.append(caseA, [contractEvent({ type: 'CaseReported' }), contractEvent({ type: 'InternalNote' })], { expectedRevision: 'no_stream' });
    await store.append(caseB, [contractEvent({ type: 'CaseReported' })], { expectedRevision: 'no_stream' });
    await store.append(caseA, [contractEvent({ type: 'CaseFiled' })], { expectedRevision: 1 });

    const relay1 = new Relay({
      name: 'intake.relay',
      events: store,
      bus,
      checkpoints: MongoRelayCheckpointStore.forDb(client.db(dbName)),
      map,
      pollIntervalMs: 50,
      logger: silent,
    });
    relay1.start();
    await eventually(() => (received.length >= 3 ? true : undefined), { what: 'three CloudEvents on Kafka', timeoutMs: 30_000 });
    await relay1.stop();

    const a = await store.readStream(caseA);
    const b = await store.readStream(caseB);
    for (const { event } of received) expect(event.validate()).toBe(true);
    expect(received.filter((r) => r.key === caseA).map((r) => r.event.id)).toEqual([a[0].id, a[2].id]);
    expect(received.filter((r) => r.key === caseB).map((r) => r.event.id)).toEqual([b[0].id]);
    const filed = received.find((r) => r.event.id === a[2].id)!.event;
    expect(filed).toMatchObject({
      type: 'CaseFiled',
      source: '/fengqiao/intake',
      subject: caseA,
      datacontenttype: 'application/json',
      correlationid: a[2].correlationId,
    });
    expect(filed.data).toEqual(a[2].data);

    // "restart": new relay and checkpoint store instances; only the new event goes out
    await store.append(caseB, [contractEvent({ type: 'CaseFiled' })], { expectedRevision: 0 });
    const checkpoints = MongoRelayCheckpointStore.forDb(client.db(dbName));
    expect(await checkpoints.get('intake.relay')).toBe(a[2].globalPosition);
    const relay2 = new Relay({ name: 'intake.relay', events: store, bus, checkpoints, map, logger: silent });
    expect(await relay2.runOnce()).toBe(1);
    const b1 = (await store.readStream(caseB))[1];
    await eventually(() => (received.some((r) => r.event.id === b1.id) ? true : undefined), { what: 'the event after the restart', timeoutMs: 30_000 });
    // the stock consumer's own group saw each event once
    expect(new Set(received.map((r) => r.event.id)).size).toBe(received.length);
    expect(received).toHaveLength(4);
  }, 90_000);
});
