import { newId } from '@fengqiao/kernel';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import type { EventStore, NewEvent } from '../event-store.port';
import { hashEvent, GENESIS_HASH } from '../integrity/hash-chain';
import { CheckpointSigner, InMemoryCheckpointStore, MerkleCheckpointer, SignedCheckpoint, exportKeySet } from '../merkle';
import { CaseEvidence, buildCaseEvidence, verifyCaseEvidence } from './case-evidence';
import { EventStoreMerkleLog } from './event-store-merkle-log';

const origin = 'fengqiao/test/event-store';

function event(n: number): NewEvent {
  return {
    id: newId(),
    type: `Step${n}`,
    schemaVersion: 1,
    occurredAt: '2025-03-01T08:00:00.000+08:00',
    actor: { userId: 'operator-1', role: 'operator', unitId: 'village-12' },
    correlationId: newId(),
    causationId: newId(),
    jurisdiction: ['district-1'],
    data: { n },
  };
}

async function checkpointOf(store: EventStore, signer: CheckpointSigner): Promise<SignedCheckpoint> {
  const follower = new EventStoreMerkleLog(store);
  await follower.catchUp();
  return new MerkleCheckpointer({ log: follower.log, signer, store: new InMemoryCheckpointStore(), origin }).checkpoint();
}

describe('case evidence bundle (inclusion proofs for the events of a case)', () => {
  const signer = CheckpointSigner.generate();
  const trust = { keySet: exportKeySet([signer.publicKey]) };
  let store: SqliteEventStore;
  const caseStream = `grid-case-${newId()}`;
  const other = `grid-case-${newId()}`;
  let checkpoint: SignedCheckpoint;

  beforeAll(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    for (let i = 0; i < 9; i++) {
      const s = i % 3 === 0 ? caseStream : other;
      await store.append(s, [event(i)], { expectedRevision: 'any' });
    }
    checkpoint = await checkpointOf(store, signer);
    await store.append(caseStream, [event(99)], { expectedRevision: 'any' }); // after the checkpoint
  });
  afterAll(() => store.close());

  const bundle = async (): Promise<CaseEvidence> =>
    JSON.parse(JSON.stringify(await buildCaseEvidence(store, caseStream, checkpoint, signer.publicKey))) as CaseEvidence;

  it('holds the case events the checkpoint covers and verifies offline from JSON', async () => {
    const evidence = await bundle();
    expect(evidence.events.map((e) => e.proof.leafIndex)).toEqual([0, 3, 6]);
    expect(evidence.events.every((e) => e.proof.treeSize === 9)).toBe(true);
    expect(verifyCaseEvidence(evidence, trust)).toEqual({ ok: true, eventCount: 3, treeSize: 9 });
  });

  it('refuses an edited event (chain), a consistently forged event (not in the log), a moved proof and a foreign key', async () => {
    const edited = await bundle();
    edited.events[1].event.data = { n: 1000 };
    expect(verifyCaseEvidence(edited, trust)).toMatchObject({ ok: false, reason: 'CHAIN_BROKEN', eventId: edited.events[1].event.id });

    const forged = await bundle();
    let prev = GENESIS_HASH;
    for (const item of forged.events) {
      if (item.event.revision === 2) item.event.data = { n: 1000 };
      item.event.hash = hashEvent(prev, item.event);
      prev = item.event.hash;
    }
    expect(verifyCaseEvidence(forged, trust)).toMatchObject({ ok: false, reason: 'EVENT_NOT_INCLUDED', eventId: forged.events[2].event.id });

    const moved = await bundle();
    moved.events[0].proof.leafIndex = 1;
    expect(verifyCaseEvidence(moved, trust)).toMatchObject({ ok: false, reason: 'EVENT_NOT_INCLUDED' });

    const foreign = await bundle();
    expect(verifyCaseEvidence(foreign, { keySet: exportKeySet([CheckpointSigner.generate().publicKey]) })).toMatchObject({
      ok: false,
      reason: 'CHECKPOINT_SIGNATURE_INVALID',
    });
  });

  it('is not issued from a log that does not extend the checkpoint', async () => {
    const elsewhere = new SqliteEventStore({ path: ':memory:' });
    try {
      for (let i = 0; i < 9; i++) await elsewhere.append(caseStream, [event(i)], { expectedRevision: 'any' });
      await expect(buildCaseEvidence(elsewhere, caseStream, checkpoint, signer.publicKey)).rejects.toThrow(/LOG_INCONSISTENT_WITH_CHECKPOINT/);
    } finally {
      await elsewhere.close();
    }
  });
});
