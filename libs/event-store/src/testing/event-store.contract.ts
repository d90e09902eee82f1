/**
 * The EventStore contract (DESIGN §3): one suite, every adapter runs it against its real backend.
 *
 *   eventStoreContract('sqlite', async () => new SqliteEventStore({ path }));
 *
 * The factory is called once per suite (beforeAll); the suite closes the store in afterAll. Streams
 * get fresh ids in every test, so the store may hold other data; `readAll` checks only look at the
 * streams the test wrote.
 */
import { DomainError, newId, type Actor } from '@fengqiao/kernel';
import type { EventStore, NewEvent, StoredEvent } from '../event-store.port';
import { DuplicateEventIdError, InvalidEventError, WrongExpectedRevisionError } from '../errors';
import { GENESIS_HASH, verifyStreamChain } from '../integrity/hash-chain';

export interface EventStoreContractOptions {
  /** Concurrent writers in the read-all test. Default 8. */
  writers?: number;
  /** Events each writer appends in the read-all test. Default 50. */
  eventsPerWriter?: number;
  /** Parallel appenders racing for one expected revision. Default 8. */
  racers?: number;
  /** Per-test timeout, ms. Default 60 000. */
  timeoutMs?: number;
  /**
   * Whether the adapter finds an id already stored in ANOTHER stream (default true). KurrentDB has
   * no index by event id, so its adapter only checks the stream being appended to.
   */
  detectsIdsInOtherStreams?: boolean;
}

const actor: Actor = { userId: 'user-张三', role: 'operator', unitId: 'village-12' };

export function contractEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: newId(),
    type: 'CaseReported',
    schemaVersion: 1,
    occurredAt: '2024-05-06T08:30:00.000+08:00',
    actor,
    correlationId: newId(),
    causationId: newId(),
    jurisdiction: ['district-1', 'town-3', 'village-12'],
    data: { title: '消防通道被占用', n: 1 },
    ...overrides,
  };
}

function events(n: number, overrides: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: n }, (_, i) => contractEvent({ ...overrides, data: { i, text: `事件 ${i}` } }));
}

function streamId(prefix = 'contract'): string {
  return `${prefix}-${newId()}`;
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

/** Reads every event after `after` in pages of `page`. */
async function drainAll(store: EventStore, after: number, page = 500): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cp = after;
  for (;;) {
    const batch = await store.readAll({ afterPosition: cp, maxCount: page });
    if (batch.length === 0) return out;
    out.push(...batch);
    cp = batch[batch.length - 1].globalPosition;
  }
}

