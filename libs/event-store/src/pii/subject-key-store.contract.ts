/**
 * The contract every SubjectKeyStore passes (memory, sqlite, mongodb). Used by the specs only;
 * not exported from the package index.
 */
import { FixedClock } from '@fengqiao/kernel';
import { MasterKeyring } from './master-keyring';
import { PersonalDataIntegrityError, SubjectErasedError } from './pii.errors';
import { SubjectKeyStore, SubjectKeyStoreOptions } from './subject-key.store';

export interface SubjectKeyStoreHarness {
  /** A store over the same storage each time it is called (to test persistence and master keys). */
  open(options: SubjectKeyStoreOptions): Promise<SubjectKeyStore>;
  /** Everything the adapter persisted, as text, binary as base64 (to check no plain key is stored). */
  rawDump(): Promise<string>;
  /** The wrapped key's ciphertext (base64) as persisted for `subjectId`, read from storage directly. */
  rawWrappedKey(subjectId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export function subjectKeyStoreContract(name: string, harness: () => Promise<SubjectKeyStoreHarness>): void {
  describe(`SubjectKeyStore contract: ${name}`, () => {
    let h: SubjectKeyStoreHarness;
    let store: SubjectKeyStore;
    const masterKeys = MasterKeyring.generate('master-a');
    const clock = new FixedClock('2025-03-01T08:00:00.000Z');

    beforeEach(async () => {
      h = await harness();
      store = await h.open({ masterKeys, clock });
    });
    afterEach(async () => {
      await h.close();
    });

    it('creates one 256-bit key per subject, the same on every later call', async () => {
      const a = await store.getOrCreate('subject-a');
      const b = await store.getOrCreate('subject-b');
      expect(a).toHaveLength(32);
      expect(a.equals(b)).toBe(false);
      expect((await store.getOrCreate('subject-a')).equals(a)).toBe(true);
      const found = await store.get('subject-a');
      expect(found.status).toBe('active');
      expect(found.status === 'active' && found.key.equals(a)).toBe(true);
      expect(await store.get('subject-never-seen')).toEqual({ status: 'missing', subjectId: 'subject-never-seen' });
    });

    it('stores keys only wrapped by the master key', async () => {
      const a = await store.getOrCreate('subject-a');
      const dump = await h.rawDump();
      expect(dump).toContain('subject-a');
      expect(dump).not.toContain(a.toString('base64'));
      expect(dump).not.toContain(a.toString('hex'));
    });

    it('keeps keys across reopening, and needs the right master key to read them', async () => {
      const a = await store.getOrCreate('subject-a');
      const again = await h.open({ masterKeys, clock });
      expect((await again.getOrCreate('subject-a')).equals(a)).toBe(true);
      const wrongMaster = await h.open({ masterKeys: MasterKeyring.generate('master-a'), clock });
      await expect(wrongMaster.get('subject-a')).rejects.toBeInstanceOf(PersonalDataIntegrityError);
      // after a rotation the old master still unwraps, the new one wraps new keys
      const rotated = await h.open({ masterKeys: new MasterKeyring(MasterKeyring.generate('master-b').current, [masterKeys.current]), clock });
      expect((await rotated.getOrCreate('subject-a')).equals(a)).toBe(true);
      expect(await rotated.getOrCreate('subject-c')).toHaveLength(32);
    });

    it('erases a subject for good: no key, a tombstone with the first erasure time, no new key', async () => {
      const a = await store.getOrCreate('subject-a');
      const wrapped = await h.rawWrappedKey('subject-a');
      expect(wrapped).toEqual(expect.any(String));
      await store.erase('subject-a');
      expect(await h.rawWrappedKey('subject-a')).toBeUndefined();
      expect(await h.rawDump()).not.toContain(wrapped);
      expect(await store.get('subject-a')).toEqual({ status: 'erased', subjectId: 'subject-a', erasedAt: '2025-03-01T08:00:00.000Z' });
      await expect(store.getOrCreate('subject-a')).rejects.toBeInstanceOf(SubjectErasedError);
      await expect(store.getOrCreate('subject-a')).rejects.toMatchObject({ code: 'PII.SUBJECT_ERASED' });
      clock.advance(3_600_000);
      await store.erase('subject-a');
      expect(await store.get('subject-a')).toMatchObject({ status: 'erased', erasedAt: '2025-03-01T08:00:00.000Z' });
      clock.set('2025-03-01T08:00:00.000Z');
      expect(await h.rawDump()).not.toContain(a.toString('base64'));
    });

    it("does not touch another subject's key when one subject is erased", async () => {
      await store.getOrCreate('subject-a');
      const b = await store.getOrCreate('subject-b');
      const wrappedB = await h.rawWrappedKey('subject-b');
      await store.erase('subject-a');
      const found = await store.get('subject-b');
      expect(found.status === 'active' && found.key.equals(b)).toBe(true);
      expect(await h.rawWrappedKey('subject-b')).toBe(wrappedB);
    });

    it('records the erasure of a subject it never held, so no key can be made for it later', async () => {
      await store.erase('subject-z');
      expect(await store.get('subject-z')).toMatchObject({ status: 'erased' });
      await expect(store.getOrCreate('subject-z')).rejects.toBeInstanceOf(SubjectErasedError);
    });

    it('gives every concurrent first caller the same key', async () => {
      const keys = await Promise.all(Array.from({ length: 8 }, () => store.getOrCreate('subject-race')));
      expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
    });
  });
}
