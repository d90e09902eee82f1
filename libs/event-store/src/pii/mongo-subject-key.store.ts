/**
 * Subject keys in a MongoDB collection; FerretDB-compatible (no transactions: `_id` = subject id
 * gives uniqueness, erasure is one conditional upsert). Keep the collection out of long-lived
 * backups: a restored key un-erases its subject.
 */
import { Collection, Db, MongoServerError } from 'mongodb';
import { WrappedKey } from './master-keyring';
import { SubjectKeyRecord, SubjectKeyStoreOptions, WrappedSubjectKeyStore } from './subject-key.store';

export interface SubjectKeyDocument {
  _id: string;
  createdAt: string;
  wrapped?: WrappedKey;
  erasedAt?: string;
}

const DUPLICATE_KEY = 11000;

function toRecord(d: SubjectKeyDocument): SubjectKeyRecord {
  const r: SubjectKeyRecord = { subjectId: d._id, createdAt: d.createdAt };
  if (d.wrapped) r.wrapped = { masterKeyId: d.wrapped.masterKeyId, iv: d.wrapped.iv, ct: d.wrapped.ct, tag: d.wrapped.tag };
  if (d.erasedAt) r.erasedAt = d.erasedAt;
  return r;
}

export interface MongoSubjectKeyStoreOptions extends SubjectKeyStoreOptions {
  collection: Collection<SubjectKeyDocument>;
}

export class MongoSubjectKeyStore extends WrappedSubjectKeyStore {
  private readonly collection: Collection<SubjectKeyDocument>;

  constructor(options: MongoSubjectKeyStoreOptions) {
    super(options);
    this.collection = options.collection;
  }

  static forDb(db: Db, options: SubjectKeyStoreOptions & { collectionName?: string }): MongoSubjectKeyStore {
    return new MongoSubjectKeyStore({ ...options, collection: db.collection<SubjectKeyDocument>(options.collectionName ?? 'subject_keys') });
  }

  protected async insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord> {
    const doc: SubjectKeyDocument = { _id: record.subjectId, createdAt: record.createdAt };
    if (record.wrapped) doc.wrapped = record.wrapped;
    if (record.erasedAt) doc.erasedAt = record.erasedAt;
    try {
      await this.collection.insertOne(doc);
      return record;
    } catch (e) {
      if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
      const stored = await this.find(record.subjectId);
      if (!stored) throw e;
      return stored;
    }
  }

  protected async find(subjectId: string): Promise<SubjectKeyRecord | undefined> {
    const d = await this.collection.findOne({ _id: subjectId });
    return d ? toRecord(d) : undefined;
  }

  protected async tombstone(subjectId: string, erasedAt: string): Promise<void> {
    try {
      // Matches only a subject not yet erased; for an unknown subject the upsert writes a tombstone.
      await this.collection.updateOne(
        { _id: subjectId, erasedAt: { $exists: false } },
        { $set: { erasedAt }, $unset: { wrapped: '' }, $setOnInsert: { createdAt: erasedAt } },
        { upsert: true },
      );
    } catch (e) {
      // Already erased: the filter missed and the upsert collided with the existing tombstone.
      if (!(e instanceof MongoServerError) || e.code !== DUPLICATE_KEY) throw e;
    }
  }
}
