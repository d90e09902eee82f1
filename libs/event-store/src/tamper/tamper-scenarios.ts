/**
 * Tamper scenarios shared by the sqlite and mongodb specs. Each scenario edits the stored
 * rows / documents DIRECTLY (as someone with database access would, bypassing the store), then
 * runs `verifyStore` once per check alone and once with all checks, and asserts on the reason
 * codes. Because each check also runs alone, a scenario fails as soon as the check that catches
 * it is removed or weakened; where a scenario is caught by one check only, the other checks
 * passing proves that too. Used by the specs only; not exported from the package index.
 */
import { FixedClock, newId } from '@fengqiao/kernel';
import type { EventStore, NewEvent, StoredEvent } from '../event-store.port';
import { hashEvent } from '../integrity/hash-chain';
import {
  CheckpointSigner,
  InMemoryCheckpointStore,
  MerkleCheckpointer,
  SignedCheckpoint,
  exportCheckpoint,
  exportKeySet,
  parseExportedCheckpoint,
} from '../merkle';
import { InMemorySubjectKeyStore, MasterKeyring, PersonalDataCipher, isErasedPersonalData, isSealedPersonalData } from '../pii';
import { EventStoreMerkleLog } from './event-store-merkle-log';
import { IntegrityCheck, IntegrityFailureReason, StoreVerification, VerifyStoreOptions, verifyStore } from './verify-store';

export type AdapterKind = 'sqlite' | 'mongodb';

/** Direct access to the storage, bypassing the EventStore. */
export interface RawStorage {
  /** Replaces an event's payload, leaving its stored hash as it was. */
  setData(eventId: string, data: Record<string, unknown>): Promise<void>;
  /** Replaces an event's payload and stored hash. */
  setDataAndHash(eventId: string, data: Record<string, unknown>, hash: string): Promise<void>;
  deleteEvent(eventId: string): Promise<void>;
  /** Exchanges the revisions of two events of one stream. */
  swapRevisions(eventIdA: string, eventIdB: string): Promise<void>;
  /** Deletes the events of a stream from a revision on. */
  deleteStreamFrom(streamId: string, fromRevision: number): Promise<void>;
  /** Renumbers global positions 1, 2, 3 … in their current order (hides holes). */
  renumberPositions(): Promise<void>;
  /** Exchanges the global positions of two events. */
  swapPositions(eventIdA: string, eventIdB: string): Promise<void>;
}

export interface TamperHarness {
  kind: AdapterKind;
  /** A new store instance over this test's storage. */
  open(): Promise<EventStore>;
  raw: RawStorage;
  close(): Promise<void>;
}

const origin = 'fengqiao/test-district/event-store';
const actor = { userId: 'operator-1', role: 'operator' as const, unitId: 'village-12' };

function event(type: string, data: Record<string, unknown>): NewEvent {
  return {
    id: newId(),
    type,
    schemaVersion: 1,
    occurredAt: '2025-03-01T08:00:00.000+08:00',
    actor,
    correlationId: newId(),
    causationId: newId(),
    jurisdiction: ['district-1', 'town-3', 'village-12'],
    data,
  };
}

interface Seeded {
  store: EventStore;
  /** ids[stream][revision] */
  ids: Record<'A' | 'B' | 'C' | 'E', string[]>;
  streamIds: Record<'A' | 'B' | 'C' | 'E', string>;
  signer: CheckpointSigner;
  cp6: SignedCheckpoint;
  cp13: SignedCheckpoint;
  keySetJson: string;
}

/**
 * 13 events, one append each, streams interleaved, with checkpoints after 6 and 13 events:
 *   position  1  2  3  4  5  6 | 7  8  9  10 11 12 13
 *   event     A0 B0 C0 A1 B1 C1| A2 B2 A3 B3 A4 E0 E1
 */
