/**
 * MongoDB-protocol contenders (here: FerretDB 1.24 on its PostgreSQL backend; the server is asked, see
 * `serverInfo`): our `MongoEventStore`,
 * Emmett's `getMongoDBEventStore`, and the driver's raw `insertOne` / `insertMany`. All three write
 * with `{ w: 'majority', journal: true }` (our store's default), each run into a fresh collection of
 * one database that is dropped at the end.
 */
import { MongoClient, type Collection, type Db } from 'mongodb';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getMongoDBEventStore } from '@event-driven-io/emmett-mongodb';
import { MongoEventStore } from '@fengqiao/event-store';
import { evolveFold, initialFoldState, type BenchEvent, type BenchEventData, type FoldState } from '../lib/events';
import type { Subject } from './subject';

export const WRITE_CONCERN = { w: 'majority', journal: true } as const;

export interface MongoTarget {
  client: MongoClient;
  db: Db;
  dbName: string;
}

export async function connectMongo(url: string, dbName: string): Promise<MongoTarget> {
  const client = await MongoClient.connect(url, { writeConcern: WRITE_CONCERN });
  return { client, db: client.db(dbName), dbName };
}

export interface ServerInfo {
  /** What buildInfo says it is compatible with, e.g. `7.0.42`. */
  mongoVersion: string;
  /** FerretDB's own version when the server is FerretDB (`'unknown'` in builds without version info). */
  ferretdbVersion?: string;
  /** FerretDB's storage backend and its version, e.g. `PostgreSQL 15.18`, from its start-up log line. */
  ferretdbBackend?: string;
}

/** Asks the server what it is: `buildInfo` (FerretDB adds `ferretdbVersion`), and on FerretDB its backend. */
export async function serverInfo(target: MongoTarget): Promise<ServerInfo> {
  const admin = target.db.admin();
  const info = await admin.command({ buildInfo: 1 });
  const ferret = info.ferretdbVersion ?? (info.ferretdbFeatures ? 'unknown' : undefined);
  const mongoVersion = String(info.version ?? '?');
  if (ferret === undefined) return { mongoVersion };
  let backend: string | undefined;
  try {
    // FerretDB logs "Powered by FerretDB v1.24.2 and PostgreSQL 15.18." among its startup warnings.
    const log = await admin.command({ getLog: 'startupWarnings' });
    backend = ferretdbBackendFromLog((log.log ?? []) as unknown[]);
  } catch {
    // older FerretDB without getLog: the backend stays unnamed
  }
  return { mongoVersion, ferretdbVersion: String(ferret), ...(backend ? { ferretdbBackend: backend } : {}) };
}

