/**
 * The Bus contract (DESIGN §3): one suite, every adapter runs it against its real backend.
 *
 *   busContract('in-process', async () => new InProcessBus());
 *
 * The factory is called before each test and the bus closed after it. Every test uses its own
 * topics and groups (`uniqueName`), so the backend may hold other data. No sleeps to wait: the
 * tests poll with `eventually`, and "nothing else arrives" is shown with a sentinel message
 * published last on the same key (the per-key order makes everything before it arrive first).
 */
import { deadLetterTopic } from '@fengqiao/contracts';
import { eventually, uniqueName } from '@fengqiao/testing';
import { DLQ_HEADERS, NonRetriableError, type Bus, type DeliveredMessage, type OutgoingMessage, type RetryPolicy, type Subscription } from '../bus.port';

export interface BusContractOptions {
  /** Per-test timeout, ms. Default 30 000. */
  timeoutMs?: number;
  /** How long `eventually` polls before failing, ms. Default 20 000. */
  waitMs?: number;
  /**
   * Whether a rebalance may hand a message to the new owner that the old one had handled but not
   * yet committed (Kafka: when the commit on the way out fails). Default false: exactly once.
   */
  mayRedeliverOnRebalance?: boolean;
}

/** Small delays so the retry tests are quick; the backoff shape is still measured. */
const fastRetry: Partial<RetryPolicy> = { maxAttempts: 3, initialDelayMs: 40, multiplier: 2, maxDelayMs: 1_000 };

function msg(key: string, seq: number, extra: Record<string, string> = {}): OutgoingMessage {
  return { key, value: JSON.stringify({ key, seq }), headers: { ce_id: `${key}#${seq}`, 'content-type': 'application/json', ...extra } };
}

const seqOf = (m: DeliveredMessage): number => (JSON.parse(m.value) as { seq: number }).seq;

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