async function seed(h: TamperHarness): Promise<Seeded> {
  const store = await h.open();
  const streamIds = { A: `grid-case-${newId()}`, B: `mediation-case-${newId()}`, C: `petition-${newId()}`, E: `grid-case-${newId()}` };
  const ids: Seeded['ids'] = { A: [], B: [], C: [], E: [] };
  const append = async (s: 'A' | 'B' | 'C' | 'E'): Promise<void> => {
    const e = event(`Step${ids[s].length}`, { stream: s, step: ids[s].length, note: `第 ${ids[s].length} 步` });
    await store.append(streamIds[s], [e], { expectedRevision: ids[s].length === 0 ? 'no_stream' : ids[s].length - 1 });
    ids[s].push(e.id);
  };
  const signer = CheckpointSigner.generate();
  const follower = new EventStoreMerkleLog(store);
  const checkpointer = new MerkleCheckpointer({
    log: follower.log,
    signer,
    store: new InMemoryCheckpointStore(),
    origin,
    clock: new FixedClock('2025-03-01T09:00:00.000Z'),
  });
  for (const s of ['A', 'B', 'C', 'A', 'B', 'C'] as const) await append(s);
  await follower.catchUp();
  const cp6 = await checkpointer.checkpoint();
  for (const s of ['A', 'B', 'A', 'B', 'A', 'E', 'E'] as const) await append(s);
  await follower.catchUp();
  const cp13 = await checkpointer.checkpoint();
  return { store, ids, streamIds, signer, cp6, cp13, keySetJson: JSON.stringify(exportKeySet([signer.publicKey])) };
}

type Expected = Record<IntegrityCheck, IntegrityFailureReason[]>;

/** Runs each check alone, then all together; returns the full run. */
async function verifyEachCheck(store: EventStore, options: VerifyStoreOptions, expected: Expected): Promise<StoreVerification> {
  for (const check of ['log_order', 'chain', 'checkpoint'] as const) {
    const alone = await verifyStore(store, { ...options, checks: [check] });
    expect({ check, reasons: alone.failures.map((f) => f.reason).sort() }).toEqual({ check, reasons: [...expected[check]].sort() });
  }
  const all = await verifyStore(store, options);
  expect(all.failures.map((f) => f.reason).sort()).toEqual(Object.values(expected).flat().sort());
  expect(all.ok).toBe(all.failures.length === 0);
  return all;
}