export function eventStoreContract(name: string, factory: () => Promise<EventStore> | EventStore, options: EventStoreContractOptions = {}): void {
  const writers = options.writers ?? 8;
  const eventsPerWriter = options.eventsPerWriter ?? 50;
  const racers = options.racers ?? 8;
  const timeout = options.timeoutMs ?? 60_000;
  const detectsIdsInOtherStreams = options.detectsIdsInOtherStreams ?? true;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await factory();
    }, timeout);
    afterAll(async () => {
      await store?.close();
    }, timeout);

    describe('append with expected revision', () => {
      it(
        'creates a stream with no_stream, numbering revisions from 0',
        async () => {
          const s = streamId();
          const batch = events(3);
          const r = await store.append(s, batch, { expectedRevision: 'no_stream' });
          expect(r).toMatchObject({ streamId: s, firstRevision: 0, nextExpectedRevision: 2 });
          expect(await store.streamRevision(s)).toBe(2);
          const read = await store.readStream(s);
          expect(read.map((e) => e.id)).toEqual(batch.map((e) => e.id));
          expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
          expect(r.lastPosition).toBe(read[2].globalPosition);
          expect(read[0].globalPosition).toBeLessThan(read[1].globalPosition);
          expect(read[1].globalPosition).toBeLessThan(read[2].globalPosition);
        },
        timeout,
      );

      it(
        'appends at the expected revision, number or bigint',
        async () => {
          const s = streamId();
          await store.append(s, events(1), { expectedRevision: 'no_stream' });
          const r1 = await store.append(s, events(2), { expectedRevision: 0 });
          expect(r1).toMatchObject({ firstRevision: 1, nextExpectedRevision: 2 });
          const r2 = await store.append(s, events(1), { expectedRevision: 2n });
          expect(r2).toMatchObject({ firstRevision: 3, nextExpectedRevision: 3 });
          expect(r2.lastPosition).toBeGreaterThan(r1.lastPosition);
        },
        timeout,
      );

      it(
        'rejects a stale expected revision with the typed conflict and writes nothing',
        async () => {
          const s = streamId();
          await store.append(s, events(2), { expectedRevision: 'no_stream' });
          const e = await errorOf(store.append(s, events(1), { expectedRevision: 0 }));
          expect(e).toBeInstanceOf(WrongExpectedRevisionError);
          expect(e).toBeInstanceOf(DomainError);
          const err = e as WrongExpectedRevisionError;
          expect(err.code).toBe('EVENT_STORE.WRONG_EXPECTED_REVISION');
          expect(err.kind).toBe('revision_conflict');
          expect(err.streamId).toBe(s);
          expect(err.expected).toBe(0);
          expect(err.actual).toBe(1);
          expect(await store.streamRevision(s)).toBe(1);
        },
        timeout,
      );

      it(
        'rejects no_stream on an existing stream and a revision on a missing stream',
        async () => {
          const s = streamId();
          await store.append(s, events(1), { expectedRevision: 'no_stream' });
          const e1 = (await errorOf(store.append(s, events(1), { expectedRevision: 'no_stream' }))) as WrongExpectedRevisionError;
          expect(e1).toBeInstanceOf(WrongExpectedRevisionError);
          expect([e1.expected, e1.actual]).toEqual(['no_stream', 0]);
          const missing = streamId();
          const e2 = (await errorOf(store.append(missing, events(1), { expectedRevision: 0 }))) as WrongExpectedRevisionError;
          expect(e2).toBeInstanceOf(WrongExpectedRevisionError);
          expect([e2.expected, e2.actual]).toEqual([0, 'no_stream']);
          expect(await store.streamRevision(missing)).toBe('no_stream');
          expect(await store.readStream(missing)).toEqual([]);
        },
        timeout,
      );

      it(
        'appends with any on a missing and on an existing stream, keeping the chain',
        async () => {
          const s = streamId();
          expect(await store.append(s, events(2), { expectedRevision: 'any' })).toMatchObject({ firstRevision: 0, nextExpectedRevision: 1 });
          expect(await store.append(s, events(2), { expectedRevision: 'any' })).toMatchObject({ firstRevision: 2, nextExpectedRevision: 3 });
          expect(verifyStreamChain(await store.readStream(s))).toMatchObject({ ok: true, eventCount: 4 });
        },
        timeout,
      );

      it(
        `lets exactly one of ${racers} parallel appends with the same expected revision win`,
        async () => {
          const s = streamId();
          await store.append(s, events(1), { expectedRevision: 'no_stream' });
          const batches = Array.from({ length: racers }, () => events(2));
          const outcomes = await Promise.allSettled(batches.map((b) => store.append(s, b, { expectedRevision: 0 })));
          const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
          expect(won).toHaveLength(1);
          for (const o of outcomes) {
            if (o.status === 'rejected') {
              expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
              expect((o.reason as WrongExpectedRevisionError).expected).toBe(0);
            }
          }
          const read = await store.readStream(s);
          expect(read.map((e) => e.id).slice(1)).toEqual(batches[won[0]].map((e) => e.id));
          expect(verifyStreamChain(read).ok).toBe(true);
        },
        timeout,
      );

      it(
        'lets parallel appends with any all succeed, each exactly once, in one verifiable chain',
        async () => {
          const s = streamId();
          const batches = Array.from({ length: racers }, () => events(2));
          const results = await Promise.all(batches.map((b) => store.append(s, b, { expectedRevision: 'any' })));
          const read = await store.readStream(s);
          expect(read).toHaveLength(racers * 2);
          expect(new Set(read.map((e) => e.id))).toEqual(new Set(batches.flat().map((e) => e.id)));
          expect(results.map((r) => r.firstRevision).sort((a, b) => a - b)).toEqual(batches.map((_, i) => i * 2));
          expect(verifyStreamChain(read).ok).toBe(true);
        },
        timeout,
      );
    });

    describe('idempotent append by event id', () => {
      it(
        'returns the original result for a retry and stores nothing twice',
        async () => {
          const s = streamId();
          await store.append(s, events(1), { expectedRevision: 'no_stream' });
          const batch = events(3);
          const first = await store.append(s, batch, { expectedRevision: 0 });
          const retry = await store.append(s, batch, { expectedRevision: 0 });
          expect(retry).toEqual(first);
          // still a no-op after the stream moved on
          await store.append(s, events(1), { expectedRevision: first.nextExpectedRevision });
          expect(await store.append(s, batch, { expectedRevision: 0 })).toEqual(first);
          const read = await store.readStream(s);
          expect(read).toHaveLength(5);
          expect(new Set(read.map((e) => e.id)).size).toBe(5);
        },
        timeout,
      );

      it(
        'stores once when the same append is sent twice at the same time',
        async () => {
          const s = streamId();
          const batch = events(2);
          const [a, b] = await Promise.all([
            store.append(s, batch, { expectedRevision: 'no_stream' }),
            store.append(s, batch, { expectedRevision: 'no_stream' }),
          ]);
          expect(a).toEqual(b);
          expect(await store.readStream(s)).toHaveLength(2);
        },
        timeout,
      );

      it(
        'is idempotent with any as well',
        async () => {
          const s = streamId();
          const batch = events(2);
          const first = await store.append(s, batch, { expectedRevision: 'any' });
          expect(await store.append(s, batch, { expectedRevision: 'any' })).toEqual(first);
          expect(await store.readStream(s)).toHaveLength(2);
        },
        timeout,
      );

      it(
        'rejects a partial overlap, ids of another stream and changed content, writing nothing',
        async () => {
          const s = streamId();
          const batch = events(2);
          await store.append(s, batch, { expectedRevision: 'no_stream' });

          const partial = [batch[1], contractEvent()];
          const e1 = await errorOf(store.append(s, partial, { expectedRevision: 1 }));
          expect(e1).toBeInstanceOf(DuplicateEventIdError);
          expect((e1 as DuplicateEventIdError).code).toBe('EVENT_STORE.DUPLICATE_EVENT_ID');
          expect((e1 as DuplicateEventIdError).kind).toBe('conflict');

          if (detectsIdsInOtherStreams) {
            const other = streamId();
            expect(await errorOf(store.append(other, batch, { expectedRevision: 'no_stream' }))).toBeInstanceOf(DuplicateEventIdError);
            expect(await store.streamRevision(other)).toBe('no_stream');
          }

          const changed = batch.map((e) => ({ ...e, data: { changed: true } }));
          expect(await errorOf(store.append(s, changed, { expectedRevision: 'no_stream' }))).toBeInstanceOf(DuplicateEventIdError);

          // the same ids at other revisions than this call would have written
          expect(await errorOf(store.append(s, batch, { expectedRevision: 1 }))).toBeInstanceOf(DuplicateEventIdError);

          expect((await store.readStream(s)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
        },
        timeout,
      );
    });

    describe('reading a stream', () => {
      let s: string;
      let written: NewEvent[];
      beforeAll(async () => {
        s = streamId();
        written = events(6);
        await store.append(s, written.slice(0, 2), { expectedRevision: 'no_stream' });
        await store.append(s, written.slice(2), { expectedRevision: 1 });
      }, timeout);
      const ids = (es: StoredEvent[]) => es.map((e) => e.id);

      it(
        'reads forward from the start and from a revision',
        async () => {
          expect(ids(await store.readStream(s))).toEqual(ids2(written));
          expect(ids(await store.readStream(s, { direction: 'forward', fromRevision: 3 }))).toEqual(ids2(written.slice(3)));
          expect(ids(await store.readStream(s, { fromRevision: 2n, maxCount: 2 }))).toEqual(ids2(written.slice(2, 4)));
          expect(await store.readStream(s, { fromRevision: 6 })).toEqual([]);
        },
        timeout,
      );

      it(
        'reads backward from the end and from a revision',
        async () => {
          expect(ids(await store.readStream(s, { direction: 'backward' }))).toEqual(ids2(written).reverse());
          expect(ids(await store.readStream(s, { direction: 'backward', fromRevision: 3, maxCount: 2 }))).toEqual([written[3].id, written[2].id]);
          expect(ids(await store.readStream(s, { direction: 'backward', fromRevision: 0 }))).toEqual([written[0].id]);
          expect(ids(await store.readStream(s, { direction: 'backward', fromRevision: 99, maxCount: 1 }))).toEqual([written[5].id]);
        },
        timeout,
      );

      it(
        'honours maxCount, including 0',
        async () => {
          expect(await store.readStream(s, { maxCount: 4 })).toHaveLength(4);
          expect(await store.readStream(s, { maxCount: 0 })).toEqual([]);
        },
        timeout,
      );
    });

    describe('the envelope', () => {
      it(
        'round-trips every field of DESIGN §4 exactly, with Chinese text and keys containing . and $',
        async () => {
          const s = streamId('案件');
          const data = {
            标题: '楼道堆放杂物，影响消防通道 🚒',
            'a.b': { $set: 1, 'c.d.e': [1, 2.5, -3, null, true, { $in: ['x'] }] },
            $where: 'not a query',
            nested: { deep: { deeper: { list: [[], {}, ''] } } },
            big: 9007199254740991,
            small: 1e-7,
            unicode: '\u2028\u2029 "quotes" \\ 𠮷',
          };
          const withBasis = contractEvent({
            type: 'PetitionAccepted',
            schemaVersion: 3,
            occurredAt: '2024-02-29T23:59:59.999+08:00',
            actor: { userId: '王五', role: 'petition_officer', unitId: '信访办-01', directoryVersion: 42 },
            jurisdiction: ['区-1', '街镇-3'],
            legalBasis: '信访工作条例§23',
            data,
          });
          const withoutBasis = contractEvent({ data: { 空: {} } });
          const before = Date.now();
          const r = await store.append(s, [withBasis, withoutBasis], { expectedRevision: 'no_stream' });
          const after = Date.now();
          const [a, b] = await store.readStream(s);

          const { legalBasis: _omit, ...withoutBasisFields } = withoutBasis;
          expect(a).toEqual({ ...withBasis, streamId: s, revision: 0, globalPosition: a.globalPosition, recordedAt: a.recordedAt, hash: a.hash });
          expect(b).toEqual({ ...withoutBasisFields, streamId: s, revision: 1, globalPosition: b.globalPosition, recordedAt: b.recordedAt, hash: b.hash });
          expect('legalBasis' in b).toBe(false);
          expect(Object.keys(a).sort()).toEqual(
            [
              'id',
              'type',
              'schemaVersion',
              'streamId',
              'revision',
              'globalPosition',
              'occurredAt',
              'recordedAt',
              'actor',
              'correlationId',
              'causationId',
              'jurisdiction',
              'legalBasis',
              'data',
              'hash',
            ].sort(),
          );
          expect(a.data).toEqual(data);
          expect(Number.isSafeInteger(a.globalPosition)).toBe(true);
          expect(b.globalPosition).toBe(r.lastPosition);
          expect(a.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          expect(Date.parse(a.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
          expect(Date.parse(a.recordedAt)).toBeLessThanOrEqual(after + 1000);
          expect(a.hash).toMatch(/^[0-9a-f]{64}$/);

          const viaAll = (await drainAll(store, a.globalPosition - 1)).filter((e) => e.streamId === s);
          expect(viaAll).toEqual([a, b]);
        },
        timeout,
      );

      it(
        'stores the trace context with the event, outside the hashed content',
        async () => {
          const s = streamId('trace');
          const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
          const traced = contractEvent({ traceparent });
          const plain = contractEvent();
          await store.append(s, [traced, plain], { expectedRevision: 'no_stream' });
          const [a, b] = await store.readStream(s);
          expect(a.traceparent).toBe(traceparent);
          expect('traceparent' in b).toBe(false);
          expect((await drainAll(store, a.globalPosition - 1)).find((e) => e.id === traced.id)?.traceparent).toBe(traceparent);
          // the chain does not cover it: the same event without it hashes the same
          const { traceparent: _t, ...untraced } = a;
          expect(verifyStreamChain([untraced, b]).ok).toBe(true);
          expect(verifyStreamChain([{ ...a, traceparent: '00-00000000000000000000000000000001-0000000000000001-00' }, b]).ok).toBe(true);
          // a retried append from another span is still the same append
          await expect(
            store.append(s, [{ ...traced, traceparent: '00-11111111111111111111111111111111-2222222222222222-01' }, plain], { expectedRevision: 'no_stream' }),
          ).resolves.toMatchObject({ firstRevision: 0 });
          expect((await store.readStream(s))[0].traceparent).toBe(traceparent);
          await expect(
            store.append(streamId('trace-bad'), [contractEvent({ traceparent: 'not-a-trace' })], { expectedRevision: 'no_stream' }),
          ).rejects.toBeInstanceOf(InvalidEventError);
        },
        timeout,
      );

      it(
        'keeps a hash chain that verifies across appends and detects tampering',
        async () => {
          const s = streamId();
          await store.append(s, events(2), { expectedRevision: 'no_stream' });
          await store.append(s, events(3), { expectedRevision: 1 });
          const read = await store.readStream(s);
          expect(verifyStreamChain(read)).toEqual({ ok: true, eventCount: 5, lastHash: read[4].hash });
          expect(read[0].hash).not.toBe(GENESIS_HASH);

          const altered = read.map((e) => ({ ...e }));
          altered[3] = { ...altered[3], data: { ...altered[3].data, i: 99 } };
          expect(verifyStreamChain(altered)).toMatchObject({ ok: false, index: 3, reason: 'hash_mismatch' });
          expect(verifyStreamChain([read[0], read[2]])).toMatchObject({ ok: false, index: 1, reason: 'revision_gap' });
          // a slice verifies from the hash before it
          expect(verifyStreamChain(read.slice(2), { prevHash: read[1].hash }).ok).toBe(true);
        },
        timeout,
      );

      it(
        'refuses malformed events with a validation error and writes nothing',
        async () => {
          const s = streamId();
          const bad: Array<Partial<NewEvent> | Record<string, unknown>> = [
            { id: 'not-a-uuid' },
            { id: '0190b6a8-3a4b-4c5d-8e9f-0a1b2c3d4e5f' }, // a v4-shaped id, not v7
            { occurredAt: 'yesterday' },
            { schemaVersion: 0 },
            { data: { when: new Date() } },
            { data: { n: Number.NaN } },
            { data: [1, 2] },
            { jurisdiction: 'district-1' },
            { actor: { userId: 'u' } },
          ];
          for (const overrides of bad) {
            const e = await errorOf(store.append(s, [contractEvent(overrides as Partial<NewEvent>)], { expectedRevision: 'any' }));
            expect(e).toBeInstanceOf(InvalidEventError);
            expect((e as InvalidEventError).kind).toBe('validation');
          }
          const dup = contractEvent();
          expect(await errorOf(store.append(s, [dup, dup], { expectedRevision: 'any' }))).toBeInstanceOf(InvalidEventError);
          expect(await errorOf(store.append(s, [], { expectedRevision: 'any' }))).toBeInstanceOf(InvalidEventError);
          expect(await errorOf(store.append(s, events(1), { expectedRevision: 2 ** 60 }))).toBeInstanceOf(InvalidEventError);
          expect(await store.streamRevision(s)).toBe('no_stream');
        },
        timeout,
      );
    });

    describe('reading all events after a checkpoint', () => {
      it(
        'pages in increasing global position from any checkpoint',
        async () => {
          const start = await drainAll(store, 0).then((es) => (es.length ? es[es.length - 1].globalPosition : 0));
          const s1 = streamId();
          const s2 = streamId();
          await store.append(s1, events(2), { expectedRevision: 'no_stream' });
          await store.append(s2, events(3), { expectedRevision: 'no_stream' });
          await store.append(s1, events(1), { expectedRevision: 1 });
          const mine = (es: StoredEvent[]) => es.filter((e) => e.streamId === s1 || e.streamId === s2);
          const all = mine(await drainAll(store, start, 2));
          expect(all.map((e) => [e.streamId, e.revision])).toEqual([
            [s1, 0],
            [s1, 1],
            [s2, 0],
            [s2, 1],
            [s2, 2],
            [s1, 2],
          ]);
          // resume from the middle of an append
          const tail = mine(await drainAll(store, all[3].globalPosition, 1));
          expect(tail.map((e) => e.id)).toEqual(all.slice(4).map((e) => e.id));
          expect(await store.readAll({ afterPosition: all[5].globalPosition, maxCount: 0 })).toEqual([]);
          const page = await store.readAll({ afterPosition: start, maxCount: 3 });
          expect(page.length).toBeLessThanOrEqual(3);
          expect(page.length).toBeGreaterThan(0);
        },
        timeout,
      );

      it(
        `never skips and never repeats while ${writers} writers append ${eventsPerWriter} events each`,
        async () => {
          const start = await drainAll(store, 0).then((es) => (es.length ? es[es.length - 1].globalPosition : 0));
          const streams = Array.from({ length: writers }, () => streamId('tail'));
          const mineSet = new Set(streams);
          const expectedIds = new Set<string>();
          let writing = true;

          const writer = async (s: string, w: number) => {
            let revision: number | 'no_stream' = 'no_stream';
            let written = 0;
            while (written < eventsPerWriter) {
              const n = Math.min(1 + ((w + written) % 3), eventsPerWriter - written); // appends of 1–3 events
              const batch = events(n);
              batch.forEach((e) => expectedIds.add(e.id));
              const r = await store.append(s, batch, { expectedRevision: revision });
              revision = r.nextExpectedRevision;
              written += n;
            }
          };

          const seen: StoredEvent[] = [];
          let checkpoint = start;
          let pages = 0;
          const readPage = async () => {
            const page = await store.readAll({ afterPosition: checkpoint, maxCount: 7 });
            pages += 1;
            for (const e of page) {
              if (e.globalPosition <= checkpoint) throw new Error(`position ${e.globalPosition} not after checkpoint ${checkpoint}`);
              checkpoint = e.globalPosition;
              if (mineSet.has(e.streamId)) seen.push(e);
            }
            return page.length;
          };
          const reader = async () => {
            while (writing) {
              if ((await readPage()) === 0) await new Promise((r) => setTimeout(r, 2));
            }
            while ((await readPage()) > 0) {
              // drain what was written before the writers finished
            }
          };

          const readerDone = reader();
          try {
            await Promise.all(streams.map((s, w) => writer(s, w)));
          } finally {
            writing = false;
          }
          await readerDone;

          const seenIds = seen.map((e) => e.id);
          expect(new Set(seenIds).size).toBe(seenIds.length); // never repeats
          expect(seenIds.length).toBe(writers * eventsPerWriter);
          expect(new Set(seenIds)).toEqual(expectedIds); // never skips
          expect(pages).toBeGreaterThan(2);
          // per-stream order is kept in the global order
          for (const s of streams) {
            expect(seen.filter((e) => e.streamId === s).map((e) => e.revision)).toEqual([...Array(eventsPerWriter).keys()]);
            expect(verifyStreamChain(seen.filter((e) => e.streamId === s)).ok).toBe(true);
          }
        },
        Math.max(timeout, 120_000),
      );
    });
  });
}

function ids2(es: NewEvent[]): string[] {
  return es.map((e) => e.id);
}
