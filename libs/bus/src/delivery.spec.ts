import pino from 'pino';
import { DEFAULT_RETRY_POLICY, DLQ_HEADERS, TransientError, backoffDelayMs, retryPolicyOf, type DeliveredMessage, type OutgoingMessage } from './bus.port';
import { deadLetterMessage, deliver, portableStack } from './delivery';

const message: Omit<DeliveredMessage, 'attempt'> = {
  topic: 'intake.case.events.v1',
  partition: 2,
  offset: '41',
  key: 'case-1',
  value: '{"a":1}',
  headers: { ce_id: 'evt-1' },
  timestamp: '1714955400000',
  groupId: 'analytics.case-board',
};

describe('retry policy and backoff', () => {
  it('defaults to 5 attempts from 100 ms, doubling, capped at 30 s', () => {
    expect(retryPolicyOf(undefined)).toEqual({ maxAttempts: 5, initialDelayMs: 100, multiplier: 2, maxDelayMs: 30_000 });
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(DEFAULT_RETRY_POLICY, a))).toEqual([100, 200, 400, 800]);
    expect(backoffDelayMs({ ...DEFAULT_RETRY_POLICY, maxDelayMs: 300 }, 4)).toBe(300);
  });

  it('refuses a policy that cannot work', () => {
    expect(() => retryPolicyOf({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => retryPolicyOf({ multiplier: 0.5 })).toThrow(/multiplier/);
    expect(() => retryPolicyOf({ initialDelayMs: -1 })).toThrow(/initialDelayMs/);
  });
});

describe('deliver', () => {
  it('dead-letters after maxAttempts with the attempts and the last error', async () => {
    const sent: { topic: string; message: OutgoingMessage }[] = [];
    let calls = 0;
    const outcome = await deliver({
      message,
      handler: async () => {
        calls++;
        throw new RangeError(`attempt ${calls}`);
      },
      policy: { maxAttempts: 3, initialDelayMs: 1, multiplier: 2, maxDelayMs: 10 },
      signal: new AbortController().signal,
      deadLetter: async (topic, m) => void sent.push({ topic, message: m }),
      logger: pino({ level: 'silent' }),
    });
    expect(outcome.kind).toBe('dead-lettered');
    expect(calls).toBe(3);
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe('intake.case.events.v1.dlq');
    expect(sent[0].message.headers).toMatchObject({
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.errorMessage]: 'attempt 3',
      [DLQ_HEADERS.errorName]: 'RangeError',
    });
  });

  it('never dead-letters for an outage (TransientError): retried until it passes, other failures still counted', async () => {
    const sent: OutgoingMessage[] = [];
    const errors = [...Array.from({ length: 6 }, () => new TransientError('database unavailable')), new Error('one real failure')];
    let calls = 0;
    const outcome = await deliver({
      message,
      handler: async () => {
        calls++;
        const next = errors.shift();
        if (next) throw next;
      },
      policy: { maxAttempts: 2, initialDelayMs: 1, multiplier: 1, maxDelayMs: 1 },
      signal: new AbortController().signal,
      deadLetter: async (_topic, m) => void sent.push(m),
      logger: pino({ level: 'silent' }),
    });
    expect(outcome).toEqual({ kind: 'handled', attempts: 8 });
    expect(calls).toBe(8);
    expect(sent).toEqual([]);
  });

  it('does not commit when the dead-letter publish fails: the error propagates', async () => {
    await expect(
      deliver({
        message,
        handler: async () => Promise.reject(new Error('x')),
        policy: { maxAttempts: 1, initialDelayMs: 1, multiplier: 1, maxDelayMs: 1 },
        signal: new AbortController().signal,
        deadLetter: async () => Promise.reject(new Error('broker down')),
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow('broker down');
  });

  it('describes thrown values that are not errors', () => {
    const m = deadLetterMessage(message, { code: 'E42' }, 2, new Date('2024-05-06T00:00:00Z'));
    expect(m.headers).toMatchObject({
      ce_id: 'evt-1',
      [DLQ_HEADERS.errorName]: 'object',
      [DLQ_HEADERS.errorMessage]: '{"code":"E42"}',
      [DLQ_HEADERS.failedAt]: '2024-05-06T00:00:00.000Z',
      [DLQ_HEADERS.originalOffset]: '41',
      [DLQ_HEADERS.originalPartition]: '2',
    });
    expect(deadLetterMessage(message, 'x'.repeat(5000), 1).headers![DLQ_HEADERS.errorMessage].length).toBeLessThanOrEqual(2000);
  });
});

describe('portableStack (the dlq-error-stack header)', () => {
  it('is one line with paths relative to the working directory and node_modules', () => {
    const stack = [
      'TypeError: boom',
      '    at handle (/srv/app/libs/x/src/y.ts:10:5)',
      '    at run (/srv/app/node_modules/kafkajs/src/consumer.js:1:1)',
      '    at file:///opt/elsewhere/node_modules/z/index.js:2:2',
      '',
    ].join('\n');
    const out = portableStack(stack, '/srv/app');
    expect(out).toBe('TypeError: boom | at handle (libs/x/src/y.ts:10:5) | at run (node_modules/kafkajs/src/consumer.js:1:1) | at node_modules/z/index.js:2:2');
    expect(out).not.toMatch(/\n/);
  });
});
