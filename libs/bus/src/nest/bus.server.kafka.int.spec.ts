/**
 * The same Nest controller code on Kafka (distributed mode): BusServer over the KafkaBus.
 */
import { Controller, Inject, Injectable, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import pino from 'pino';
import { deadLetterTopic } from '@fengqiao/contracts';
import { describeIntegration, eventually, uniqueName } from '@fengqiao/testing';
import { KafkaBus } from '../adapters/kafka/kafka-bus';
import { DLQ_HEADERS, type DeliveredMessage } from '../bus.port';
import { toCloudEventMessage, type DecodedCloudEvent } from '../cloudevents';
import { BusExceptionFilter } from './bus-exception.filter';
import { BusContext } from './bus.context';
import { BusServer } from './bus.server';

const TOPIC = uniqueName('intake.case.events.v1');

@Injectable()
class Seen {
  readonly events: { id: string; partition: number; group: string }[] = [];
}

@Controller()
class OnCaseController {
  constructor(@Inject(Seen) private readonly seen: Seen) {}

  @EventPattern(TOPIC)
  async on(@Payload() event: DecodedCloudEvent, @Ctx() ctx: BusContext): Promise<void> {
    if (event.type === 'Poison') throw new Error(`cannot handle ${event.id}`);
    this.seen.events.push({ id: event.id, partition: ctx.getPartition(), group: ctx.getGroupId() });
  }
}

@Module({ controllers: [OnCaseController], providers: [Seen] })
class OnCaseModule {}

describeIntegration('BusServer on Kafka', ['kafka'], (env) => {
  let bus: KafkaBus;
  let app: INestMicroservice;

  beforeAll(async () => {
    bus = new KafkaBus({
      brokers: env().kafkaBrokers,
      clientId: 'bus-server-int',
      logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
      maxWaitTimeInMs: 200,
    });
  });
  afterAll(async () => {
    await app?.close();
    await bus?.close();
  }, 60_000);

  it('delivers to the @EventPattern handler and dead-letters what it cannot handle', async () => {
    const groupId = uniqueName('analytics.case-board');
    const dead: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: uniqueName('dlq.watch'), topics: [deadLetterTopic(TOPIC)], handler: async (m) => void dead.push(m) });
    app = await NestFactory.createMicroservice<MicroserviceOptions>(OnCaseModule, {
      strategy: new BusServer({ bus, groupId, retry: { maxAttempts: 2, initialDelayMs: 10 } }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    const ce = (id: string, type: string) =>
      toCloudEventMessage({ id, type, source: '/fengqiao/intake', time: new Date().toISOString(), subject: 'case-k', data: { id } }, 'case-k');
    await bus.publish(TOPIC, [ce('evt-1', 'CaseFiled'), ce('evt-2', 'Poison'), ce('evt-3', 'CaseFiled')]);
    const seen = app.get(Seen);
    await eventually(() => (seen.events.length >= 2 && dead.length >= 1 ? true : undefined), { what: 'two events and a dead letter', timeoutMs: 40_000 });
    expect(seen.events.map((e) => e.id)).toEqual(['evt-1', 'evt-3']);
    expect(seen.events.every((e) => e.group === groupId)).toBe(true);
    expect(dead[0].headers).toMatchObject({
      ce_id: 'evt-2',
      [DLQ_HEADERS.attempts]: '2',
      [DLQ_HEADERS.errorMessage]: 'cannot handle evt-2',
      [DLQ_HEADERS.consumerGroup]: groupId,
    });
  }, 60_000);
});
