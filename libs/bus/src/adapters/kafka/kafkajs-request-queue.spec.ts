/**
 * kafkajs's request queue with the replacement of kafkajs-request-queue.ts: no timer while nothing
 * waits, and a queued request still goes out when its throttle ends or an in-flight slot frees.
 * Against the real kafkajs class (no broker needed: the queue is handed its requests directly).
 */
import pino from 'pino';
import { KafkaBus } from './kafka-bus';
import { KAFKAJS_PATCHED_VERSION, kafkajsRequestQueueClass, kafkajsRequestQueueFixed, kafkajsVersion, type KafkajsRequestQueue } from './kafkajs-request-queue';

// the bus mends kafkajs before it makes its client (no broker is contacted: nothing connects)
new KafkaBus({ brokers: ['127.0.0.1:9'], logger: pino({ level: 'silent' }) });
const KafkajsRequestQueueClass = kafkajsRequestQueueClass();

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("kafkajs's request queue", () => {
  const queues: KafkajsRequestQueue[] = [];
  const queue = (maxInFlightRequests: number | null = null) => {
    const q = new KafkajsRequestQueueClass({
      maxInFlightRequests,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'spec',
      broker: '127.0.0.1:9',
      logger: silent,
    });
    queues.push(q);
    return q;
  };
  /** A request as a connection pushes it; `sent` counts the sends. */
  const request = (correlationId: number, sent: number[]) => ({
    entry: { correlationId, apiKey: 3, apiName: 'Metadata', apiVersion: 0, resolve: () => undefined, reject: () => undefined },
    expectResponse: true,
    sendRequest: () => void sent.push(correlationId),
  });
  afterEach(() => queues.splice(0).forEach((q) => q.destroy()));

  it(`is mended in this process once a bus is made (kafkajs ${kafkajsVersion()}; the replacement is written for ${KAFKAJS_PATCHED_VERSION})`, () => {
    expect(kafkajsVersion()).toBe(KAFKAJS_PATCHED_VERSION);
    expect(kafkajsRequestQueueFixed()).toBe(true);
  });

  it('sets no timer when nothing is pending (kafkajs 2.2.4 set one of -Date.now() ms, a 1 ms loop)', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('sends a request queued behind a client-side throttle when the throttle ends', async () => {
    const q = queue() as KafkajsRequestQueue & { push(r: unknown): void; maybeThrottle(ms: number): void };
    const sent: number[] = [];
    q.maybeThrottle(40);
    q.push(request(1, sent));
    expect(sent).toEqual([]);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toEqual([1]);
    expect(q.pending).toEqual([]);
    expect(q.throttleCheckTimeoutId).toBeNull(); // and no loop after it
  });

  it('sends a request that waited for an in-flight slot once the slot frees, by the response or by the check', async () => {
    const q = queue(1) as KafkajsRequestQueue & { push(r: unknown): void; fulfillRequest(r: { correlationId: number; payload: Buffer; size: number }): void };
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).not.toBeNull(); // kafkajs's 10 ms re-check while 2 waits
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    await new Promise((r) => setTimeout(r, 40));
    expect(q.pending).toEqual([]);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });
});
