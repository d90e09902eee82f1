import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '@fengqiao/kernel';
import type { StoredEvent } from '../event-store.port';
import { verifyStreamChain } from '../integrity/hash-chain';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { UpcasterRegistry, withUpcasting } from './upcaster-registry';

/**
 * CaseReported history (a sample type for the mechanism):
 * v1 { caseId, title, address, reporterPhone }
 * v2 { caseId, title, location: { address }, reporter: { phone, … } }
 * v3 v2 + channel (events written before channels existed say 'unknown')
 */
function registry(): UpcasterRegistry {
  return new UpcasterRegistry()
    .register('CaseReported', 1, ({ address, reporterPhone, ...rest }) => ({ ...rest, location: { address }, reporter: { phone: reporterPhone } }))
    .register('CaseReported', 2, (data) => ({ ...data, channel: data.channel ?? 'unknown' }));
}

interface Fixture {
  description: string;
  events: StoredEvent[];
  current: Array<Pick<StoredEvent, 'type' | 'schemaVersion' | 'data'>>;
}

const fixturesDir = join(__dirname, '__fixtures__');
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) as Fixture] as const);

describe('upcasting: golden fixtures of old-version events', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(2);
  });

  it.each(fixtures)('%s is a genuine stored stream (its hash chain verifies as written)', (_file, fixture) => {
    expect(verifyStreamChain(fixture.events)).toMatchObject({ ok: true });
  });

  it.each(fixtures)('%s reads as the current version', (_file, fixture) => {
    const upcasters = registry();
    const current = fixture.events.map((e) => upcasters.upcast(e));
    expect(current.map(({ type, schemaVersion, data }) => ({ type, schemaVersion, data }))).toEqual(fixture.current);
    // only type-specific data and version change; the envelope (hash included) is as stored
    current.forEach((c, i) => {
      const { data: _d, schemaVersion: _v, ...envelope } = c;
      const { data: _d0, schemaVersion: _v0, ...stored } = fixture.events[i];
      expect(envelope).toEqual(stored);
    });
  });
});

describe('UpcasterRegistry', () => {
  const event = (type: string, schemaVersion: number, data: Record<string, unknown>): StoredEvent => ({
    id: newId(),
    type,
    schemaVersion,
    streamId: 's',
    revision: 0,
    globalPosition: 1,
    occurredAt: '2024-01-01T00:00:00Z',
    recordedAt: '2024-01-01T00:00:00.000Z',
    actor: { userId: 'u', role: 'operator', unitId: 'x' },
    correlationId: 'c',
    causationId: 'c',
    jurisdiction: [],
    data,
    hash: 'h',
  });

  it('knows the current version per type', () => {
    expect(registry().currentVersion('CaseReported')).toBe(3);
    expect(registry().currentVersion('Unknown')).toBe(1);
  });

  it('leaves current, unknown-type and newer events unchanged', () => {
    const r = registry();
    for (const e of [event('CaseReported', 3, { a: 1 }), event('Other', 1, { a: 1 }), event('CaseReported', 4, { future: true })]) {
      expect(r.upcast(e)).toBe(e);
    }
  });

  it('refuses a second upcaster for the same step and finds holes in a chain', () => {
    expect(() => registry().register('CaseReported', 2, (d) => d)).toThrow(/already registered/);
    const holed = new UpcasterRegistry().register('X', 1, (d) => d).register('X', 3, (d) => d);
    expect(() => holed.assertComplete()).toThrow(/X v2 → v3/);
    expect(() => holed.upcast(event('X', 1, {}))).toThrow(/X v2 → v3/);
    expect(() => registry().assertComplete()).not.toThrow();
  });

  it('upcasts on read through withUpcasting, while the raw store still verifies', async () => {
    const raw = new SqliteEventStore({ path: ':memory:' });
    const store = withUpcasting(raw, registry());
    try {
      const base = {
        occurredAt: '2024-01-01T08:00:00+08:00',
        actor: { userId: 'u', role: 'grid_worker' as const, unitId: 'grid-1' },
        correlationId: newId(),
        causationId: newId(),
        jurisdiction: ['district-1'],
      };
      await store.append(
        'grid-case-1',
        [
          { ...base, id: newId(), type: 'CaseReported', schemaVersion: 1, data: { caseId: '1', title: 't', address: 'a', reporterPhone: 'p' } },
          {
            ...base,
            id: newId(),
            type: 'CaseReported',
            schemaVersion: 3,
            data: { caseId: '2', title: 't', location: { address: 'b' }, reporter: { phone: 'q' }, channel: 'app' },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      const read = await store.readStream('grid-case-1');
      expect(read.map((e) => [e.schemaVersion, e.data])).toEqual([
        [3, { caseId: '1', title: 't', location: { address: 'a' }, reporter: { phone: 'p' }, channel: 'unknown' }],
        [3, { caseId: '2', title: 't', location: { address: 'b' }, reporter: { phone: 'q' }, channel: 'app' }],
      ]);
      expect((await store.readAll()).map((e) => e.schemaVersion)).toEqual([3, 3]);
      expect(verifyStreamChain(await raw.readStream('grid-case-1')).ok).toBe(true);
      expect(await store.streamRevision('grid-case-1')).toBe(1);
    } finally {
      await store.close();
    }
  });
});