/** The backend named in FerretDB's "Powered by FerretDB vX and <Backend> <version>." start-up line. */
export function ferretdbBackendFromLog(lines: readonly unknown[]): string | undefined {
  for (const line of lines) {
    const text = typeof line === 'string' ? line : JSON.stringify(line);
    const m = /Powered by FerretDB \S+ and ([A-Za-z]+) ([0-9][^ ."]*(?:\.[0-9]+)*)/.exec(text);
    if (m) return `${m[1]} ${m[2]}`;
  }
  return undefined;
}

/** One label for the server the numbers were measured on: `FerretDB v1.24.2 (PostgreSQL 15.18 backend, …)` or `MongoDB 7.0.x`. */
export function describeServer(info: ServerInfo, fallbackFerretDbVersion?: string): string {
  if (info.ferretdbVersion === undefined) return `MongoDB ${info.mongoVersion}`;
  const version = info.ferretdbVersion === 'unknown' ? (fallbackFerretDbVersion ?? 'unknown') : info.ferretdbVersion;
  return `FerretDB ${version} (${info.ferretdbBackend ?? 'unknown'} backend, reports MongoDB ${info.mongoVersion})`;
}

async function dropCollections(db: Db, prefix: string): Promise<void> {
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (c.name.startsWith(prefix)) await db.dropCollection(c.name);
  }
}

export function oursMongo(target: MongoTarget): Subject {
  return {
    kind: 'ours',
    label: 'MongoEventStore (one commit document per append, w: majority, j: true)',
    async open(tag) {
      const store = await MongoEventStore.create({ db: target.db, collection: `ours_${tag}` });
      return {
        async append(streamId, events, expectedRevision) {
          const r = await store.append(streamId, events, { expectedRevision: expectedRevision < 0 ? 'no_stream' : expectedRevision });
          return r.nextExpectedRevision;
        },
        async readAndFold(streamId) {
          let state = initialFoldState();
          for (const e of await store.readStream(streamId)) state = evolveFold(state, e.data as unknown as BenchEventData);
          return state;
        },
        async replayAll(pageSize, onPage) {
          let after = 0;
          let total = 0;
          for (;;) {
            const page = await store.readAll({ afterPosition: after, maxCount: pageSize });
            if (page.length === 0) return total;
            total += page.length;
            after = page[page.length - 1].globalPosition;
            onPage?.(page.length);
          }
        },
        close: () => store.close(),
      };
    },
    cleanup: () => dropCollections(target.db, 'ours_'),
  };
}

type EmmettEvent = {
  type: 'GridCaseNoted';
  data: BenchEventData;
  metadata: Record<string, unknown>;
};

/** Emmett's MongoDB store keeps one document per stream (`messages` array), names `type:id`. */
export function emmettMongo(target: MongoTarget): Subject {
  return {
    kind: 'emmett',
    label: 'Emmett getMongoDBEventStore (one document per stream, SINGLE_COLLECTION, same write concern)',
    async open(tag) {
      const store = getMongoDBEventStore({
        client: target.client,
        storage: { type: 'SINGLE_COLLECTION', collectionName: `emmett_${tag}`, databaseName: target.dbName },
      });
      await store.collectionFor('case'); // creates its unique index before the timed part
      const name = (streamId: string): `case:${string}` => `case:${streamId}`;
      return {
        async append(streamId, events, expectedRevision) {
          const payload: EmmettEvent[] = events.map((e) => ({
            type: e.type,
            data: e.data,
            // the rest of our envelope, so both stores keep the same information
            metadata: {
              eventId: e.id,
              schemaVersion: e.schemaVersion,
              occurredAt: e.occurredAt,
              actor: e.actor,
              correlationId: e.correlationId,
              causationId: e.causationId,
              jurisdiction: e.jurisdiction,
            },
          }));
          const r = await store.appendToStream<EmmettEvent>(name(streamId), payload, {
            expectedStreamVersion: expectedRevision < 0 ? STREAM_DOES_NOT_EXIST : BigInt(expectedRevision + 1),
          });
          return Number(r.nextExpectedStreamVersion) - 1;
        },
        async readAndFold(streamId) {
          const r = await store.aggregateStream<FoldState, EmmettEvent>(name(streamId), {
            evolve: (s: FoldState, e: { data: BenchEventData }) => evolveFold(s, e.data),
            initialState: initialFoldState,
          });
          return r.state;
        },
        // no replayAll: Emmett's MongoDB store has no global order / read-all
        async close() {
          // the client is shared; nothing else to close
        },
      };
    },
    cleanup: () => dropCollections(target.db, 'emmett_'),
  };
}

interface RawDoc {
  _id: number;
  streamId: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: BenchEvent['actor'];
  correlationId: string;
  causationId: string;
  jurisdiction: string[];
  data: string;
}

/** Raw baseline: one document per event, `insertOne` for one event, `insertMany` for a batch. */
export function rawMongo(target: MongoTarget): Subject {
  return {
    kind: 'raw',
    label: 'mongodb driver insertOne / insertMany (one document per event, unique (streamId, revision), same write concern)',
    async open(tag) {
      const c: Collection<RawDoc> = target.db.collection<RawDoc>(`raw_${tag}`);
      await c.createIndex({ streamId: 1, revision: 1 }, { unique: true });
      let nextId = 1;
      return {
        async append(streamId, events, expectedRevision) {
          const recordedAt = new Date().toISOString();
          let revision = expectedRevision;
          const docs: RawDoc[] = events.map((e) => {
            revision += 1;
            return {
              _id: nextId++,
              streamId,
              revision,
              id: e.id,
              type: e.type,
              schemaVersion: e.schemaVersion,
              occurredAt: e.occurredAt,
              recordedAt,
              actor: e.actor,
              correlationId: e.correlationId,
              causationId: e.causationId,
              jurisdiction: e.jurisdiction,
              data: JSON.stringify(e.data),
            };
          });
          if (docs.length === 1) await c.insertOne(docs[0], { writeConcern: WRITE_CONCERN });
          else await c.insertMany(docs, { writeConcern: WRITE_CONCERN, ordered: true });
          return revision;
        },
        async readAndFold(streamId) {
          let state: FoldState = initialFoldState();
          for (const d of await c.find({ streamId }).sort({ revision: 1 }).toArray()) {
            state = evolveFold(state, JSON.parse(d.data) as BenchEventData);
          }
          return state;
        },
        async replayAll(pageSize, onPage) {
          let after = 0;
          let total = 0;
          for (;;) {
            const page = await c
              .find({ _id: { $gt: after } })
              .sort({ _id: 1 })
              .limit(pageSize)
              .toArray();
            if (page.length === 0) return total;
            for (const d of page) JSON.parse(d.data);
            total += page.length;
            after = page[page.length - 1]._id;
            onPage?.(page.length);
          }
        },
        async close() {
          // the client is shared
        },
      };
    },
    cleanup: () => dropCollections(target.db, 'raw_'),
  };
}
