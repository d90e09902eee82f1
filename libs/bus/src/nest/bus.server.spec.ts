import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import pino from 'pino';
import { deadLetterTopic } from '@fengqiao/contracts';
import { eventually, uniqueName } from '@fengqiao/testing';
import { InProcessBus } from '../adapters/in-process/in-process-bus';
import { DLQ_HEADERS, NonRetriableError, type DeliveredMessage } from '../bus.port';
import { toCloudEventMessage, type DecodedCloudEvent } from '../cloudevents';
import { SqliteInbox } from '../inbox/sqlite-inbox';
import { BusExceptionFilter } from './bus-exception.filter';
import { BusContext } from './bus.context';
import { BusServer } from './bus.server';

const silent = pino({ level: 'silent' });
const CASES = uniqueName('intake.case.events.v1');
const MEDIATION = uniqueName('mediation.case.events.v1');

interface Seen {
  id: string;
  type: string;
  data: unknown;
  topic: string;
  attempt: number;
  group: string;
}

@Injectable()
class Ledger {
  readonly seen: Seen[] = [];
  calls = 0;
  hold: Promise<void> | undefined;
}

@Controller()
class CaseBoardController {
  constructor(@Inject(Ledger) private readonly ledger: Ledger) {}

  @EventPattern(CASES)
  async onCase(@Payload() event: DecodedCloudEvent, @Ctx() ctx: BusContext): Promise<void> {
    this.ledger.calls++;
    if (event.type === 'Poison') throw new TypeError(`无法投影 ${event.id}`);
    if (event.type === 'Garbage') throw new NonRetriableError('unknown case kind');
    if (event.type === 'Slow') await this.ledger.hold;
    this.ledger.seen.push({ id: event.id, type: event.type, data: event.data, topic: ctx.getTopic(), attempt: ctx.getAttempt(), group: ctx.getGroupId() });
  }

  @EventPattern(MEDIATION)
  onMediation(@Payload() event: DecodedCloudEvent, @Ctx() ctx: BusContext): void {
    this.ledger.seen.push({ id: event.id, type: event.type, data: event.data, topic: ctx.getTopic(), attempt: ctx.getAttempt(), group: ctx.getGroupId() });
  }
}

@Module({ controllers: [CaseBoardController], providers: [Ledger] })
class CaseBoardModule {}

const ce = (id: string, type: string, caseId = 'case-1') =>
  toCloudEventMessage({ id, type, source: '/fengqiao/test', time: '2024-05-06T08:30:00+08:00', subject: caseId, data: { caseId, id } }, caseId);

