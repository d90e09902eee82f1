import canonicalize from 'canonicalize';
import fc from 'fast-check';
import type { Role } from '@fengqiao/kernel';
import type { HashedContent, NewEvent } from '../event-store.port';
import { buildEvents, EMPTY_HEAD, encodeEvents } from '../envelope';
import { canonicalContent, canonicalEnvelope, hashedContent, hashEvent } from './hash-chain';

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
const jsonData = fc.dictionary(text, fc.jsonValue()) as fc.Arbitrary<Record<string, unknown>>;

const content: fc.Arbitrary<HashedContent> = fc
  .record({
    id: text,
    type: text,
    schemaVersion: fc.integer({ min: 1, max: 1000 }),
    streamId: text,
    revision: fc.nat(),
    occurredAt: text,
    recordedAt: text,
    actor: fc.record({ userId: text, role: text, unitId: text, directoryVersion: fc.option(fc.nat(), { nil: undefined }) }),
    correlationId: text,
    causationId: text,
    jurisdiction: fc.array(text, { maxLength: 4 }),
    data: jsonData,
    legalBasis: fc.option(text, { nil: undefined }),
  })
  .map(({ legalBasis, actor, ...rest }) => {
    // any string, not only a known role: the serialiser must hold for every string
    const { directoryVersion, ...who } = actor;
    const c: HashedContent = { ...rest, actor: { ...who, role: actor.role as Role, ...(directoryVersion !== undefined ? { directoryVersion } : {}) } };
    if (legalBasis !== undefined) c.legalBasis = legalBasis;
    return c;
  });

describe('canonicalEnvelope (the hash input built from the data JSON, without serialising data twice)', () => {
  it('is byte-identical to the RFC 8785 JSON of the hashed content, for any strings and data', () => {
    fc.assert(
      fc.property(content, (c) => {
        const dataJson = canonicalize(c.data) as string;
        expect(canonicalEnvelope(c, dataJson)).toBe(canonicalize(hashedContent(c)));
        expect(canonicalContent(c)).toBe(canonicalize(hashedContent(c)));
      }),
      { numRuns: 500 },
    );
  });

  it('gives encodeEvents the same hashes as hashing the full content, and the data JSON it stores', () => {
    const events: NewEvent[] = [0, 1, 2].map((i) => ({
      id: `0190a7a4-0000-7000-8000-00000000000${i}`,
      type: 'CaseNoted',
      schemaVersion: 1,
      occurredAt: '2024-03-01T09:00:00+08:00',
      // a human actor carries every envelope field, the directory version included
      actor: { userId: 'u', role: 'grid_worker', unitId: 'g-1', ...(i !== 2 ? { directoryVersion: 7 + i } : {}) },
      correlationId: 'c',
      causationId: 'k',
      jurisdiction: ['d-1'],
      ...(i === 1 ? { legalBasis: '信访工作条例§31' } : {}),
      data: { z: i, a: { 'x.y': [1, '二', null] }, $k: true },
    }));
    const encoded = encodeEvents('case-1', events, EMPTY_HEAD, '2024-03-01T01:00:00.000Z');
    const built = buildEvents('case-1', events, EMPTY_HEAD, '2024-03-01T01:00:00.000Z');
    let prev = EMPTY_HEAD.hash;
    encoded.forEach(({ event, dataJson }, i) => {
      expect(dataJson).toBe(canonicalize(events[i].data));
      expect(event.hash).toBe(hashEvent(prev, event));
      expect(built[i].hash).toBe(event.hash);
      expect(built[i].data).toEqual(events[i].data);
      expect(built[i].data).not.toBe(events[i].data); // buildEvents still hands out a copy
      prev = event.hash;
    });
  });
});
