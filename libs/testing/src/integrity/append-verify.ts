/**
 * For each context's domain specs (issue 12, item 1): its events, as its own fixtures build them,
 * appended through the real store with a human actor carrying every envelope field (directory
 * version, unit, role), a correlation and causation, a jurisdiction and a legal basis; then the
 * store is verified. Append and verify must hash the same bytes for every event type.
 */
import canonicalize from 'canonicalize';
import { canonicalEnvelope, hashedContent, SqliteEventStore, verifyStore, type NewEvent } from '@fengqiao/event-store';
import { newId, type Event } from '@fengqiao/kernel';

export interface AppendVerifyResult {
  /** every event type appended, sorted */
  types: string[];
  /** empty when append and verify agree for every event */
  failures: string[];
}

export async function appendAndVerifyEveryEvent(events: readonly Event[], streamPrefix: string): Promise<AppendVerifyResult> {
  const store = new SqliteEventStore({ path: ':memory:' });
  try {
    const byType = new Map<string, Event>();
    for (const e of events) if (!byType.has(e.type)) byType.set(e.type, e);
    let n = 0;
    for (const e of byType.values()) {
      const correlationId = newId();
      const stored: NewEvent = {
        id: newId(),
        type: e.type,
        schemaVersion: 1,
        occurredAt: '2026-03-02T09:30:00.123+08:00',
        actor: { userId: `u-${++n}`, role: 'operator', unitId: 'v-1-1', directoryVersion: 40 + n },
        correlationId,
        causationId: correlationId,
        jurisdiction: ['d-fq', 't-1', 'v-1-1'],
        legalBasis: e.legalBasis ?? '人民调解法§17',
        data: JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>,
      };
      // two events per stream, so each type is also checked as a successor in a chain
      await store.append(`${streamPrefix}${n}`, [stored, { ...stored, id: newId() }], { expectedRevision: 'no_stream' });
    }
    const failures: string[] = [];
    for (const s of await store.readAll({ maxCount: 1_000_000 })) {
      if (canonicalEnvelope(s, canonicalize(s.data) as string) !== canonicalize(hashedContent(s))) failures.push(`${s.type}: canonical bytes differ`);
      if (s.actor.directoryVersion === undefined) failures.push(`${s.type}: directoryVersion not stored`);
    }
    const verified = await verifyStore(store, { densePositions: true });
    for (const f of verified.failures) failures.push(`${f.reason} ${f.event?.streamId ?? ''}: ${f.detail}`);
    return { types: [...byType.keys()].sort(), failures };
  } finally {
    await store.close();
  }
}