describe('BusServer: @EventPattern handlers of a Nest app on the Bus port', () => {
  let bus: InProcessBus;
  let app: INestMicroservice;
  let ledger: Ledger;
  let groupId: string;

  async function boot(options: { inbox?: SqliteInbox } = {}): Promise<void> {
    app = await NestFactory.createMicroservice<MicroserviceOptions>(CaseBoardModule, {
      strategy: new BusServer({ bus, groupId, retry: { maxAttempts: 3, initialDelayMs: 5 }, inbox: options.inbox }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    ledger = app.get(Ledger);
  }

  beforeEach(() => {
    bus = new InProcessBus({ logger: silent });
    groupId = uniqueName('analytics.case-board');
  });
  afterEach(async () => {
    await app?.close();
    await bus.close();
  });

  it('delivers a published CloudEvent to the @EventPattern handler of its topic, with the context', async () => {
    await boot();
    await bus.publish(CASES, [ce('evt-1', 'CaseFiled')]);
    await bus.publish(MEDIATION, [ce('evt-2', 'MediationRegistered', 'med-1')]);
    await eventually(() => (ledger.seen.length >= 2 ? true : undefined), { what: 'both events' });
    expect(ledger.seen).toEqual(
      expect.arrayContaining([
        { id: 'evt-1', type: 'CaseFiled', data: { caseId: 'case-1', id: 'evt-1' }, topic: CASES, attempt: 1, group: groupId },
        { id: 'evt-2', type: 'MediationRegistered', data: { caseId: 'med-1', id: 'evt-2' }, topic: MEDIATION, attempt: 1, group: groupId },
      ]),
    );
  });

  it("retries a failing handler, then dead-letters the message with the handler's error, and goes on", async () => {
    const dead: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: uniqueName('dlq.watch'), topics: [deadLetterTopic(CASES)], handler: async (m) => void dead.push(m) });
    await boot();
    await bus.publish(CASES, [ce('evt-p', 'Poison'), ce('evt-g', 'Garbage'), { key: 'case-1', value: 'not a cloudevent' }, ce('evt-ok', 'CaseFiled')]);
    await eventually(() => (dead.length >= 3 && ledger.seen.length >= 1 ? true : undefined), { what: 'three dead letters and the next event' });

    expect(ledger.seen.map((s) => s.id)).toEqual(['evt-ok']);
    const poison = dead.find((d) => d.headers.ce_id === 'evt-p')!;
    expect(poison.headers).toMatchObject({
      [DLQ_HEADERS.originalTopic]: CASES,
      [DLQ_HEADERS.consumerGroup]: groupId,
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.errorName]: 'TypeError',
      [DLQ_HEADERS.errorMessage]: '无法投影 evt-p',
    });
    expect(dead.find((d) => d.headers.ce_id === 'evt-g')!.headers[DLQ_HEADERS.attempts]).toBe('1');
    const undecodable = dead.find((d) => d.value === 'not a cloudevent')!;
    expect(undecodable.headers).toMatchObject({ [DLQ_HEADERS.attempts]: '1', [DLQ_HEADERS.errorName]: 'CloudEventDecodeError' });
    // Poison ran 3 times, Garbage once; the undecodable message never reached the handler
    expect(ledger.calls).toBe(3 + 1 + 1);
  });

  it('awaits the handler before the message is committed: closing the app drains it', async () => {
    let release!: () => void;
    await boot();
    ledger.hold = new Promise<void>((r) => (release = r));
    // not awaited: the in-process bus resolves a publish once its consumers are done
    const published = bus.publish(CASES, [ce('evt-slow', 'Slow'), ce('evt-next', 'CaseFiled')]).catch((e: unknown) => e);
    await eventually(() => (ledger.calls >= 1 ? true : undefined), { what: 'the slow handler to start' });
    const closing = app.close();
    const early = await Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(r, 200, 'pending'))]);
    expect(early).toBe('pending');
    release();
    await closing;
    expect(ledger.seen.map((s) => s.id)).toEqual(['evt-slow']);

    // the same group again: the slow message was committed after its handler, the next one was not
    await boot();
    await eventually(() => (ledger.seen.length >= 1 ? true : undefined), { what: 'the uncommitted message' });
    expect(ledger.seen.map((s) => s.id)).toEqual(['evt-next']);
    // the group had no member left when the app closed: the publish was told it was not consumed
    expect(await published).toBeInstanceOf(Error);
  });

  it('with an inbox, applies a re-published CloudEvent once per group', async () => {
    const inbox = new SqliteInbox({ path: ':memory:', logger: silent });
    await boot({ inbox });
    await bus.publish(CASES, [ce('evt-1', 'CaseFiled'), ce('evt-1', 'CaseFiled'), ce('evt-2', 'CaseFiled')]);
    await eventually(() => (ledger.seen.some((s) => s.id === 'evt-2') ? true : undefined), { what: 'evt-2' });
    expect(ledger.seen.map((s) => s.id)).toEqual(['evt-1', 'evt-2']);
    expect(await inbox.seen(groupId, 'evt-1')).toBe(true);
    inbox.close();
  });

  it('refuses request/reply handlers', async () => {
    @Controller()
    class AskController {
      @MessagePattern('ask')
      ask(): string {
        return 'no';
      }
    }
    @Module({ controllers: [AskController] })
    class AskModule {}
    const ask = await NestFactory.createMicroservice<MicroserviceOptions>(AskModule, { strategy: new BusServer({ bus, groupId }), logger: false });
    await expect(ask.listen()).rejects.toThrow(/request\/reply/);
    await ask.close();
  });
});
