import pino from 'pino';
import { deadLetterTopic } from '@fengqiao/contracts';
import { eventually, uniqueName } from '@fengqiao/testing';
import { InProcessBus } from '../adapters/in-process/in-process-bus';
import { DLQ_HEADERS, type DeliveredMessage } from '../bus.port';
import { toCloudEventMessage } from '../cloudevents';
import { idempotentHandler } from './idempotent-handler';
import { SqliteInbox } from './sqlite-inbox';

const silent = pino({ level: 'silent' });

describe('idempotentHandler: the inbox in front of a bus handler', () => {
  let bus: InProcessBus;
  let inbox: SqliteInbox;
  beforeEach(() => {
    bus = new InProcessBus({ logger: silent });
    inbox = new SqliteInbox({ path: ':memory:', logger: silent });
  });
  afterEach(async () => {
    await bus.close();
    inbox.close();
  });

  const event = (id: string, caseId: string) =>
    toCloudEventMessage({ id, type: 'CaseFiled', source: '/fengqiao/intake', time: '2024-05-06T08:30:00+08:00', subject: caseId, data: { caseId } }, caseId);

  it('applies a redelivered message once, also when the first delivery failed and was retried', async () => {
    const topic = uniqueName('intake.case.events.v1');
    const group = uniqueName('analytics.case-board');
    const applied: string[] = [];
    const deliveries: DeliveredMessage[] = [];
    let failOnce = true;
    await bus.subscribe({
      groupId: group,
      topics: [topic],
      retry: { initialDelayMs: 5 },
      handler: idempotentHandler(inbox, group, async (m) => {
        deliveries.push(m);
        if (m.headers.ce_id === 'evt-2' && failOnce) {
          failOnce = false;
          throw new Error('read model busy');
        }
        applied.push(m.headers.ce_id);
      }),
    });
    // the relay re-published evt-1 and evt-2 after a crash: each is on the topic twice
    await bus.publish(topic, [
      event('evt-1', 'case-1'),
      event('evt-2', 'case-1'),
      event('evt-1', 'case-1'),
      event('evt-2', 'case-1'),
      event('evt-3', 'case-1'),
    ]);
    await eventually(() => (applied.includes('evt-3') ? true : undefined), { what: 'evt-3' });
    expect(applied).toEqual(['evt-1', 'evt-2', 'evt-3']);
    // evt-2 reached the handler twice (a failure, then the retry); the duplicates never did
    expect(deliveries.map((d) => d.headers.ce_id)).toEqual(['evt-1', 'evt-2', 'evt-2', 'evt-3']);
    expect(await inbox.seen(group, 'evt-2')).toBe(true);
  });

  it('dead-letters a message without ce_id at once: it cannot be deduplicated', async () => {
    const topic = uniqueName('intake.case.events.v1');
    const group = uniqueName('analytics.case-board');
    const dead: DeliveredMessage[] = [];
    const applied: string[] = [];
    await bus.subscribe({ groupId: uniqueName('dlq.watch'), topics: [deadLetterTopic(topic)], handler: async (m) => void dead.push(m) });
    await bus.subscribe({ groupId: group, topics: [topic], handler: idempotentHandler(inbox, group, async (m) => void applied.push(m.value)) });
    await bus.publish(topic, [{ key: 'case-1', value: '{"no":"id"}' }, event('evt-9', 'case-1')]);
    await eventually(() => (dead.length === 1 && applied.length === 1 ? true : undefined), { what: 'the dead letter and the next message' });
    expect(dead[0].headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(dead[0].headers[DLQ_HEADERS.errorMessage]).toMatch(/ce_id/);
  });
});
