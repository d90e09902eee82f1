/**
 * Raw import into the MongoDB event store (restore of a backup, see `backup/`): each stored event
 * becomes one commit document of one event at its own global position (`_id`), with its own
 * recordedAt and hash, so the store reads back exactly what was exported. Kept apart from
 * `mongodb-event-store.ts` on purpose: it only knows the commit document's fields (layout 2, see
 * mongodb-commit-doc.ts: `page`, BSON dates, `data` as a document beside its canonical `json`); the indexes, and the stream heads,
 * id documents and position hint of the imported commits, are made by `MongoEventStore.create` (its
 * migration, run again on `close`), so they have one owner. Positions must be dense (the readers
 * stop at a gap): the caller renumbers a backup from a store without dense positions.
 */
import type { Db } from 'mongodb';
import type { StoredEvent } from '../../event-store.port';
import { encodeData } from '../../envelope';
import type { RawEventImport } from '../../backup/raw-import';
import { storedData, pageOf } from './mongodb-commit-doc';
import { MongoEventStore } from './mongodb-event-store';

export async function openMongoRawImport(db: Db, collection = 'events'): Promise<RawEventImport> {
  await (await MongoEventStore.create({ db, collection })).close(); // the indexes
  const commits = db.collection(collection);
  return {
    count: () => commits.countDocuments({ lastPosition: { $exists: true } }), // commits, not claims beside them
    async insert(events: readonly StoredEvent[]) {
      if (events.length === 0) return;
      const docs = events.map((e) => ({
        _id: e.globalPosition,
        lastPosition: e.globalPosition,
        page: pageOf(e.globalPosition),
        streamId: e.streamId,
        firstRevision: e.revision,
        lastRevision: e.revision,
        lastHash: e.hash,
        eventIds: [e.id],
        events: [
          {
            id: e.id,
            type: e.type,
            schemaVersion: e.schemaVersion,
            occurredAt: new Date(e.occurredAt),
            ...(new Date(e.occurredAt).toISOString() !== e.occurredAt ? { occurredAtText: e.occurredAt } : {}),
            recordedAt: new Date(e.recordedAt),
            actor: {
              userId: e.actor.userId,
              role: e.actor.role,
              unitId: e.actor.unitId,
              ...(e.actor.directoryVersion !== undefined ? { directoryVersion: e.actor.directoryVersion } : {}),
            },
            correlationId: e.correlationId,
            causationId: e.causationId,
            jurisdiction: [...e.jurisdiction],
            ...(e.legalBasis !== undefined ? { legalBasis: e.legalBasis } : {}),
            ...storedData(encodeData(e.data)),
            hash: e.hash,
            ...(e.traceparent !== undefined ? { traceparent: e.traceparent } : {}),
          },
        ],
      }));
      await commits.insertMany(docs as never[], { ordered: true, writeConcern: { w: 'majority', journal: true } });
    },
    // the heads, id documents and position hint of what was imported: the store's own migration
    // writes them when the layout mark is absent (the database handle is the caller's)
    async close() {
      await db.collection(`${collection}_meta`).deleteOne({ _id: 'layout' } as never);
      await (await MongoEventStore.create({ db, collection })).close();
    },
  };
}
