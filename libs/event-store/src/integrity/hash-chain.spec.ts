import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { newId } from '@fengqiao/kernel';
import type { NewEvent, StoredEvent } from '../event-store.port';
import { buildEvents, EMPTY_HEAD } from '../envelope';
import { GENESIS_HASH, canonicalContent, canonicalEnvelope, hashCanonical, hashEvent, verifyStreamChain } from './hash-chain';

function newEvent(i: number, legalBasis?: string): NewEvent {
  return {
    id: newId(),
    type: 'MediationRegistered',
    schemaVersion: 1,
    occurredAt: '2024-03-01T09:00:00+08:00',
    actor: { userId: 'mediator-1', role: 'mediator', unitId: 'committee-1' },
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    jurisdiction: ['district-1', 'town-2'],
    ...(legalBasis ? { legalBasis } : {}),
    data: { i, 当事人: '甲', 'x.y': { $z: i } },
  };
}

function chain(n: number, streamId = 'mediation-1'): StoredEvent[] {
  const built = buildEvents(
    streamId,
    Array.from({ length: n }, (_, i) => newEvent(i, i % 2 ? '人民调解法§17' : undefined)),
    EMPTY_HEAD,
    '2024-03-01T01:00:00.123Z',
  );
  return built.map((e, i) => ({ ...e, globalPosition: 100 + i }));
}

describe('hash chain', () => {
  it('is SHA-256 over the previous hash, a newline and the RFC 8785 JSON of the event without hash and globalPosition', () => {
    const [e0, e1] = chain(2);
    const { hash: _h, globalPosition: _g, ...content } = e0;
    const expected0 = createHash('sha256')
      .update(`${GENESIS_HASH}\n${canonicalize(content)}`)
      .digest('hex');
    expect(e0.hash).toBe(expected0);
    expect(hashEvent(GENESIS_HASH, e0)).toBe(expected0);
    const { hash: _h1, globalPosition: _g1, ...content1 } = e1;
    expect(e1.hash).toBe(
      createHash('sha256')
        .update(`${e0.hash}\n${canonicalize(content1)}`)
        .digest('hex'),
    );
  });

  it('does not depend on key order or on globalPosition', () => {
    const [e0] = chain(1);
    const reordered = Object.fromEntries(Object.entries(e0).reverse()) as unknown as StoredEvent;
    expect(hashEvent(GENESIS_HASH, reordered)).toBe(e0.hash);
    expect(hashEvent(GENESIS_HASH, { ...e0, globalPosition: 999 })).toBe(e0.hash);
    expect(canonicalContent(e0)).not.toContain('globalPosition');
    expect(canonicalContent(e0)).not.toContain('"hash"');
  });

  it('covers every other envelope field', () => {
    const [e0] = chain(1);
    const changes: Array<Partial<StoredEvent>> = [
      { id: newId() },
      { type: 'Other' },
      { schemaVersion: 2 },
      { streamId: 'other' },
      { revision: 1 },
      { occurredAt: '2024-03-01T09:00:01+08:00' },
      { recordedAt: '2024-03-01T01:00:00.124Z' },
      { actor: { ...e0.actor, role: 'operator' } },
      { correlationId: 'corr-2' },
      { causationId: 'cmd-2' },
      { jurisdiction: ['district-1'] },
      { legalBasis: '信访工作条例§22' },
      { data: { ...e0.data, i: 1 } },
    ];
    for (const change of changes) expect(hashEvent(GENESIS_HASH, { ...e0, ...change })).not.toBe(e0.hash);
  });

  it("hashes the actor's directory version the same way at append (canonicalEnvelope) and at verification", () => {
    const e = { ...chain(1)[0], actor: { ...chain(1)[0].actor, directoryVersion: 7 } };
    expect(canonicalEnvelope(e, canonicalize(e.data) as string)).toBe(canonicalContent(e));
    expect(hashEvent(GENESIS_HASH, e)).not.toBe(hashEvent(GENESIS_HASH, { ...e, actor: { ...e.actor, directoryVersion: 8 } }));
  });

  it('verifies a good chain and names the first bad event and why', () => {
    const es = chain(5);
    expect(verifyStreamChain(es)).toEqual({ ok: true, eventCount: 5, lastHash: es[4].hash });
    expect(verifyStreamChain([])).toEqual({ ok: true, eventCount: 0, lastHash: GENESIS_HASH });

    const tampered = es.map((e) => ({ ...e }));
    tampered[2] = { ...tampered[2], actor: { ...tampered[2].actor, userId: 'someone-else' } };
    expect(verifyStreamChain(tampered)).toMatchObject({ ok: false, index: 2, reason: 'hash_mismatch' });

    // an altered event whose hash was recomputed still breaks its successor
    const rehashed = es.map((e) => ({ ...e }));
    rehashed[1] = { ...rehashed[1], data: { forged: true } };
    rehashed[1].hash = hashEvent(es[0].hash, rehashed[1]);
    expect(verifyStreamChain(rehashed)).toMatchObject({ ok: false, index: 2, reason: 'hash_mismatch' });

    expect(verifyStreamChain([es[0], es[1], es[3]])).toMatchObject({ ok: false, index: 2, reason: 'revision_gap' });
    expect(verifyStreamChain([es[0], es[2], es[1]])).toMatchObject({ ok: false, index: 1, reason: 'revision_gap' });
    expect(verifyStreamChain([es[0], es[1], es[1]])).toMatchObject({ ok: false, index: 2, reason: 'reordered' });
    expect(verifyStreamChain(es.slice(1))).toMatchObject({ ok: false, index: 0, reason: 'revision_gap' });
    const other = chain(2, 'mediation-2');
    expect(verifyStreamChain([es[0], other[1]])).toMatchObject({ ok: false, index: 1, reason: 'wrong_stream' });
    expect(verifyStreamChain(es.slice(2), { prevHash: es[1].hash }).ok).toBe(true);
    expect(verifyStreamChain(es.slice(2), { prevHash: es[0].hash })).toMatchObject({ ok: false, index: 0, reason: 'hash_mismatch' });
  });

  it('hashes stored UTF-8 bytes exactly as the text they encode, whatever the previous hash and the length', () => {
    const reference = (prev: string, text: string) => createHash('sha256').update(`${prev}\n${text}`, 'utf8').digest('hex');
    const hex = 'ab'.repeat(32);
    const odd = ['篡改'.repeat(32), 'short', 'x'.repeat(70), `${'a'.repeat(63)}改`];
    // lengths around the reused buffer's size (64 KiB), and many lengths in a row (one view each)
    const texts = [
      '{"a":"当事人"}',
      ...Array.from({ length: 50 }, (_, i) => `{"n":"${'字'.repeat(i * 7)}"}`),
      `{"big":"${'x'.repeat(64 * 1024 - 80)}"}`,
      `{"big":"${'x'.repeat(64 * 1024)}"}`,
    ];
    for (const text of texts) {
      const bytes = Buffer.from(text, 'utf8');
      for (const prev of [GENESIS_HASH, hex, ...odd]) expect(hashCanonical(prev, bytes)).toBe(reference(prev, text));
      expect(hashCanonical(hex, new Uint8Array(bytes))).toBe(hashCanonical(hex, text));
    }
  });
});