export function tamperScenarios(name: string, makeHarness: () => Promise<TamperHarness>): void {
  describe(`tamper detection: ${name}`, () => {
    let h: TamperHarness;
    let s: Seeded;
    /** What the auditor holds: exported checkpoints and the key set, parsed back from JSON. */
    let auditor: () => VerifyStoreOptions;

    beforeEach(async () => {
      h = await makeHarness();
      s = await seed(h);
      const exported = [s.cp6, s.cp13].map((cp) => JSON.stringify(exportCheckpoint(cp, s.signer.publicKey)));
      auditor = () => ({
        checkpoints: exported.map((json) => parseExportedCheckpoint(json)),
        keySet: JSON.parse(s.keySetJson),
        origin,
        densePositions: true,
      });
    });
    afterEach(async () => {
      await s.store.close();
      await h.close();
    });

    const reopen = async (): Promise<EventStore> => {
      await s.store.close();
      s.store = await h.open();
      return s.store;
    };

    it('an untouched store verifies, and still does after it grew past the checkpoints', async () => {
      const clean = await verifyStore(s.store, auditor());
      expect(clean).toMatchObject({ ok: true, eventCount: 13, streamCount: 4, treeSize: 13, checkpointsVerified: 2, failures: [] });
      expect(clean.rootHash).toBe(s.cp13.checkpoint.rootHash);

      await s.store.append(s.streamIds.C, [event('Step2', { step: 2 }), event('Step3', { step: 3 })], { expectedRevision: 1 });
      const grown = await verifyStore(s.store, auditor());
      expect(grown).toMatchObject({ ok: true, eventCount: 15, checkpointsVerified: 2 });
    });

    it('edited payload → the chain (and only the chain) catches it, at that event', async () => {
      await h.raw.setData(s.ids.B[1], { stream: 'B', step: 1, note: '已被改写' });
      const store = await reopen();
      // The Merkle leaves are the stored hashes, which did not change: the checkpoint cannot see
      // this edit; recomputing the chain does.
      const all = await verifyEachCheck(store, auditor(), { log_order: [], chain: ['CHAIN_HASH_MISMATCH'], checkpoint: [] });
      expect(all.firstFailure).toMatchObject({ check: 'chain', reason: 'CHAIN_HASH_MISMATCH', event: { id: s.ids.B[1], revision: 1, leafIndex: 4 } });
    });

    it('deleted event → the chain names the next event of the stream (revision gap)', async () => {
      await h.raw.deleteEvent(s.ids.A[2]); // position 7
      const store = await reopen();
      const expected: Expected =
        h.kind === 'sqlite'
          ? // chain: revision gap at A3; dense positions: a hole before position 8; the log is one
            // event shorter than checkpoint 13
            { log_order: ['LOG_POSITION_GAP'], chain: ['CHAIN_REVISION_GAP'], checkpoint: ['LOG_SHORTER_THAN_CHECKPOINT'] }
          : // the mongodb adapter's readAll stops at a hole: the log ends at position 6, stream B holds
            // more than the log showed, and the log is shorter than checkpoint 13
            { log_order: [], chain: ['CHAIN_REVISION_GAP', 'STREAM_DIFFERS_FROM_LOG'], checkpoint: ['LOG_SHORTER_THAN_CHECKPOINT'] };
      const all = await verifyEachCheck(store, auditor(), expected);
      const chain = all.failures.find((f) => f.reason === 'CHAIN_REVISION_GAP');
      expect(chain?.event).toMatchObject({ id: s.ids.A[3], revision: 3, globalPosition: 9 });
      const cp = all.failures.find((f) => f.check === 'checkpoint');
      expect(cp?.suspectLeaves).toMatchObject({ from: 6, to: 13 });
    });

    it('two events of a stream swapped → the chain catches it at the first of them', async () => {
      await h.raw.swapRevisions(s.ids.C[0], s.ids.C[1]);
      const store = await reopen();
      // The stored hashes and positions are unchanged, so the checkpoint still matches; the hash of
      // C1 covers revision 1 and C0's hash, so at revision 0 it does not recompute. In the log,
      // revision 0 of C now comes after revision 1: the order check sees it too.
      const all = await verifyEachCheck(store, auditor(), {
        log_order: ['LOG_STREAM_OUT_OF_ORDER'],
        chain: ['CHAIN_HASH_MISMATCH'],
        checkpoint: [],
      });
      expect(all.failures.find((f) => f.check === 'chain')?.event).toMatchObject({ id: s.ids.C[1], revision: 0, streamId: s.streamIds.C });
      expect(all.firstFailure).toMatchObject({ reason: 'LOG_STREAM_OUT_OF_ORDER', event: { id: s.ids.C[1], globalPosition: 6, leafIndex: 5 } });
    });

    it('stream cut short in the middle of the log → a hole in the positions (or read-all vs read-stream), and the checkpoint', async () => {
      await h.raw.deleteStreamFrom(s.streamIds.A, 3); // A3 at 9, A4 at 11
      const store = await reopen();
      // A0..A2 is a valid prefix of A's chain: no chain check can see a cut-off end.
      const expected: Expected =
        h.kind === 'sqlite'
          ? { log_order: ['LOG_POSITION_GAP'], chain: [], checkpoint: ['LOG_SHORTER_THAN_CHECKPOINT'] }
          : // mongodb: readAll stops at the hole at 9, so B3 (position 10) is in stream B but not in the log
            { log_order: [], chain: ['STREAM_DIFFERS_FROM_LOG'], checkpoint: ['LOG_SHORTER_THAN_CHECKPOINT'] };
      const all = await verifyEachCheck(store, auditor(), expected);
      const exact = all.failures.find((f) => f.reason === (h.kind === 'sqlite' ? 'LOG_POSITION_GAP' : 'STREAM_DIFFERS_FROM_LOG'));
      expect(exact?.event).toMatchObject({ id: s.ids.B[3], globalPosition: 10 });
      if (h.kind === 'sqlite') expect(all.firstFailure).toBe(exact); // the exact event beats the range [6, 13)
    });

    it('stream cut short, positions renumbered to hide the holes, log grown again → only the signed checkpoint', async () => {
      await h.raw.deleteStreamFrom(s.streamIds.A, 3);
      await h.raw.renumberPositions();
      let store = await reopen();
      expect(await verifyStore(store, { densePositions: true })).toMatchObject({ ok: true, eventCount: 11 });
      await verifyEachCheck(store, auditor(), { log_order: [], chain: [], checkpoint: ['LOG_SHORTER_THAN_CHECKPOINT'] });

      // New events arrive: the log is longer than checkpoint 13 again, but does not extend it.
      for (let i = 2; i < 5; i++) await store.append(s.streamIds.E, [event(`Step${i}`, { step: i })], { expectedRevision: i - 1 });
      store = await reopen();
      expect(await verifyStore(store, { densePositions: true })).toMatchObject({ ok: true, eventCount: 14 });
      const all = await verifyEachCheck(store, auditor(), { log_order: [], chain: [], checkpoint: ['LOG_INCONSISTENT_WITH_CHECKPOINT'] });
      expect(all.checkpointsVerified).toBe(1); // checkpoint 6 still holds
      expect(all.firstFailure).toMatchObject({ suspectLeaves: { from: 6, to: 13, firstEvent: { id: s.ids.A[2], leafIndex: 6 } } });
    });

    it('last event of the log removed → only the signed checkpoint (log shorter than it)', async () => {
      await h.raw.deleteStreamFrom(s.streamIds.E, 1);
      const store = await reopen();
      expect(await verifyStore(store, { densePositions: true })).toMatchObject({ ok: true, eventCount: 12 });
      await verifyEachCheck(store, auditor(), { log_order: [], chain: [], checkpoint: ['LOG_SHORTER_THAN_CHECKPOINT'] });
    });

    it("a whole stream's chain rewritten consistently → only the signed checkpoint, narrowed to the leaves after checkpoint 6", async () => {
      // Rewrite B from revision 2 on: new payload, every later hash recomputed, so B's chain is valid.
      const stream = await s.store.readStream(s.streamIds.B);
      let prev = stream[1].hash;
      const rewritten: StoredEvent[] = [];
      for (const e of stream.slice(2)) {
        const data = e.revision === 2 ? { ...e.data, note: '调解结果被改写' } : e.data;
        const hash = hashEvent(prev, { ...e, data });
        rewritten.push({ ...e, data, hash });
        prev = hash;
      }
      for (const e of rewritten) await h.raw.setDataAndHash(e.id, e.data, e.hash);
      const store = await reopen();

      // Without a checkpoint nothing is wrong: every chain recomputes, positions are dense.
      expect(await verifyStore(store, { densePositions: true })).toMatchObject({ ok: true, failures: [] });
      const all = await verifyEachCheck(store, auditor(), { log_order: [], chain: [], checkpoint: ['LOG_INCONSISTENT_WITH_CHECKPOINT'] });
      expect(all.checkpointsVerified).toBe(1);
      expect(all.firstFailure).toMatchObject({
        check: 'checkpoint',
        checkpoint: { treeSize: 13 },
        suspectLeaves: { from: 6, to: 13, firstEvent: { globalPosition: 7 } },
      });
      // The changed event (B2 at leaf 7) is inside the suspect range.
      expect(s.ids.B[2]).toBe(rewritten[0].id);
    });

    it('two events of different streams swapped in the log order → only the signed checkpoint', async () => {
      await h.raw.swapPositions(s.ids.A[3], s.ids.B[3]); // positions 9 and 10
      const store = await reopen();
      await verifyEachCheck(store, auditor(), { log_order: [], chain: [], checkpoint: ['LOG_INCONSISTENT_WITH_CHECKPOINT'] });
    });

    it('a checkpoint altered, or signed by a key the auditor does not trust → refused', async () => {
      const forgedRoot = { ...s.cp13, checkpoint: { ...s.cp13.checkpoint, rootHash: s.cp6.checkpoint.rootHash } };
      const result = await verifyStore(s.store, { checkpoint: forgedRoot, keySet: JSON.parse(s.keySetJson) });
      expect(result.failures.map((f) => f.reason)).toEqual(['CHECKPOINT_SIGNATURE_INVALID']);
      const stranger = CheckpointSigner.generate();
      const foreign = stranger.sign({ origin, treeSize: 13, rootHash: result.rootHash, timestamp: '2025-03-01T10:00:00.000Z' });
      const result2 = await verifyStore(s.store, { checkpoint: foreign, keySet: JSON.parse(s.keySetJson) });
      expect(result2.failures).toMatchObject([{ reason: 'CHECKPOINT_SIGNATURE_INVALID', detail: expect.stringContaining('UNKNOWN_KEY') }]);
      const otherLog = await verifyStore(s.store, { checkpoint: s.cp13, publicKey: s.signer.publicKey, origin: 'fengqiao/other/event-store' });
      expect(otherLog.failures.map((f) => f.reason)).toEqual(['CHECKPOINT_ORIGIN_MISMATCH']);
      await expect(verifyStore(s.store, { checkpoint: s.cp13 })).rejects.toThrow(TypeError);
    });

    it('crypto-shredding a subject leaves verifyStore green and the data unreadable', async () => {
      const keys = new InMemorySubjectKeyStore({ masterKeys: MasterKeyring.generate() });
      const cipher = new PersonalDataCipher(keys);
      const spec = [{ at: 'parties[]', subjectIdField: 'personId', fields: ['name', 'phone'] }];
      const streamId = `mediation-case-${newId()}`;
      const data = await cipher.sealFields(
        {
          parties: [
            { personId: 'person-1', name: '张三', phone: '13800000001' },
            { personId: 'person-2', name: '李四', phone: '13800000002' },
          ],
        },
        spec,
      );
      await s.store.append(streamId, [event('MediationCaseRegistered', data)], { expectedRevision: 'no_stream' });
      const follower = new EventStoreMerkleLog(s.store);
      await follower.catchUp();
      const checkpointer = new MerkleCheckpointer({ log: follower.log, signer: s.signer, store: new InMemoryCheckpointStore(), origin });
      const cp14 = await checkpointer.checkpoint();

      await keys.erase('person-1');

      const result = await verifyStore(await reopen(), { ...auditor(), checkpoints: [...(auditor().checkpoints ?? []), cp14] });
      expect(result).toMatchObject({ ok: true, eventCount: 14, checkpointsVerified: 3, failures: [] });
      const [stored] = await s.store.readStream(streamId);
      const parties = stored.data.parties as { name: unknown; phone: unknown }[];
      expect(isSealedPersonalData(parties[0].name)).toBe(true); // the ciphertext is still there
      const opened = await cipher.openFields(stored.data as typeof data);
      expect(isErasedPersonalData(opened.parties[0].name)).toBe(true);
      expect(isErasedPersonalData(opened.parties[0].phone)).toBe(true);
      expect(opened.parties[1]).toEqual({ personId: 'person-2', name: '李四', phone: '13800000002' });
    });
  });
}
