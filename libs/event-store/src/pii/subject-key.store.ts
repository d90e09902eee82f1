/**
 * Per-subject data keys for personal data (DESIGN §4: crypto-shredding). Each data subject (a
 * party, a reporter, a petitioner) has one random AES-256 key, stored only wrapped by the master
 * key. Erasing the subject deletes the wrapped key and leaves a tombstone: every ciphertext of the
 * subject stays in the events (so their hashes and chains still verify) but can never be read again,
 * and no new personal data can be sealed for that subject id.
 */
import { randomBytes } from 'node:crypto';
import { Clock, systemClock } from '@fengqiao/kernel';
import { KEY_BYTES, MasterKeyring, WrappedKey } from './master-keyring';
import { SubjectErasedError } from './pii.errors';

export type SubjectKeyLookup =
  { status: 'active'; subjectId: string; key: Buffer } | { status: 'erased'; subjectId: string; erasedAt: string } | { status: 'missing'; subjectId: string };

export interface SubjectKeyStore {
  /** The subject's data key, created on first use. Throws `SubjectErasedError` for an erased subject. */
  getOrCreate(subjectId: string): Promise<Buffer>;
  /** The subject's data key, or why there is none. */
  get(subjectId: string): Promise<SubjectKeyLookup>;
  /** Crypto-shreds the subject: deletes its key for good. Idempotent; the first erasure time is kept. */
  erase(subjectId: string): Promise<void>;
}

/** What adapters store: never the plain data key. */
export interface SubjectKeyRecord {
  subjectId: string;
  createdAt: string;
  /** Absent once erased. */
  wrapped?: WrappedKey;
  erasedAt?: string;
}

export interface SubjectKeyStoreOptions {
  masterKeys: MasterKeyring;
  clock?: Clock;
}

function assertSubjectId(subjectId: string): void {
  if (typeof subjectId !== 'string' || subjectId.length === 0 || subjectId.length > 200) {
    throw new TypeError(`a subject id is a non-empty string, got ${JSON.stringify(subjectId)}`);
  }
}

/** Key wrapping and the erase rules; adapters only store records. */
export abstract class WrappedSubjectKeyStore implements SubjectKeyStore {
  protected readonly masterKeys: MasterKeyring;
  protected readonly clock: Clock;

  constructor(options: SubjectKeyStoreOptions) {
    this.masterKeys = options.masterKeys;
    this.clock = options.clock ?? systemClock;
  }

  /** Stores `record` unless the subject already has one; returns the record now stored. */
  protected abstract insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord>;
  protected abstract find(subjectId: string): Promise<SubjectKeyRecord | undefined>;
  /** Removes the wrapped key and records `erasedAt` (keeps an earlier erasure); creates a tombstone if absent. */
  protected abstract tombstone(subjectId: string, erasedAt: string): Promise<void>;

  async getOrCreate(subjectId: string): Promise<Buffer> {
    assertSubjectId(subjectId);
    const existing = await this.find(subjectId);
    const record =
      existing ??
      (await this.insertIfAbsent({
        subjectId,
        createdAt: this.clock.now().toISOString(),
        wrapped: this.masterKeys.wrap(subjectId, randomBytes(KEY_BYTES)),
      }));
    if (!record.wrapped) throw new SubjectErasedError(subjectId, record.erasedAt ?? 'unknown');
    return this.masterKeys.unwrap(subjectId, record.wrapped);
  }

  async get(subjectId: string): Promise<SubjectKeyLookup> {
    assertSubjectId(subjectId);
    const record = await this.find(subjectId);
    if (!record) return { status: 'missing', subjectId };
    if (!record.wrapped) return { status: 'erased', subjectId, erasedAt: record.erasedAt ?? 'unknown' };
    return { status: 'active', subjectId, key: this.masterKeys.unwrap(subjectId, record.wrapped) };
  }

  async erase(subjectId: string): Promise<void> {
    assertSubjectId(subjectId);
    await this.tombstone(subjectId, this.clock.now().toISOString());
  }
}

export class InMemorySubjectKeyStore extends WrappedSubjectKeyStore {
  private readonly records: Map<string, SubjectKeyRecord>;

  /** `records` lets several instances (e.g. with other master keys) share one storage. */
  constructor(options: SubjectKeyStoreOptions & { records?: Map<string, SubjectKeyRecord> }) {
    super(options);
    this.records = options.records ?? new Map();
  }

  protected async insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord> {
    const existing = this.records.get(record.subjectId);
    if (existing) return structuredClone(existing);
    this.records.set(record.subjectId, structuredClone(record));
    return record;
  }

  protected async find(subjectId: string): Promise<SubjectKeyRecord | undefined> {
    const r = this.records.get(subjectId);
    return r && structuredClone(r);
  }

  protected async tombstone(subjectId: string, erasedAt: string): Promise<void> {
    const existing = this.records.get(subjectId);
    if (existing?.erasedAt) return;
    this.records.set(subjectId, { subjectId, createdAt: existing?.createdAt ?? erasedAt, erasedAt });
  }
}