export function busContract(name: string, factory: () => Promise<Bus> | Bus, options: BusContractOptions = {}): void {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const waitMs = options.waitMs ?? 20_000;

  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    beforeEach(async () => {
      bus = await factory();
    }, timeoutMs);
    afterEach(async () => {
      await bus?.close();
    }, timeoutMs);

    const until = <T>(check: () => T | undefined, what: string) => eventually(check, { timeoutMs: waitMs, what });

    it(
      'delivers every message once, in publish order per key, with key, value and headers intact',
      async () => {
        const topic = uniqueName('contract.order.events.v1');
        const keys = ['case-甲', 'case-b', 'case-c', 'case-d', 'case-e', 'case-f'];
        const perKey = 15;
        const received: DeliveredMessage[] = [];
        await bus.subscribe({
          groupId: uniqueName('contract.order'),
          topics: [topic],
          handler: async (m) => {
            // uneven handler times: order must come from the bus, not from luck
            if (seqOf(m) % 3 === 0) await new Promise((r) => setTimeout(r, 2));
            received.push(m);
          },
        });
        // interleaved keys, in batches of several sizes
        const all = Array.from({ length: perKey }, (_, seq) => keys.map((k) => msg(k, seq))).flat();
        for (let i = 0; i < all.length;) {
          const size = 1 + (i % 7);
          await bus.publish(topic, all.slice(i, i + size));
          i += size;
        }
        await until(() => (received.length >= all.length ? true : undefined), 'all messages');

        expect(received).toHaveLength(all.length);
        for (const key of keys) {
          const mine = received.filter((m) => m.key === key);
          expect(mine.map(seqOf)).toEqual(Array.from({ length: perKey }, (_, i) => i));
          expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
          // offsets grow within the key's partition
          const offsets = mine.map((m) => BigInt(m.offset));
          expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1])).toBe(true);
        }
        const first = received.find((m) => m.key === 'case-甲' && seqOf(m) === 0)!;
        expect(first).toMatchObject({
          topic,
          key: 'case-甲',
          value: JSON.stringify({ key: 'case-甲', seq: 0 }),
          attempt: 1,
          headers: expect.objectContaining({ ce_id: 'case-甲#0', 'content-type': 'application/json' }),
        });
        expect(Number(first.timestamp)).toBeGreaterThan(0);
      },
      timeoutMs,
    );

    it(
      'gives every message to each of two consumer groups',
      async () => {
        const topic = uniqueName('contract.groups.events.v1');
        const a: string[] = [];
        const b: string[] = [];
        const groupA = uniqueName('contract.group-a');
        const groupB = uniqueName('contract.group-b');
        await bus.subscribe({ groupId: groupA, topics: [topic], handler: async (m) => void a.push(m.headers.ce_id) });
        await bus.subscribe({ groupId: groupB, topics: [topic], handler: async (m) => void b.push(m.headers.ce_id) });
        const messages = Array.from({ length: 20 }, (_, i) => msg(`case-${i % 4}`, i));
        await bus.publish(topic, messages);
        await until(() => (a.length >= 20 && b.length >= 20 ? true : undefined), 'both groups');
        const ids = messages.map((m) => m.headers!.ce_id).sort();
        expect([...a].sort()).toEqual(ids);
        expect([...b].sort()).toEqual(ids);
      },
      timeoutMs,
    );

    it(
      'splits the partitions between two members of one group: together they get everything once',
      async () => {
        const topic = uniqueName('contract.split.events.v1');
        const groupId = uniqueName('contract.split');
        const byMember: DeliveredMessage[][] = [[], []];
        // subscribe resolves once the member has its share, so no rebalance follows the publish
        await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void byMember[0].push(m) });
        await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void byMember[1].push(m) });
        const keys = Array.from({ length: 24 }, (_, i) => `case-${i}`);
        const messages = keys.flatMap((k) => [msg(k, 0), msg(k, 1)]);
        await bus.publish(topic, messages);
        await until(() => (byMember[0].length + byMember[1].length >= messages.length ? true : undefined), 'all messages');

        const ids = [...byMember[0], ...byMember[1]].map((m) => m.headers.ce_id).sort();
        expect(ids).toEqual(messages.map((m) => m.headers!.ce_id).sort());
        expect(byMember[0].length).toBeGreaterThan(0);
        expect(byMember[1].length).toBeGreaterThan(0);
        // a key's messages go to one member, in order; the members share no partition
        for (const key of keys) {
          const owners = byMember.map((ms) => ms.filter((m) => m.key === key).map(seqOf));
          expect(owners.filter((s) => s.length > 0)).toEqual([[0, 1]]);
        }
        const partitions = byMember.map((ms) => new Set(ms.map((m) => m.partition)));
        expect([...partitions[0]].filter((p) => partitions[1].has(p))).toEqual([]);
      },
      timeoutMs,
    );

    it(
      'keeps per-key order, never runs one key on two members at once, and loses nothing when members join and leave mid-stream',
      async () => {
        const topic = uniqueName('contract.rebalance.events.v1');
        const groupId = uniqueName('contract.rebalance');
        const keys = Array.from({ length: 12 }, (_, i) => `case-${i}`);
        const handled: { member: string; key: string; seq: number; id: string }[] = [];
        const inFlight = new Map<string, number>();
        let overlaps = 0;
        const handler = (member: string) => async (m: DeliveredMessage) => {
          const n = (inFlight.get(m.key) ?? 0) + 1;
          inFlight.set(m.key, n);
          if (n > 1) overlaps++;
          await new Promise((r) => setTimeout(r, 2));
          handled.push({ member, key: m.key, seq: seqOf(m), id: m.headers.ce_id });
          inFlight.set(m.key, (inFlight.get(m.key) ?? 1) - 1);
        };
        let seq = 0;
        const publishRound = async (rounds: number) => {
          for (let r = 0; r < rounds; r++, seq++)
            await bus.publish(
              topic,
              keys.map((k) => msg(k, seq)),
            );
        };
        const a = await bus.subscribe({ groupId, topics: [topic], handler: handler('a') });
        await publishRound(8);
        await until(() => (handled.length >= 20 ? true : undefined), 'member a to start');
        await bus.subscribe({ groupId, topics: [topic], handler: handler('b') });
        await publishRound(8);
        await until(() => (handled.some((h) => h.member === 'b') ? true : undefined), 'member b to take a share');
        await a.close(); // a leaves while messages are still coming: b takes over a's partitions
        await publishRound(8);
        const total = keys.length * seq;
        await until(() => (new Set(handled.map((h) => h.id)).size >= total ? true : undefined), 'every message');

        expect(overlaps).toBe(0);
        expect(handled.some((h) => h.member === 'a')).toBe(true);
        for (const key of keys) {
          // first deliveries in order; a redelivery (after a rebalance) may repeat a suffix only
          const mine = handled.filter((h) => h.key === key).map((h) => h.seq);
          const firsts = mine.filter((s, i) => mine.indexOf(s) === i);
          expect(firsts).toEqual(Array.from({ length: seq }, (_, i) => i));
          for (let i = 1; i < mine.length; i++) {
            if (mine[i] <= mine[i - 1]) expect(mine.slice(0, i)).toContain(mine[i]);
          }
        }
        if (!options.mayRedeliverOnRebalance) expect(handled).toHaveLength(total);
      },
      timeoutMs,
    );

    it(
      'retries a failing handler with growing backoff and loses nothing (at-least-once)',
      async () => {
        const topic = uniqueName('contract.retry.events.v1');
        const deliveries: { id: string; attempt: number; at: number }[] = [];
        const handled: string[] = [];
        await bus.subscribe({
          groupId: uniqueName('contract.retry'),
          topics: [topic],
          retry: fastRetry,
          handler: async (m) => {
            deliveries.push({ id: m.headers.ce_id, attempt: m.attempt, at: performance.now() });
            if (m.headers.ce_id === 'case-x#1' && m.attempt <= 2) throw new Error(`暂时失败 ${m.attempt}`);
            handled.push(m.headers.ce_id);
          },
        });
        const messages = [msg('case-x', 0), msg('case-y', 0), msg('case-x', 1), msg('case-y', 1), msg('case-x', 2)];
        await bus.publish(topic, messages);
        await until(() => (handled.length >= messages.length ? true : undefined), 'all handled');

        const flaky = deliveries.filter((d) => d.id === 'case-x#1');
        expect(flaky.map((d) => d.attempt)).toEqual([1, 2, 3]);
        // backoff: ≥ 40 ms, then ≥ 80 ms (timers never fire early; 1 ms slack for clock rounding)
        expect(flaky[1].at - flaky[0].at).toBeGreaterThanOrEqual(fastRetry.initialDelayMs! - 1);
        expect(flaky[2].at - flaky[1].at).toBeGreaterThanOrEqual(fastRetry.initialDelayMs! * 2 - 1);
        // every other message once, and case-x's next message only after case-x#1 succeeded
        for (const m of messages) expect(handled.filter((h) => h === m.headers!.ce_id)).toHaveLength(1);
        expect(deliveries.filter((d) => d.id !== 'case-x#1').every((d) => d.attempt === 1)).toBe(true);
        expect(handled.filter((h) => h.startsWith('case-x'))).toEqual(['case-x#0', 'case-x#1', 'case-x#2']);
      },
      timeoutMs,
    );

    it(
      'sends a poison message to <topic>.dlq with the error headers and keeps the partition flowing',
      async () => {
        const topic = uniqueName('contract.poison.events.v1');
        const groupId = uniqueName('contract.poison');
        const dead: DeliveredMessage[] = [];
        await bus.subscribe({ groupId: uniqueName('contract.poison-dlq'), topics: [deadLetterTopic(topic)], handler: async (m) => void dead.push(m) });
        const poisonDeliveries: DeliveredMessage[] = [];
        const handled: string[] = [];
        await bus.subscribe({
          groupId,
          topics: [topic],
          retry: fastRetry,
          handler: async (m) => {
            if (m.headers.ce_id === 'case-p#1') {
              poisonDeliveries.push(m);
              throw new TypeError('无法处理的消息 (poison)');
            }
            if (m.headers.ce_id === 'case-q#0') throw new NonRetriableError('schema mismatch: not retriable');
            handled.push(m.headers.ce_id);
          },
        });
        await bus.publish(topic, [msg('case-p', 0), msg('case-p', 1, { ce_type: 'CaseFiled' }), msg('case-q', 0), msg('case-p', 2), msg('case-q', 1)]);
        await until(() => (handled.length >= 3 && dead.length >= 2 ? true : undefined), 'later messages and dead letters');

        expect(handled.filter((h) => h.startsWith('case-p'))).toEqual(['case-p#0', 'case-p#2']);
        expect(handled).toContain('case-q#1');
        expect(poisonDeliveries.map((m) => m.attempt)).toEqual([1, 2, 3]);

        const poison = dead.find((m) => m.headers.ce_id === 'case-p#1')!;
        const original = poisonDeliveries[0];
        expect(poison.topic).toBe(deadLetterTopic(topic));
        expect(poison.key).toBe('case-p');
        expect(poison.value).toBe(original.value);
        expect(poison.headers).toMatchObject({
          ce_id: 'case-p#1',
          ce_type: 'CaseFiled',
          [DLQ_HEADERS.originalTopic]: topic,
          [DLQ_HEADERS.originalPartition]: String(original.partition),
          [DLQ_HEADERS.originalOffset]: original.offset,
          [DLQ_HEADERS.originalTimestamp]: original.timestamp,
          [DLQ_HEADERS.consumerGroup]: groupId,
          [DLQ_HEADERS.attempts]: '3',
          [DLQ_HEADERS.errorName]: 'TypeError',
          [DLQ_HEADERS.errorMessage]: '无法处理的消息 (poison)',
        });
        expect(poison.headers[DLQ_HEADERS.errorStack]).toContain('TypeError');
        // one line, and no absolute path of this machine
        expect(poison.headers[DLQ_HEADERS.errorStack]).not.toMatch(/[\r\n]/);
        expect(poison.headers[DLQ_HEADERS.errorStack]).not.toContain(process.cwd());
        expect(Number.isNaN(Date.parse(poison.headers[DLQ_HEADERS.failedAt]))).toBe(false);

        const notRetriable = dead.find((m) => m.headers.ce_id === 'case-q#0')!;
        expect(notRetriable.headers[DLQ_HEADERS.attempts]).toBe('1');
        expect(notRetriable.headers[DLQ_HEADERS.errorName]).toBe('NonRetriableError');
        expect(dead).toHaveLength(2);
      },
      timeoutMs,
    );

    it(
      'drains on close: the handler in progress finishes and is committed, nothing later is acknowledged',
      async () => {
        const topic = uniqueName('contract.drain.events.v1');
        const groupId = uniqueName('contract.drain');
        const inHand = gate();
        let started = 0;
        let finished = 0;
        const first: string[] = [];
        const sub = await bus.subscribe({
          groupId,
          topics: [topic],
          handler: async (m) => {
            started++;
            if (started === 1) await inHand.wait;
            first.push(m.headers.ce_id);
            finished++;
          },
        });
        // not awaited: a transport without durability resolves a publish only once it is consumed
        const published = bus
          .publish(
            topic,
            [0, 1, 2, 3, 4].map((i) => msg('case-d', i)),
          )
          .then(
            () => 'resolved',
            (e: unknown) => e,
          );
        await until(() => (started === 1 ? true : undefined), 'the first handler to start');

        let closed = false;
        const closing = sub.close().then(() => (closed = true));
        // close must not return while the handler is in hand (bounded wait for a negative check)
        const early = await Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(r, 300, 'pending'))]);
        expect(early).toBe('pending');
        expect(closed).toBe(false);
        inHand.open();
        await closing;
        expect(finished).toBe(1);
        expect(first).toEqual(['case-d#0']);

        // the handled message was committed; the others were not: a new member gets exactly those
        const second: string[] = [];
        await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void second.push(m.headers.ce_id) });
        await bus.publish(topic, [msg('case-d', 99)]);
        await until(() => (second.includes('case-d#99') ? true : undefined), 'the sentinel');
        expect(second).toEqual(['case-d#1', 'case-d#2', 'case-d#3', 'case-d#4', 'case-d#99']);
        expect(started).toBe(1);
        await published;
      },
      timeoutMs,
    );

    it(
      'abandons a retry waiting for its backoff on close, without committing: the next member gets the message',
      async () => {
        const topic = uniqueName('contract.abandon.events.v1');
        const groupId = uniqueName('contract.abandon');
        const attempts: number[] = [];
        const sub = await bus.subscribe({
          groupId,
          topics: [topic],
          retry: { maxAttempts: 5, initialDelayMs: 60_000 },
          handler: async (m) => {
            attempts.push(m.attempt);
            throw new Error('down');
          },
        });
        const published = bus.publish(topic, [msg('case-w', 0), msg('case-w', 1)]).then(
          () => 'resolved',
          (e: unknown) => e,
        );
        await until(() => (attempts.length === 1 ? true : undefined), 'the first failure');
        const t0 = Date.now();
        await sub.close(); // does not sit out the 60 s backoff
        expect(Date.now() - t0).toBeLessThan(20_000);
        expect(attempts).toEqual([1]);

        const next: DeliveredMessage[] = [];
        await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void next.push(m) });
        await until(() => (next.length >= 2 ? true : undefined), 'both messages');
        expect(next.map((m) => [m.headers.ce_id, m.attempt])).toEqual([
          ['case-w#0', 1],
          ['case-w#1', 1],
        ]);
        await published;
      },
      timeoutMs,
    );

    it(
      'resumes a restarted consumer after the last committed message of its group',
      async () => {
        const topic = uniqueName('contract.resume.events.v1');
        const groupId = uniqueName('contract.resume');
        const before: string[] = [];
        let sub: Subscription = await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void before.push(m.headers.ce_id) });
        await bus.publish(
          topic,
          [0, 1, 2].map((i) => msg('case-r', i)),
        );
        await until(() => (before.length >= 3 ? true : undefined), 'the first three');
        await sub.close();

        await bus.publish(
          topic,
          [3, 4].map((i) => msg('case-r', i)),
        );
        const after: string[] = [];
        sub = await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void after.push(m.headers.ce_id) });
        await bus.publish(topic, [msg('case-r', 5)]);
        await until(() => (after.includes('case-r#5') ? true : undefined), 'the sentinel');
        expect(before).toEqual(['case-r#0', 'case-r#1', 'case-r#2']);
        expect(after).toEqual(['case-r#3', 'case-r#4', 'case-r#5']);
        await sub.close();
      },
      timeoutMs,
    );

    it(
      'starts a new group at the oldest message',
      async () => {
        const topic = uniqueName('contract.start.events.v1');
        await bus.publish(topic, [msg('case-s', 0), msg('case-s', 1)]);
        const late: string[] = [];
        await bus.subscribe({ groupId: uniqueName('contract.start-late'), topics: [topic], handler: async (m) => void late.push(m.headers.ce_id) });
        await bus.publish(topic, [msg('case-s', 2)]);
        await until(() => (late.length >= 3 ? true : undefined), 'the history and the new message');
        expect(late).toEqual(['case-s#0', 'case-s#1', 'case-s#2']);
      },
      timeoutMs,
    );

    it('refuses malformed messages and subscriptions', async () => {
      const topic = uniqueName('contract.bad.events.v1');
      await expect(bus.publish('bad topic!', [msg('k', 0)])).rejects.toThrow(/topic/);
      await expect(bus.publish(topic, [{ key: '', value: '{}' }])).rejects.toThrow(/key/);
      await expect(bus.subscribe({ groupId: '', topics: [topic], handler: async () => undefined })).rejects.toThrow(/groupId/);
      await expect(bus.subscribe({ groupId: uniqueName('g'), topics: [], handler: async () => undefined })).rejects.toThrow(/topics/);
      await expect(bus.subscribe({ groupId: uniqueName('g'), topics: [topic], retry: { maxAttempts: 0 }, handler: async () => undefined })).rejects.toThrow(
        /maxAttempts/,
      );
    });
  });
}
